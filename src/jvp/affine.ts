import * as tf from '@tensorflow/tfjs';
import { activationJvp, activationName } from './activations';
import { mulTiled } from './tile';
import type { LayerRule } from './types';

/** Reads a tfjs LayerVariable field (kernel, bias, gamma...) of a built layer, or null when absent. */
export function weightOf(layer: tf.layers.Layer, field: string): tf.Tensor | null {
  // tfjs types a layer's weights (kernel, bias, gamma…) per subclass, several of them protected; rules read them by name.
  const v = (layer as unknown as Record<string, { read(): tf.Tensor } | null | undefined>)[field];
  return v ? v.read() : null;
}

/** A config-like field of a layer object (strides, padding...) by name. */
export function fieldOf<T>(layer: tf.layers.Layer, field: string): T {
  // Same for config fields (strides, padding…): declared per subclass, some protected, so read by name.
  return (layer as unknown as Record<string, T>)[field];
}

/**
 * A rule for `y = act(A(x) + b)` with A linear (convolutions, dense): the primal keeps its
 * pre-activation z = A(x) + b for act'(z), and the tangent is A(ẋ) — the bias never reaches it.
 * `linearPart(layer, x, bias, activation)` computes A(x) (+ bias when given; fused kernels add it in
 * the same pass) on channels-last tensors; channels-first layers are transposed around it. With
 * `fusesRelu`, linearPart also applies 'relu' when asked (fused kernels): a ReLU layer's primal is
 * then one kernel, and act'(z) = [z > 0] = step(y) comes from the output (relu is exact, so the
 * primal is bit-identical to the unfused one).
 */
export function affineRule(
  className: string,
  linearPart: (layer: tf.layers.Layer, x: tf.Tensor, bias: tf.Tensor | null, activation?: 'relu') => tf.Tensor,
  { fusesRelu = false }: { fusesRelu?: boolean } = {},
): LayerRule {
  return {
    className,
    jvp: ({ layer, inputs, k }) =>
      tf.tidy(() => {
        const channelsFirst = fieldOf<string | undefined>(layer, 'dataFormat') === 'channelsFirst';
        const toLast = (t: tf.Tensor) => (channelsFirst ? tf.transpose(t, [0, 2, 3, 1]) : t);
        const toFirst = (t: tf.Tensor) => (channelsFirst ? tf.transpose(t, [0, 3, 1, 2]) : t);
        const bias = fieldOf<boolean | undefined>(layer, 'useBias') === false ? null : weightOf(layer, 'bias');
        const act = activationName(layer);
        const tangent = linearPart(layer, toLast(inputs[0].tangent), null);
        if (fusesRelu && act === 'relu') {
          const y = linearPart(layer, toLast(inputs[0].primal), bias, 'relu');
          return { primal: toFirst(y), tangent: toFirst(mulTiled(tangent, tf.step(y), k)) };
        }
        const pre = { primal: linearPart(layer, toLast(inputs[0].primal), bias), tangent };
        // 'linear' (ResNets' convolutions, BatchNorm after them; logits) is the identity: return pre
        // itself, not activationJvp's clones, which on wasm copy both tensors in JavaScript (2 of a
        // ResNet-18 pass's kernels per convolution, 19 MiB per image).
        const out = act === 'linear' ? pre : activationJvp(act, pre, k, layer.name);
        return { primal: toFirst(out.primal), tangent: toFirst(out.tangent) };
      }),
  };
}
