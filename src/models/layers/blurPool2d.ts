import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';

export interface BlurPool2DArgs extends LayerArgs {
  /** Downsampling factor (default 2). */
  strides?: number;
}

/**
 * Anti-aliased downsampling (Zhang 2019, "Making Convolutional Networks Shift-Invariant Again"):
 * reflect-pad by 1, blur every channel with the fixed "Tri-3" filter [1, 2, 1] ⊗ [1, 2, 1] / 16, then keep every `strides`-th
 * pixel. Linear and weightless, so its JVP applies the same map to the tangent (`blurPool2d` below).
 *
 * Convention:
 *  - input [B, H, W, C] → output [B, ⌊(H − 1)/s⌋ + 1, ⌊(W − 1)/s⌋ + 1, C] (H = 28, s = 2 → 14).
 *  - the filter is a constant, not a weight: nothing to train, nothing saved.
 */
export class BlurPool2D extends tf.layers.Layer {
  static className = 'BlurPool2D';
  readonly strides: number;

  constructor(args: BlurPool2DArgs = {}) {
    super(args);
    this.strides = args.strides ?? 2;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    const down = (d: number | null) => (d === null ? null : Math.floor((d - 1) / this.strides) + 1);
    return [s[0], down(s[1]), down(s[2]), s[3]];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return blurPool2d(x, this.strides);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), strides: this.strides };
  }
}

/**
 * The BlurPool2D map on a tensor (shared by the layer and its JVP rule, so the maths exists once).
 * Separable: [1, 2, 1]/4 with reflect padding and subsampling is one fixed [out, n] matrix per axis,
 * applied by two batched matMuls — no slices (on wasm each slice copies its whole input: training
 * spent 75% of its time in them) and no depthwise conv (wasm has no depthwise backward kernels);
 * matMul trains on every backend. tfjs's MirrorPad gradient ignores the reflected border, so the
 * reflection lives in the matrix too.
 *
 * Convention: x [B, H, W, C] float32 → [B, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1, C]; reflect padding
 * (index −1 → 1, H → H−2), as in Zhang's reference code. Returns one new tensor.
 */
export function blurPool2d(x: tf.Tensor4D, strides: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [B, H, W, C] = x.shape;
    const rh = blurMatrix(H, strides);
    const rw = blurMatrix(W, strides);
    const Ho = rh.shape[0];
    const Wo = rw.shape[0];
    // rows: [Ho, H] · [B, H, W·C]; columns: [Wo, W] · [B·Ho, W, C] (matMul broadcasts the matrix over the batch)
    const rows = tf.matMul(rh.expandDims(0), x.reshape([B, H, W * C]));
    return tf.matMul(rw.expandDims(0), rows.reshape([B * Ho, W, C])).reshape([B, Ho, Wo, C]) as tf.Tensor4D;
  });
}

const matrices = new Map<string, Float32Array>();

/** The [out, n] matrix of the reflect-padded [1, 2, 1]/4 blur along an axis of length n, keeping every s-th sample. */
function blurMatrix(n: number, s: number): tf.Tensor2D {
  const out = Math.floor((n - 1) / s) + 1;
  const key = `${n}/${s}`;
  let m = matrices.get(key);
  if (!m) {
    m = new Float32Array(out * n);
    const reflect = (j: number) => (j < 0 ? -j : j >= n ? 2 * n - 2 - j : j);
    for (let i = 0; i < out; i++) {
      if (n < 2)
        m[i * n] = 1; // nothing to reflect: a 1-pixel axis stays as it is
      else
        for (const [d, w] of [
          [-1, 0.25],
          [0, 0.5],
          [1, 0.25],
        ])
          m[i * n + reflect(i * s + d)] += w;
    }
    matrices.set(key, m);
  }
  return tf.tensor2d(m, [out, n]);
}
