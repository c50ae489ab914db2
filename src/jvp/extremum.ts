import * as tf from '@tensorflow/tfjs';
import { selectTiled } from './tile';
import type { LayerRule } from './types';

/** Elementwise max/min merge: select the tangent of the winning input (first on ties). */
export function extremumRule(className: string, kind: 'max' | 'min'): LayerRule {
  return {
    className,
    jvp: ({ layer, inputs, k }) =>
      tf.tidy(() => {
        const primal = layer.apply(inputs.map((d) => d.primal)) as tf.Tensor;
        let best = inputs[0].primal;
        let tangent = inputs[0].tangent;
        for (const d of inputs.slice(1)) {
          const wins = tf.cast(kind === 'max' ? tf.greater(d.primal, best) : tf.less(d.primal, best), 'float32');
          tangent = selectTiled(wins, d.tangent, tangent, k);
          best = kind === 'max' ? tf.maximum(best, d.primal) : tf.minimum(best, d.primal);
        }
        return { primal, tangent };
      }),
  };
}
