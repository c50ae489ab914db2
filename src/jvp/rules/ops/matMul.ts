/**
 * MatMul / BatchMatMul(V2) / _FusedMatMul: y = act(a·b + bias) ⇒ ẏ = act'(pre) ⊙ (ȧ·b + a·ḃ)
 * (product rule; either factor may depend on the image). The bias never reaches the tangent.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { fusedActivationDerivative } from './activation';
import { fusedParams } from './convParams';
import { isDual, perDirection, primalOf, scaleTangent, type OpInput } from './dual';

/** ȧ·b + a·ḃ, each direction separately (a's batch may not be on axis 0 when transposed). */
function productTangent(a: OpInput, b: OpInput, k: number, transposeA: boolean, transposeB: boolean): tf.Tensor {
  const terms: tf.Tensor[] = [];
  // Fast path: a plain 2-D a (rows = batch) stacks its directions on the rows, like the primal.
  if (isDual(a)) {
    const bp = primalOf(b);
    terms.push(
      a.primal.rank === 2 && !transposeA
        ? tf.matMul(a.tangent, bp, false, transposeB)
        : perDirection(a.tangent, k, (t) => tf.matMul(t, bp, transposeA, transposeB)),
    );
  }
  if (isDual(b)) {
    const ap = primalOf(a);
    terms.push(perDirection(b.tangent, k, (t) => tf.matMul(ap, t, transposeA, transposeB)));
  }
  return terms.length === 1 ? terms[0] : tf.add(terms[0], terms[1]);
}

function plainMatMul(op: string): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const [a, b] = inputs;
      const tA = Boolean(attrs.transposeA);
      const tB = Boolean(attrs.transposeB);
      const primal = tf.matMul(primalOf(a), primalOf(b), tA, tB);
      return [{ primal, tangent: tf.tidy(() => productTangent(a, b, k, tA, tB)) }];
    },
  };
}

export const matMulRule = plainMatMul('MatMul');
export const batchMatMulRule = plainMatMul('BatchMatMul');
export const batchMatMulV2Rule = plainMatMul('BatchMatMulV2');

export const fusedMatMulRule: OpRule = {
  op: '_FusedMatMul',
  jvp: ({ inputs, attrs, k, name }) => {
    const [a, b, ...args] = inputs;
    const tA = Boolean(attrs.transposeA);
    const tB = Boolean(attrs.transposeB);
    const f = fusedParams(attrs, args, '_FusedMatMul', name, { preluFirstWithoutBias: false });
    const fused = (activation: typeof f.activation) =>
      tf.fused.matMul({
        a: primalOf(a),
        b: primalOf(b),
        transposeA: tA,
        transposeB: tB,
        bias: f.bias,
        activation,
        // Only for prelu: tfjs-wasm applies prelu whenever weights are passed, even with activation 'linear'.
        preluActivationWeights: activation === 'prelu' ? f.preluWeights : undefined,
        leakyreluAlpha: f.leakyreluAlpha,
      });
    const y = fused(f.activation);
    const tangent = tf.tidy(() => {
      const linear = productTangent(a, b, k, tA, tB);
      const slope = fusedActivationDerivative(f.activation, y, {
        pre: () => fused('linear'),
        alpha: f.leakyreluAlpha,
        preluWeights: f.preluWeights,
      });
      return slope ? scaleTangent(linear, k, slope) : linear;
    });
    return [{ primal: y, tangent }];
  },
};
