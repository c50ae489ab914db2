import * as tf from '@tensorflow/tfjs';
import { checkName, InputError } from '../errors';
import { jvpDoubleVjp } from './doubleVjp';
import { jvpFiniteDifference } from './finiteDifference';
import { jvpGraphModel } from './graphModel';
import { graphOutputNode } from './graphOutput';
import { jvpLayersModel } from './layersModel';
import { modelFunction } from './modelFunction';
import type { Dual } from './types';

export type { Dual } from './types';
export { jvpLayersModel } from './layersModel';
export { layerGraph } from './layerGraph';
export type { LayerGraph, LayerNode } from './layerGraph';

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

/**
 * J_f(x)·v for a tfjs model by the chosen method (DESIGN §4).
 *
 * Convention:
 *  - x: the model's input [B, ...] (already preprocessed); v: [k·B, ...], k directions stacked
 *    on the batch axis, direction-major.
 *  - returns {primal: f(x) [B, ...], tangent: J·v [k·B, ...]}; the caller disposes both.
 */
export function jvp(model: tf.LayersModel | tf.GraphModel, x: tf.Tensor, v: tf.Tensor, opts: JvpOptions = {}): Dual {
  const method = checkName('JVP method', opts.method ?? 'forward', JVP_METHODS);
  const k = opts.k ?? v.shape[0] / x.shape[0];
  if (!Number.isInteger(k) || k < 1 || v.shape[0] !== k * x.shape[0]) {
    throw new InputError(`jvp: v must have k·B rows for B = ${x.shape[0]}, got [${v.shape.join(', ')}]`);
  }
  const sel = { stopAt: opts.stopAt, stripSoftmax: opts.stripSoftmax };
  if (method === 'forward') {
    if (model instanceof tf.GraphModel) return jvpGraphModel(model, x, v, { k, outputNode: graphOutputNode(model, sel) });
    return jvpLayersModel(model, x, v, { k, ...sel });
  }
  const f = modelFunction(model, sel);
  return method === 'double-vjp' ? jvpDoubleVjp(f, x, v, k) : jvpFiniteDifference(f, x, v, k, opts.fdStep);
}
