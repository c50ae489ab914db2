/**
 * DepthwiseConv2dNative (and its alias DepthwiseConv2d) and FusedDepthwiseConv2dNative:
 * y = act(dwconv(x, W) + b) ⇒ ẏ = act'(pre) ⊙ dwconv(ẋ, W). Bias-free tangent, constant filter,
 * primal by the same tfjs call as tfjs-converter's executor.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { fusedActivationDerivative } from './activation';
import { convParams, fusedParams } from './convParams';
import { isDual, requireConstant, scaleTangent } from './dual';

function plainDepthwise(op: string): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, name }) => {
      const [x, filterIn] = inputs;
      const filter = requireConstant(filterIn, 'filter', op, name)! as tf.Tensor4D;
      const p = convParams(attrs);
      if (!isDual(x)) throw new Error(`${op} rule called without a dual input`);
      const dw = (t: tf.Tensor) =>
        tf.depthwiseConv2d(t as tf.Tensor4D, filter, p.strides, p.pad, p.dataFormat, p.dilations);
      return [{ primal: dw(x.primal), tangent: dw(x.tangent) }];
    },
  };
}

export const depthwiseConv2dNativeRule = plainDepthwise('DepthwiseConv2dNative');
export const depthwiseConv2dRule = plainDepthwise('DepthwiseConv2d');

export const fusedDepthwiseConv2dNativeRule: OpRule = {
  op: 'FusedDepthwiseConv2dNative',
  jvp: ({ inputs, attrs, k, name }) => {
    const [x, filterIn, ...args] = inputs;
    const filter = requireConstant(filterIn, 'filter', 'FusedDepthwiseConv2dNative', name)! as tf.Tensor4D;
    const p = convParams(attrs);
    const f = fusedParams(attrs, args, 'FusedDepthwiseConv2dNative', name);
    if (!isDual(x)) throw new Error('FusedDepthwiseConv2dNative rule called without a dual input');
    const fused = (activation: typeof f.activation) =>
      tf.fused.depthwiseConv2d({
        x: x.primal as tf.Tensor4D,
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
      const linear = tf.depthwiseConv2d(x.tangent as tf.Tensor4D, filter, p.strides, p.pad, p.dataFormat, p.dilations);
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
