import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';

export interface SeededLayerArgs extends LayerArgs {
  /** Seed of the weight initializer (zoo models are reproducible from their seed). */
  seed?: number;
}

/**
 * Prepends a learned class token to a token sequence (ViT). The class token comes first, so the
 * layer-wise decomposition can treat tokens 1…N as the h×w patch image (DESIGN §5).
 *
 * Convention: input [B, N, C] → output [B, N + 1, C]; one weight `token` [1, 1, C]
 * (truncated normal, stddev 0.02, as in ViT).
 */
export class ClassToken extends tf.layers.Layer {
  static className = 'ClassToken';
  readonly seed?: number;
  token!: tf.LayerVariable;

  constructor(args: SeededLayerArgs = {}) {
    super(args);
    this.seed = args.seed;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const channels = (inputShape as tf.Shape)[2] as number;
    this.token = this.addWeight(
      'token',
      [1, 1, channels],
      'float32',
      tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed }),
    );
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0], s[1] === null ? null : s[1] + 1, s[2]];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    // Broadcast, not tf.tile: tfjs differentiates tile with one slice per repeat (thousands of kernels).
    return tf.tidy(() => tf.concat([tf.mul(tf.ones([x.shape[0], 1, 1]), this.token.read()), x], 1));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed ?? null };
  }
}
