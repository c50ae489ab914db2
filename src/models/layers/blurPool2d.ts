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
 * Built from slices, adds, pads and reshapes only: tfjs's MirrorPad gradient ignores the reflected
 * border (it only slices) and wasm has no depthwise-conv backward kernels, so this form trains
 * correctly on every backend. The blur is separable: [1, 2, 1]/4 down the rows, then the columns.
 *
 * Convention: x [B, H, W, C] float32 → [B, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1, C]; reflect padding
 * (index −1 → 1, H → H−2), as in Zhang's reference code. Returns one new tensor.
 */
export function blurPool2d(x: tf.Tensor4D, strides: number): tf.Tensor4D {
  return tf.tidy(() => blurAxis(blurAxis(x, 1, strides), 2, strides));
}

/** [1, 2, 1]/4 blur along `axis` (1 = rows, 2 = columns) with reflect padding, keeping every s-th sample. */
function blurAxis(x: tf.Tensor4D, axis: 1 | 2, s: number): tf.Tensor4D {
  const n = x.shape[axis];
  const at = (i: number, len = 1) => {
    const begin = [0, 0, 0, 0];
    const size = [...x.shape];
    begin[axis] = i;
    size[axis] = len;
    return x.slice(begin, size);
  };
  if (n < 2) return x.clone(); // nothing to reflect; a 1-pixel axis stays as it is
  const padded = tf.concat([at(1), x, at(n - 2)], axis); // reflect: index −1 → 1, n → n − 2
  const slab = (i: number) => {
    const begin = [0, 0, 0, 0];
    const size = [...padded.shape];
    begin[axis] = i;
    size[axis] = n;
    return padded.slice(begin, size);
  };
  const blurred = tf.addN([slab(0), slab(1).mul(2), slab(2)]).div(4) as tf.Tensor4D; // [.., n, ..]
  if (s === 1) return blurred;
  const out = Math.floor((n - 1) / s) + 1;
  const extra = out * s - n; // pad to a multiple of s, then keep phase 0 of each group of s
  const paddings: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
  paddings[axis] = [0, extra];
  const even = extra > 0 ? tf.pad(blurred, paddings) : blurred;
  const shape = [...even.shape];
  shape.splice(axis, 1, out, s);
  const begin = [0, 0, 0, 0, 0];
  const size = [...shape];
  size[axis + 1] = 1;
  return even.reshape(shape).slice(begin, size).reshape(even.shape.map((d, i) => (i === axis ? out : d))) as tf.Tensor4D;
}
