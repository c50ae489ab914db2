import * as tf from '@tensorflow/tfjs';
import { graphProgram } from './graphModel';
import { layersProgram } from './layersModel';
import { graphOutputNode } from './graphOutput';
import { applyProgram } from './program';

export interface OutputSelection {
  stopAt?: string;
  stripSoftmax?: boolean;
}

/**
 * The net as a plain differentiable function x ↦ f(x) for double-vjp and finite differences: the
 * one program walker with every step computed by tfjs itself (layer.apply, the graph executor),
 * never by the JVP rules, so those methods stay independent checks of forward mode.
 */
export function modelFunction(
  model: tf.LayersModel | tf.GraphModel,
  sel: OutputSelection = {},
): (x: tf.Tensor) => tf.Tensor {
  if (model instanceof tf.GraphModel) {
    const p = graphProgram(model, graphOutputNode(model, sel));
    return (x) => applyProgram(p, x);
  }
  const p = layersProgram(model, { layer: sel.stopAt, stripSoftmax: sel.stripSoftmax });
  return (x) => applyProgram(p, x);
}
