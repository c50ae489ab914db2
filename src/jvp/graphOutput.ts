import type * as tf from '@tensorflow/tfjs';
import { UnknownNameError } from '../errors';
import { executorOf, graphFinalSoftmax, graphOutputs, parseNodeName } from './compileGraph';

/**
 * The GraphModel tensor ('node:index') a bare-net call measures: `stopAt` (a node name), the input
 * of the final Softmax — found through Identity and other pass-through nodes — when `stripSoftmax`
 * (DESIGN §1 'logits'), else the first output.
 */
export function graphOutputNode(model: tf.GraphModel, opts: { stopAt?: string; stripSoftmax?: boolean } = {}): string {
  const nodes = executorOf(model).graph.nodes;
  if (opts.stopAt !== undefined) {
    const [name, index] = parseNodeName(opts.stopAt);
    if (!nodes[name]) throw new UnknownNameError('graph node', opts.stopAt, Object.keys(nodes));
    return `${name}:${index}`;
  }
  const [name, index] = parseNodeName(graphOutputs(model)[0].node);
  const out = `${name}:${index}`;
  const sm = opts.stripSoftmax ? graphFinalSoftmax(model, out) : undefined;
  if (sm) {
    const [n, i] = parseNodeName(sm.inputNames[0]);
    return `${n}:${i}`;
  }
  return out;
}

/** Whether the GraphModel's first output is a Softmax op, through pass-through nodes (DESIGN §1 'probs'). */
export function graphEndsInSoftmax(model: tf.GraphModel): boolean {
  return graphFinalSoftmax(model, graphOutputs(model)[0].node) !== undefined;
}
