/**
 * Conv2D and _FusedConv2D: y = act(conv(x, W) + b) ⇒ ẏ = act'(pre) ⊙ conv(ẋ, W). The bias never
 * reaches the tangent; the filter must be a constant. The primal is computed by the same tfjs call
 * as tfjs-converter's executor, so it equals `model.execute` bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { fusedActivationDerivative } from './activation';
import { convParams, fusedParams } from './convParams';
import { isDual, primalOf, requireConstant, scaleTangent } from './dual';

export const conv2dRule: OpRule = {
  op: 'Conv2D',
  jvp: ({ inputs, attrs, name }) => {
    const [x, filterIn] = inputs;
    const filter = requireConstant(filterIn, 'filter', 'Conv2D', name)!;
    const p = convParams(attrs);
    if (!isDual(x)) throw new Error('Conv2D rule called without a dual input');
    const conv = (t: tf.Tensor) =>
      tf.conv2d(t as tf.Tensor4D, filter as tf.Tensor4D, p.strides, p.pad, p.dataFormat, p.dilations);
    return [{ primal: conv(x.primal), tangent: conv(x.tangent) }];
  },
};

export const fusedConv2dRule: OpRule = {
  op: '_FusedConv2D',
  jvp: ({ inputs, attrs, k, name }) => {
    const [x, filterIn, ...args] = inputs;
    const filter = requireConstant(filterIn, 'filter', '_FusedConv2D', name)! as tf.Tensor4D;
    const p = convParams(attrs);
    const f = fusedParams(attrs, args, '_FusedConv2D', name);
    if (!isDual(x)) throw new Error('_FusedConv2D rule called without a dual input');
    const fused = (activation: typeof f.activation) =>
      tf.fused.conv2d({
        x: primalOf(x) as tf.Tensor4D,
        filter,
        strides: p.strides,
        pad: p.pad as never,
        dataFormat: p.dataFormat,
        dilations: p.dilations,
        bias: f.bias,
        activation,
        // Only for prelu: tfjs-wasm applies prelu whenever weights are passed, even with activation 'linear'.
        preluActivationWeights: activation === 'prelu' ? f.preluWeights : undefined,
        leakyreluAlpha: f.leakyreluAlpha,
      });
    const y = fused(f.activation);
    const tangent = tf.tidy(() => {
      const linear = tf.conv2d(x.tangent as tf.Tensor4D, filter, p.strides, p.pad, p.dataFormat, p.dilations);
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
