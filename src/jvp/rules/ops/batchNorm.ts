/**
 * FusedBatchNorm(V2/V3) in inference: y = (x − μ)·γ/√(σ² + ε) + β ⇒ ẏ = ẋ·γ/√(σ² + ε), computed by
 * the same tf.batchNorm call with μ = 0 and no offset. Statistics and γ, β must be constants.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { isDual, requireConstant } from './dual';

function fusedBatchNorm(op: string): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, name }) => {
      const [x, scaleIn, offsetIn, meanIn, varianceIn] = inputs;
      const [scale, offset, mean, variance] = (
        [
          [scaleIn, 'scale'],
          [offsetIn, 'offset'],
          [meanIn, 'mean'],
          [varianceIn, 'variance'],
        ] as const
      ).map(([v, what]) => requireConstant(v, what, op, name)!);
      if (!isDual(x)) throw new Error(`${op} rule called without a dual input`);
      const epsilon = attrs.epsilon as number;
      const primal = tf.batchNorm(x.primal, mean, variance, offset, scale, epsilon);
      const tangent = tf.tidy(() => tf.batchNorm(x.tangent, tf.zerosLike(mean), variance, undefined, scale, epsilon));
      return [{ primal, tangent }];
    },
  };
}

export const fusedBatchNormRule = fusedBatchNorm('FusedBatchNorm');
export const fusedBatchNormV2Rule = fusedBatchNorm('FusedBatchNormV2');
export const fusedBatchNormV3Rule = fusedBatchNorm('FusedBatchNormV3');
