import type * as tf from '@tensorflow/tfjs';
import { UnknownNameError } from '../errors';

interface GraphNodeLike {
  name: string;
  op: string;
  inputs: GraphNodeLike[];
}

function graphNodes(model: tf.GraphModel): Record<string, GraphNodeLike> {
  return (model as unknown as { executor: { graph: { nodes: Record<string, GraphNodeLike> } } }).executor.graph.nodes;
}

/**
 * The GraphModel node whose value is the result: `stopAt` (a node name), the input of a final
 * Softmax op when `stripSoftmax` (DESIGN §1 'logits'), else the first output node.
 */
export function graphOutputNode(model: tf.GraphModel, opts: { stopAt?: string; stripSoftmax?: boolean } = {}): string {
  const nodes = graphNodes(model);
  if (opts.stopAt !== undefined) {
    if (!nodes[opts.stopAt]) throw new UnknownNameError('graph node', opts.stopAt, Object.keys(nodes));
    return opts.stopAt;
  }
  const out = model.outputNodes[0];
  const node = nodes[out.split(':')[0]];
  if (opts.stripSoftmax && node && node.op === 'Softmax') return node.inputs[0].name;
  return out;
}

/** Whether the GraphModel's first output is a Softmax op (DESIGN §1 'probs'). */
export function graphEndsInSoftmax(model: tf.GraphModel): boolean {
  const node = graphNodes(model)[model.outputNodes[0].split(':')[0]];
  return !!node && node.op === 'Softmax';
}
