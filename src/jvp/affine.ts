import * as tf from '@tensorflow/tfjs';
import { activationJvp, activationName } from './activations';
import type { LayerRule } from './types';

/** Reads a tfjs LayerVariable field (kernel, bias, gamma...) of a built layer, or null when absent. */
export function weightOf(layer: tf.layers.Layer, field: string): tf.Tensor | null {
  const v = (layer as unknown as Record<string, { read(): tf.Tensor } | null | undefined>)[field];
  return v ? v.read() : null;
}

/** A config-like field of a layer object (strides, padding...) by name. */
export function fieldOf<T>(layer: tf.layers.Layer, field: string): T {
  return (layer as unknown as Record<string, T>)[field];
}

/**
 * A rule for `y = act(A(x) + b)` with A linear (convolutions, dense): the primal keeps its
 * pre-activation z = A(x) + b for act'(z), and the tangent is A(ẋ) — the bias never reaches it.
 * `linearPart(layer, x, bias)` computes A(x) (+ bias when given; fused kernels add it in the same
 * pass) on channels-last tensors; channels-first layers are transposed around it.
 */
export function affineRule(
  className: string,
  linearPart: (layer: tf.layers.Layer, x: tf.Tensor, bias: tf.Tensor | null) => tf.Tensor,
): LayerRule {
  return {
    className,
    jvp: ({ layer, inputs, k }) =>
      tf.tidy(() => {
        const channelsFirst = fieldOf<string | undefined>(layer, 'dataFormat') === 'channelsFirst';
        const toLast = (t: tf.Tensor) => (channelsFirst ? tf.transpose(t, [0, 2, 3, 1]) : t);
        const toFirst = (t: tf.Tensor) => (channelsFirst ? tf.transpose(t, [0, 3, 1, 2]) : t);
        const bias = fieldOf<boolean | undefined>(layer, 'useBias') === false ? null : weightOf(layer, 'bias');
        const pre = {
          primal: linearPart(layer, toLast(inputs[0].primal), bias),
          tangent: linearPart(layer, toLast(inputs[0].tangent), null),
        };
        const out = activationJvp(activationName(layer), pre, k, layer.name);
        return { primal: toFirst(out.primal), tangent: toFirst(out.tangent) };
      }),
  };
}
