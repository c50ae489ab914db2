import * as tf from '@tensorflow/tfjs';
import type { SeededLayerArgs } from './classToken';

/**
 * Adds a learned position embedding to every token (ViT).
 *
 * Convention: input [B, N, C] → output [B, N, C]; one weight `embedding` [1, N, C]
 * (truncated normal, stddev 0.02). Its JVP is the identity: the embedding does not depend on the input.
 */
export class PositionEmbedding extends tf.layers.Layer {
  static className = 'PositionEmbedding';
  readonly seed?: number;
  embedding!: tf.LayerVariable;

  constructor(args: SeededLayerArgs = {}) {
    super(args);
    this.seed = args.seed;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, n, c] = inputShape as number[];
    this.embedding = this.addWeight(
      'embedding',
      [1, n, c],
      'float32',
      tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed }),
    );
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.add(x, this.embedding.read()));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed ?? null };
  }
}
