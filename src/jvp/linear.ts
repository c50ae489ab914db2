import type * as tf from '@tensorflow/tfjs';
import { tidyDual } from './tile';
import type { Dual, LayerRule } from './types';

/**
 * A rule for a layer that is linear in its inputs and has no bias (jax's `deflinear`): the layer
 * itself, applied to the stacked tangents, is its JVP. Layer ops must act per batch row, so a
 * tangent batch of k·B works (reshape, flatten, padding, cropping, upsampling, add, concatenate...).
 */
export function linearRule(className: string): LayerRule {
  return {
    className,
    jvp: ({ layer, inputs }) =>
      tidyDual(() => {
        const unwrap = (ts: tf.Tensor[]) => (ts.length === 1 ? ts[0] : ts);
        const primal = layer.apply(unwrap(inputs.map((d) => d.primal))) as tf.Tensor | tf.Tensor[];
        const tangent = layer.apply(unwrap(inputs.map((d) => d.tangent))) as tf.Tensor | tf.Tensor[];
        if (Array.isArray(primal))
          return primal.map((p, i): Dual => ({ primal: p, tangent: (tangent as tf.Tensor[])[i] }));
        return { primal, tangent: tangent as tf.Tensor };
      }),
  };
}

/** A layer that is the identity at inference (dropout and noise layers): passes its Dual through. */
export function identityRule(className: string): LayerRule {
  return { className, jvp: ({ inputs }) => ({ primal: inputs[0].primal, tangent: inputs[0].tangent }) };
}
