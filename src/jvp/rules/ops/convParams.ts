/**
 * Decodes convolution attributes exactly as tfjs-converter's convolution_executor.js does
 * (fusedConvAndDepthWiseParams, getPadding). Not a rule; registers nothing.
 */
import type * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from '../../../errors';
import { registeredOps } from '../../registry';
import { FUSED_ACTIVATIONS, type FusedActivation } from './activation';
import { requireConstant, type OpInput } from './dual';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

export interface ConvParams {
  strides: [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number];
}

export function convParams(attrs: Record<string, unknown>): ConvParams {
  const strides = attrs.strides as number[];
  const dilations = (attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1];
  let pad = attrs.pad as Pad | 'explicit';
  if (pad === 'explicit') {
    const p = attrs.explicitPaddings as number[];
    pad = [
      [p[0], p[1]],
      [p[2], p[3]],
      [p[4], p[5]],
      [p[6], p[7]],
    ];
  }
  return {
    strides: [strides[1], strides[2]],
    pad,
    dataFormat: ((attrs.dataFormat as string | undefined) ?? 'NHWC').toUpperCase() as 'NHWC' | 'NCHW',
    dilations: [dilations[1], dilations[2]],
  };
}

export interface FusedParams {
  activation: FusedActivation;
  bias?: tf.Tensor;
  preluWeights?: tf.Tensor;
  leakyreluAlpha?: number;
}

/** fused_ops = [extraOp, activation] and the extra args (bias, prelu alpha), as tfjs reads them. */
export function fusedParams(
  attrs: Record<string, unknown>,
  args: OpInput[],
  op: string,
  name: string,
  { preluFirstWithoutBias = true } = {},
): FusedParams {
  const [extraOp, activationName] = (attrs.fusedOps as string[] | undefined) ?? [];
  if (extraOp === 'fusedbatchnorm')
    throw new UnsupportedLayerError(
      name,
      `${op} with a fused FusedBatchNorm (tfjs cannot run it either)`,
      registeredOps(),
      'op',
    );
  const activation = (activationName ?? 'linear') as FusedActivation;
  if (!FUSED_ACTIVATIONS.includes(activation))
    throw new UnsupportedLayerError(name, `${op} with fused activation '${activationName}'`, registeredOps(), 'op');
  let [biasArg, preluArg] = args;
  // Conv ops read [alpha] as the only arg when there is no BiasAdd; _FusedMatMul always reads [bias, alpha].
  if (extraOp !== 'biasadd' && preluFirstWithoutBias) {
    preluArg = biasArg;
    // No bias: the destructured element type (OpInput) leaves out the undefined that a short args array gives.
    biasArg = undefined as unknown as OpInput;
  }
  return {
    activation,
    bias: requireConstant(biasArg, 'bias', op, name),
    preluWeights: activation === 'prelu' ? requireConstant(preluArg, 'prelu alpha', op, name) : undefined,
    leakyreluAlpha: attrs.leakyreluAlpha as number | undefined,
  };
}
