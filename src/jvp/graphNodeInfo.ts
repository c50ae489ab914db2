/**
 * What a GraphModel node says about itself, for code outside src/jvp that classifies steps (src/lie/opKinds.ts):
 * its op, strides, fused ops, and how many of its inputs are not constants. Only src/jvp reads model graphs (DESIGN §8).
 */
import type * as tf from '@tensorflow/tfjs';
import { executorOf, parseNodeName } from './compileGraph';

export interface GraphNodeInfo {
  op: string;
  /** The node's `strides` attribute (NHWC [1, sh, sw, 1] for convolutions and pools), if any. */
  strides?: number[];
  /** `_Fused*` ops: the fused ops as tfjs-converter spells them (lower case: 'biasadd', 'relu6'). */
  fusedOps: string[];
  /** Inputs that are not `Const` nodes (weights, shapes). */
  carriedInputs: number;
}

/** The node named `name` ('node' or 'node:0'), or undefined when the graph has none. */
export function graphNodeInfo(net: tf.GraphModel, name: string): GraphNodeInfo | undefined {
  const node = executorOf(net, 'graphNodeInfo').graph.nodes[parseNodeName(name)[0]];
  if (!node) return undefined;
  const attr = (k: string) => node.attrParams[k]?.value;
  const strides = attr('strides');
  return {
    op: node.op,
    strides: Array.isArray(strides) ? strides.map(Number) : undefined,
    fusedOps: (attr('fusedOps') as string[] | undefined) ?? [],
    carriedInputs: node.inputs.filter((i) => i.op !== 'Const').length,
  };
}
