import * as tf from '@tensorflow/tfjs';
import { withoutActivation } from './finalSoftmax';
import { graphOutputNode } from './graphOutput';
import { cachedLayerGraph, resultNode } from './layersModel';

export interface OutputSelection {
  stopAt?: string;
  stripSoftmax?: boolean;
}

/**
 * The model as a plain differentiable function x ↦ f(x) for double-vjp and finite differences,
 * computed by tfjs itself (model.apply / layer.apply / GraphModel.execute), never by the JVP rules,
 * so those methods stay independent checks of forward mode.
 */
export function modelFunction(model: tf.LayersModel | tf.GraphModel, sel: OutputSelection = {}): (x: tf.Tensor) => tf.Tensor {
  if (model instanceof tf.GraphModel) {
    const node = graphOutputNode(model, sel);
    return (x) => model.execute(x, node) as tf.Tensor;
  }
  if (sel.stopAt === undefined && !sel.stripSoftmax) return (x) => model.apply(x, { training: false }) as tf.Tensor;
  const graph = cachedLayerGraph(model);
  const target = resultNode(graph, sel);
  return (x) =>
    tf.tidy(() => {
      const values = new Map<string, tf.Tensor>();
      for (const node of graph.nodes.slice(0, target.node + 1)) {
        const ins = node.inputs.map((r) => ('node' in r ? (values.get(`${r.node}:${r.output}`) as tf.Tensor) : x));
        if (node.index === target.node && target.viaInput) return ins[0];
        const layer = node.index === target.node && target.strip ? withoutActivation(node.layer) : node.layer;
        const out = layer.apply(ins.length === 1 ? ins[0] : ins, { training: false }) as tf.Tensor | tf.Tensor[];
        (Array.isArray(out) ? out : [out]).forEach((t, i) => values.set(`${node.index}:${i}`, t));
      }
      return values.get(`${target.node}:0`) as tf.Tensor;
    });
}
