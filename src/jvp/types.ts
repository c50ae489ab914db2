import type * as tf from '@tensorflow/tfjs';

/**
 * A (primal, tangent) pair flowing through forward mode.
 *
 * Convention:
 *  - primal: [B, ...] — the layer's ordinary value.
 *  - tangent: [k·B, ...] — k tangent directions stacked on the batch axis, direction-major
 *    (rows j·B … j·B+B−1 are direction j). k ≥ 1; several groups share one primal this way
 *    (DESIGN §4). Factors computed from the primal are tiled k times (see `tileBatch`).
 */
export interface Dual {
  primal: tf.Tensor;
  tangent: tf.Tensor;
}

export interface LayerJvpArgs {
  layer: tf.layers.Layer;
  /** One Dual per inbound tensor of this layer call, in the layer's input order. */
  inputs: Dual[];
  /** Number of stacked tangent directions (tangent batch = k · primal batch). */
  k: number;
}

/** Forward-mode rule for one tfjs-layers class (STYLE §6). Inference mode only. */
export interface LayerRule {
  /** The class string, e.g. 'Conv2D' — the value of `layer.getClassName()`. */
  className: string;
  /** Returns one Dual per output tensor of the layer (a single Dual for single-output layers). */
  jvp(args: LayerJvpArgs): Dual | Dual[];
}

/** Forward-mode rule for one GraphModel (converted TF graph) op. */
export interface OpRule {
  /** The TF op name, e.g. 'Conv2D', '_FusedConv2D'. */
  op: string;
  /**
   * inputs: one entry per op input — a Dual for values that depend on the image, or a plain
   * tensor for constants/weights (their tangent is zero). attrs: the node's attributes as the
   * graph walker decodes them. Returns one Dual per op output.
   */
  jvp(args: { inputs: Array<Dual | tf.Tensor>; attrs: Record<string, unknown>; k: number; name: string }): Dual[];
}
