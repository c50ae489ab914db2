import * as tf from '@tensorflow/tfjs';
import type { SeededLayerArgs } from './classToken';

export interface MultiHeadSelfAttentionArgs extends SeededLayerArgs {
  numHeads: number;
}

/**
 * Multi-head self-attention (Vaswani et al. 2017, as in ViT), without masking or dropout:
 *   [q, k, v] = x Wqkv + bqkv,  A_h = softmax(q_h k_hᵀ / √d),  y = concat_h(A_h v_h) Wo + bo.
 *
 * Convention:
 *  - input [B, N, C] → output [B, N, C]; C divisible by numHeads, head size d = C / numHeads.
 *  - weights: qkv/kernel [C, 3C] (columns q | k | v, each head-major), qkv/bias [3C],
 *    out/kernel [C, C], out/bias [C]; Glorot-uniform kernels, zero biases.
 */
export class MultiHeadSelfAttention extends tf.layers.Layer {
  static className = 'MultiHeadSelfAttention';
  readonly numHeads: number;
  readonly seed?: number;
  qkvKernel!: tf.LayerVariable;
  qkvBias!: tf.LayerVariable;
  outKernel!: tf.LayerVariable;
  outBias!: tf.LayerVariable;

  constructor(args: MultiHeadSelfAttentionArgs) {
    super(args);
    this.numHeads = args.numHeads;
    this.seed = args.seed;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const c = (inputShape as tf.Shape)[2] as number;
    if (c % this.numHeads !== 0)
      throw new Error(`MultiHeadSelfAttention: channels ${c} not divisible by numHeads ${this.numHeads}`);
    const glorot = (offset: number) =>
      tf.initializers.glorotUniform({ seed: this.seed === undefined ? undefined : this.seed + offset });
    this.qkvKernel = this.addWeight('qkv/kernel', [c, 3 * c], 'float32', glorot(0));
    this.qkvBias = this.addWeight('qkv/bias', [3 * c], 'float32', tf.initializers.zeros());
    this.outKernel = this.addWeight('out/kernel', [c, c], 'float32', glorot(1));
    this.outBias = this.addWeight('out/bias', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return tf.tidy(() => {
      const { q, k, v } = qkvHeads(this, x, true);
      const a = attentionWeights(q, k);
      return outputProjection(this, mergeHeads(tf.matMul(a, v), this.numHeads), true);
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads, seed: this.seed ?? null };
  }
}

// The pieces below are shared by `call` and the forward-mode rule, so the attention maths exists once.

/** x [B, N, C] · W [C, D] (+ b) → [B, N, D]. */
export function tokenMatMul(x: tf.Tensor3D, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor3D {
  const [b, n, c] = x.shape;
  let y = tf.matMul(x.reshape([b * n, c]), kernel);
  if (bias) y = y.add(bias);
  return y.reshape([b, n, kernel.shape[1]]);
}

/** [B, N, C] → [B·h, N, d] (head-major inside each image). */
export function splitHeads(x: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [b, n, c] = x.shape;
  return x
    .reshape([b, n, heads, c / heads])
    .transpose([0, 2, 1, 3])
    .reshape([b * heads, n, c / heads]);
}

/** [B·h, N, d] → [B, N, h·d], the inverse of splitHeads. */
export function mergeHeads(x: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [bh, n, d] = x.shape;
  return x
    .reshape([bh / heads, heads, n, d])
    .transpose([0, 2, 1, 3])
    .reshape([bh / heads, n, heads * d]);
}

/** q, k, v per head, [B·h, N, d] each; `withBias: false` gives the tangent map (bias drops out). */
export function qkvHeads(layer: MultiHeadSelfAttention, x: tf.Tensor3D, withBias: boolean) {
  const c = x.shape[2];
  const qkv = tokenMatMul(
    x,
    layer.qkvKernel.read() as tf.Tensor2D,
    withBias ? (layer.qkvBias.read() as tf.Tensor1D) : undefined,
  );
  const [q, k, v] = tf.split(qkv, [c, c, c], 2) as tf.Tensor3D[];
  return { q: splitHeads(q, layer.numHeads), k: splitHeads(k, layer.numHeads), v: splitHeads(v, layer.numHeads) };
}

/** A = softmax(q kᵀ / √d) over keys: [B·h, N, N]. */
export function attentionWeights(q: tf.Tensor3D, k: tf.Tensor3D): tf.Tensor3D {
  return tf.softmax(tf.matMul(q, k, false, true).div(Math.sqrt(q.shape[2]))) as tf.Tensor3D;
}

/** merged heads [B, N, C] · Wo (+ bo). */
export function outputProjection(layer: MultiHeadSelfAttention, merged: tf.Tensor3D, withBias: boolean): tf.Tensor3D {
  return tokenMatMul(
    merged,
    layer.outKernel.read() as tf.Tensor2D,
    withBias ? (layer.outBias.read() as tf.Tensor1D) : undefined,
  );
}
