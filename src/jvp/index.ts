/**
 * The JVP engine's public face (DESIGN §4, §10). Everything outside src/jvp (lie/, cli/, report/,
 * notebook/) imports the engine from here only, and only src/jvp walks model graphs.
 */
import * as tf from '@tensorflow/tfjs';
import { checkName, InputError } from '../errors';
import { jvpDoubleVjp } from './doubleVjp';
import { jvpFiniteDifference } from './finiteDifference';
import { jvpGraphModel } from './graphModel';
import { graphOutputNode } from './graphOutput';
import { jvpLayersModel } from './layersModel';
import { modelFunction } from './modelFunction';
import { applyProgram, jvpProgram, type Program } from './program';
import type { Dual } from './types';

export type { Dual } from './types';
export { jvpLayersModel } from './layersModel';
export { layerGraph } from './layerGraph';
export type { LayerGraph, LayerNode } from './layerGraph';
export { applyProgram, jvpProgram, walkSteps, isDual } from './program';
export type { Program, Ref, Step, StepInfo, Value } from './program';
export {
  checkOutputFits,
  describe,
  detectInput,
  endsInSoftmax,
  INPUT_RANGES,
  LAYOUTS,
  LUMA_WEIGHTS,
  measuredModel,
} from './measured';
export { checkContractValue, CONTRACT_EXPECTED, CONTRACT_FLAGS } from './contractValues';
export type { ContractCheck, ContractField } from './contractValues';
export type {
  ContractOptions,
  InputContract,
  InputRange,
  LayoutOption,
  MeasuredModel,
  ModelLike,
  OutputContract,
} from './measured';
export { activationName, softmaxTangent } from './activations';
export { graphOps } from './compileGraph';
export { graphNodeInfo, type GraphNodeInfo } from './graphNodeInfo';
export {
  fallbackText,
  methodSupport,
  workingFallbacks,
  wrapTfjsError,
  withTfjsContext,
  type FallbackMethod,
  type MethodSupport,
} from './methodSupport';

export const JVP_METHODS = ['forward', 'double-vjp', 'fd'] as const;
export type JvpMethod = (typeof JVP_METHODS)[number];

export interface JvpOptions {
  /** 'forward' (default): forward mode; 'double-vjp': two reverse passes; 'fd': central differences. */
  method?: JvpMethod;
  /** Stacked directions (default v.shape[0] / x.shape[0]). */
  k?: number;
  /** A layer (LayersModel) or node (GraphModel) name whose output is the result. */
  stopAt?: string;
  /** Return the input of a final softmax (DESIGN §1 'logits'). */
  stripSoftmax?: boolean;
  /** Step for 'fd', in units of v. */
  fdStep?: number;
}

function checkK(x: tf.Tensor, v: tf.Tensor, k: number | undefined, fn: string): number {
  const kk = k ?? v.shape[0] / x.shape[0];
  if (!Number.isInteger(kk) || kk < 1 || v.shape[0] !== kk * x.shape[0]) {
    throw new InputError(`${fn}: v must have k·B rows for B = ${x.shape[0]}, got [${v.shape.join(', ')}]`);
  }
  return kk;
}

/**
 * J_f(x)·v for a bare tfjs net by the chosen method (DESIGN §4).
 *
 * Convention:
 *  - x: the net's own input [B, ...] (already preprocessed, in the net's layout); v: [k·B, ...],
 *    k directions stacked on the batch axis, direction-major.
 *  - returns {primal: f(x) [B, ...], tangent: J·v [k·B, ...]}; the caller disposes both.
 */
export function jvp(model: tf.LayersModel | tf.GraphModel, x: tf.Tensor, v: tf.Tensor, opts: JvpOptions = {}): Dual {
  const method = checkName('JVP method', opts.method ?? 'forward', JVP_METHODS);
  const k = checkK(x, v, opts.k, 'jvp');
  const sel = { stopAt: opts.stopAt, stripSoftmax: opts.stripSoftmax };
  if (method === 'forward') {
    if (model instanceof tf.GraphModel)
      return jvpGraphModel(model, x, v, { k, outputNode: graphOutputNode(model, sel) });
    return jvpLayersModel(model, x, v, { k, ...sel });
  }
  const f = modelFunction(model, sel);
  return method === 'double-vjp' ? jvpDoubleVjp(f, x, v, k) : jvpFiniteDifference(f, x, v, k, opts.fdStep);
}

/**
 * J_F(x)·v of a compiled program (the measured model, src/jvp/measured.ts) by the chosen method:
 * forward mode walks its steps' rules; double-vjp and fd differentiate its plain function
 * (every step computed by tfjs itself), so they stay independent checks of forward mode.
 */
export function jvpMeasured(
  program: Program,
  x: tf.Tensor,
  v: tf.Tensor,
  opts: { method?: JvpMethod; k?: number; fdStep?: number } = {},
): Dual {
  const method = checkName('JVP method', opts.method ?? 'forward', JVP_METHODS);
  const k = checkK(x, v, opts.k, 'jvpMeasured');
  if (method === 'forward') return jvpProgram(program, x, v, k);
  const f = (t: tf.Tensor) => applyProgram(program, t);
  return method === 'double-vjp' ? jvpDoubleVjp(f, x, v, k) : jvpFiniteDifference(f, x, v, k, opts.fdStep);
}
