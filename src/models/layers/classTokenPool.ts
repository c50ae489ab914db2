import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';

/**
 * Keeps the class token (token 0) of a sequence: ViT's classifier reads it.
 *
 * Convention: input [B, N, C] → output [B, C]. Linear (a slice), weightless.
 */
export class ClassTokenPool extends tf.layers.Layer {
  static className = 'ClassTokenPool';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0], s[2]];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return classTokenOf(x);
  }
}

/** Token 0 of [B, N, C] as [B, C] (shared by the layer and its JVP rule). */
export function classTokenOf(x: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => x.slice([0, 0, 0], [x.shape[0], 1, x.shape[2]]).reshape([x.shape[0], x.shape[2]]));
}
