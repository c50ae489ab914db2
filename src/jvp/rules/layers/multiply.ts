import * as tf from '@tensorflow/tfjs';
import { mulTiled } from '../../tile';
import type { LayerRule } from '../../types';

/** Multiply (elementwise, broadcasting as the layer): product rule, ẏ = Σᵢ ẋᵢ ∏_{j≠i} xⱼ. */
export const multiplyRule: LayerRule = {
  className: 'Multiply',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      const primal = layer.apply(inputs.map((d) => d.primal)) as tf.Tensor;
      let tangent: tf.Tensor | null = null;
      inputs.forEach((d, i) => {
        const others = inputs.filter((_, j) => j !== i).map((o) => o.primal);
        const factor = others.reduce((a, b) => tf.mul(a, b));
        const term = mulTiled(
          tf.broadcastTo(d.tangent, [k * primal.shape[0], ...primal.shape.slice(1)]),
          tf.broadcastTo(factor, primal.shape),
          k,
        );
        tangent = tangent ? tf.add(tangent, term) : term;
      });
      // TypeScript narrows `tangent` to null here: it does not see the assignment inside the forEach callback.
      return { primal, tangent: tangent as unknown as tf.Tensor };
    }),
};
