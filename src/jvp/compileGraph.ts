/**
 * A converted TensorFlow graph (tf.GraphModel) as program steps (src/jvp/program.ts), op by op.
 *
 * Reads tfjs-converter's own parsed graph (`model.executor.graph`): nodes with `op`, `inputNames`,
 * `inputParams` and `attrParams` decoded by its OperationMapper, weights in `executor.weightMap`.
 * Each node between the input placeholder and the selected output is one step. A node that depends
 * on the image and carries a tangent uses its op rule (src/jvp/rules/ops, via `opRuleFor`); nodes
 * whose value carries no tangent (Shape, Size, integer casts, comparisons) and every node's plain
 * value are computed by tfjs's own executor with the node's inputs fed, so every op tfjs runs is
 * available there without a rule. Weights are read by the steps, never walked or freed.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError, UnknownNameError } from '../errors';
import { isDual, type Ref, type Step, type Value } from './program';
import { opRuleFor } from './registry';
import { fold, primalOf, type OpInput } from './rules/ops/dual';
import './rules/ops'; // registers the op rules (idempotent: Node caches the module)
import type { Dual } from './types';

/** tfjs-converter's parsed node (operations/types.d.ts `Node`), the fields read here. */
export interface GraphNode {
  name: string;
  op: string;
  inputNames: string[];
  inputs: GraphNode[];
  inputParams: Record<string, { type: string; inputIndexStart?: number; inputIndexEnd?: number }>;
  attrParams: Record<string, { type: string; value: unknown }>;
}

interface Executor {
  graph: {
    nodes: Record<string, GraphNode>;
    inputs: GraphNode[];
    outputs: Array<GraphNode & { signatureKey?: string }>;
  };
  weightMap: Record<string, tf.Tensor[]>;
  outputNodes: string[];
  execute(inputs: Record<string, tf.Tensor>, outputs: string[]): tf.Tensor[];
}

/**
 * Ops whose output carries no tangent even when an input depends on the image: shapes, integer and
 * boolean results, and piecewise-constant maps (derivative 0 almost everywhere).
 */
const TANGENT_FREE_OPS = new Set([
  'Shape',
  'ShapeN',
  'Size',
  'Rank',
  'ZerosLike',
  'OnesLike',
  'Fill',
  'Range',
  'ArgMax',
  'ArgMin',
  'Equal',
  'NotEqual',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'LogicalAnd',
  'LogicalOr',
  'LogicalNot',
  'IsNan',
  'IsInf',
  'IsFinite',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'FloorDiv',
  'FloorMod',
  'Mod',
  'NonMaxSuppressionV2',
  'NonMaxSuppressionV3',
  'NonMaxSuppressionV4',
  'NonMaxSuppressionV5',
  'Where',
  'Unique',
  'OneHot',
  'All',
  'Any',
  'LowerBound',
  'UpperBound',
  'Bincount',
  'DenseBincount',
]);

/** Nodes that pass their input through unchanged: a Softmax behind them is still the model's softmax. */
export const PASS_THROUGH_OPS = new Set([
  'Identity',
  'IdentityN',
  'Snapshot',
  'PreventGradient',
  'CheckNumerics',
  'EnsureShape',
  'StopGradient',
]);

export function executorOf(model: tf.GraphModel, fn = 'liederiv'): Executor {
  // GraphModel's executor is private in tfjs's types; the walker needs its graph.
  const executor = (model as unknown as { executor?: Executor }).executor;
  if (!(model instanceof tf.GraphModel) || !executor?.graph?.nodes) {
    throw new InputError(`argument 'model' passed to '${fn}' must be a loaded tf.GraphModel`);
  }
  return executor;
}

/** 'name', 'name:1' or 'name:out:1' → [name, index], as tfjs-converter's parseNodeName. */
export function parseNodeName(ref: string): [string, number] {
  const parts = ref.split(':');
  return parts.length === 1 ? [ref, 0] : [parts[0], Number(parts[parts.length - 1])];
}

/** Input positions that feed a parameter (the rest are control dependencies), as tfjs's getParamValue reads them. */
function dataInputIndices(node: GraphNode): number[] {
  const params = Object.values(node.inputParams);
  if (params.length === 0) return node.inputNames.map((_, i) => i);
  const used = new Set<number>();
  for (const p of params) {
    if (p.inputIndexStart === undefined) continue;
    const start = p.inputIndexStart < 0 ? node.inputNames.length + p.inputIndexStart : p.inputIndexStart;
    const end =
      p.inputIndexEnd === 0
        ? node.inputNames.length
        : p.inputIndexEnd === undefined
          ? start + 1
          : p.inputIndexEnd < 0
            ? node.inputNames.length + p.inputIndexEnd
            : p.inputIndexEnd;
    for (let i = start; i < end; i++) used.add(i);
  }
  return [...used].sort((a, b) => a - b);
}

/** The graph's input placeholder (one image input). */
export function graphInput(model: tf.GraphModel): GraphNode {
  const inputs = executorOf(model).graph.inputs;
  if (inputs.length !== 1) {
    throw new InputError(
      `this GraphModel has ${inputs.length} inputs (${inputs.map((n) => n.name).join(', ')}); expected one image input; measure a version of the model with the other inputs frozen as constants (e.g. a Keras sub-model or a SavedModel signature that takes only the image), or name an inner tensor that depends on the image only`,
    );
  }
  return inputs[0];
}

/**
 * The model's outputs: node names (the executor's `outputNodes` are signature keys when the
 * model.json has a signature), each with its signature key.
 */
export function graphOutputs(model: tf.GraphModel): Array<{ node: string; key?: string }> {
  return executorOf(model).graph.outputs.map((n) => ({ node: n.name, key: n.signatureKey }));
}

/**
 * A tensor named by the user: a signature output key ('Identity_2', 'activation_6'), a graph node
 * name ('StatefulPartitionedCall/model/dense/Softmax'), or 'name:i'. Returns 'node:index'.
 */
export function resolveGraphTensor(model: tf.GraphModel, name: string): string {
  const executor = executorOf(model);
  // GraphModel's signature is private in tfjs's types; only its output names are read here.
  const sig =
    (model as unknown as { signature?: { outputs?: Record<string, { name?: string }> } }).signature?.outputs ?? {};
  const bySig = sig[name]?.name;
  const [node, index] = parseNodeName(bySig ?? name);
  if (executor.graph.nodes[node]) return `${node}:${index}`;
  const outs = graphOutputs(model).map((o) => (o.key && o.key !== o.node ? `${o.key} (node ${o.node})` : o.node));
  throw new UnknownNameError('graph tensor', name, [
    `outputs: ${outs.join(', ')}`,
    `or any of the ${Object.keys(executor.graph.nodes).length} node names`,
  ]);
}

/**
 * Ops that only rearrange or select entries of their first input (reshape, squeeze, transpose,
 * slice, gather): behind them a model's softmax or sigmoid output is still its probabilities, so
 * adding a softmax over them would apply a second one (a SavedModel head often ends in Softmax →
 * Reshape or ExpandDims → Squeeze).
 */
export const REARRANGING_OPS = new Set([
  'Reshape',
  'Squeeze',
  'ExpandDims',
  'Transpose',
  'Slice',
  'StridedSlice',
  'GatherV2',
  'Gather',
]);

/** The probability head a graph output comes from: its Softmax or Sigmoid node. */
export interface GraphHead {
  node: GraphNode;
  kind: 'softmax' | 'sigmoid';
  /** The ops between the head and the output that are not pass-through (Reshape, Squeeze, ...). */
  rearranged: string[];
}

/**
 * The model's Softmax or Sigmoid if its output is one, looking through Identity and other
 * pass-through nodes and through ops that only rearrange or select entries (REARRANGING_OPS).
 */
export function graphFinalHead(model: tf.GraphModel, output: string): GraphHead | undefined {
  const nodes = executorOf(model).graph.nodes;
  let node: GraphNode | undefined = nodes[parseNodeName(output)[0]];
  const rearranged: string[] = [];
  for (let hops = 0; node && hops < 32; hops++) {
    if (node.op === 'Softmax') return { node, kind: 'softmax', rearranged };
    if (node.op === 'Sigmoid') return { node, kind: 'sigmoid', rearranged };
    if (REARRANGING_OPS.has(node.op)) rearranged.push(node.op);
    else if (!PASS_THROUGH_OPS.has(node.op)) return undefined;
    const data = dataInputIndices(node);
    if (data.length < 1) return undefined;
    const ref: string = node.inputNames[data[0]];
    node = nodes[parseNodeName(ref)[0]];
  }
  return undefined;
}

/** The model's softmax if its output is one (graphFinalHead of kind 'softmax'). */
export function graphFinalSoftmax(model: tf.GraphModel, output: string): GraphNode | undefined {
  const head = graphFinalHead(model, output);
  return head?.kind === 'softmax' ? head.node : undefined;
}

/** Reads the non-tensor parameters (axes, shapes, paddings) of a node the way tfjs's getParamValue does. */
function decodeAttrs(node: GraphNode, values: OpInput[]): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(node.attrParams)) attrs[name] = p.value;
  for (const [name, p] of Object.entries(node.inputParams)) {
    if (p.type === 'tensor' || p.type === 'tensors' || p.inputIndexStart === undefined) continue;
    const index = p.inputIndexStart < 0 ? node.inputNames.length + p.inputIndexStart : p.inputIndexStart;
    const t = primalOf(values[index]);
    const data = t.dataSync();
    attrs[name] = p.type === 'number' ? data[0] : tf.util.toNestedArray(t.shape, data as never);
  }
  return attrs;
}

function checkStacked(d: Dual, k: number, node: GraphNode): void {
  const ok =
    isDual(d) &&
    (d.primal.rank === 0
      ? d.tangent.rank === 1 && d.tangent.shape[0] === k
      : d.tangent.rank === d.primal.rank &&
        d.tangent.shape[0] === k * d.primal.shape[0] &&
        d.tangent.shape.slice(1).every((s, i) => s === d.primal.shape[i + 1]));
  if (!ok)
    throw new Error(
      `JVP rule for op '${node.op}' (node '${node.name}') returned a tangent of shape [${d?.tangent?.shape}] for primal [${d?.primal?.shape}] and k = ${k}`,
    );
}

/** Runs one node with tfjs's own executor, feeding its inputs' primal values. */
function executeNode(
  executor: Executor,
  node: GraphNode,
  values: OpInput[],
  indices: number[],
  outputs: number,
): tf.Tensor[] {
  const feed: Record<string, tf.Tensor> = {};
  const fedIndex = new Map<string, number>();
  for (const i of indices) {
    const [name, index] = parseNodeName(node.inputNames[i]);
    if (executor.weightMap[name]) continue;
    // tfjs's executor keeps one fed output per node name.
    if (fedIndex.has(name) && fedIndex.get(name) !== index) {
      throw new Error(
        `graph walk: node '${node.name}' (${node.op}) reads outputs ${fedIndex.get(name)} and ${index} of '${name}'; tfjs's executor cannot be fed both`,
      );
    }
    fedIndex.set(name, index);
    feed[`${name}:${index}`] = primalOf(values[i]);
  }
  return executor.execute(
    feed,
    Array.from({ length: outputs }, (_, i) => `${node.name}:${i}`),
  );
}

/** Topological order of the nodes the output depends on (no weights, no input). */
function order(executor: Executor, inputName: string, output: string): GraphNode[] {
  const out: GraphNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: Array<{ node: GraphNode; expanded: boolean }> = [
    { node: executor.graph.nodes[parseNodeName(output)[0]], expanded: false },
  ];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const { node } = top;
    if (state.get(node.name) === 'done') {
      stack.pop();
      continue;
    }
    if (node.name === inputName || executor.weightMap[node.name]) {
      state.set(node.name, 'done');
      stack.pop();
      continue;
    }
    if (top.expanded) {
      state.set(node.name, 'done');
      out.push(node);
      stack.pop();
      continue;
    }
    top.expanded = true;
    state.set(node.name, 'open');
    const indices = dataInputIndices(node);
    if (indices.length === 0 && node.op !== 'Const') {
      throw new InputError(
        `graph node '${node.name}' (${node.op}) needs a value that is not the model input '${inputName}' (a second input, or a variable the converter did not freeze); expected a frozen graph of one image input: convert it again with tensorflowjs_converter from a SavedModel signature that takes only the image`,
      );
    }
    for (const i of indices) {
      const child = executor.graph.nodes[parseNodeName(node.inputNames[i])[0]];
      if (!child)
        throw new InputError(
          `graph node '${node.name}' (${node.op}) reads '${node.inputNames[i]}', which the graph does not define`,
        );
      if (state.get(child.name) === 'open')
        throw new InputError(
          `the graph has a cycle through '${child.name}' (control flow is not supported: the walker follows one static data-flow graph); measure a tensor before the loop (--output NAME)`,
        );
      if (state.get(child.name) !== 'done') stack.push({ node: child, expanded: false });
    }
  }
  return out;
}

/** Distinct op names in the subgraph the output depends on (coverage reports, error messages). */
export function graphOps(model: tf.GraphModel, output?: string): string[] {
  const executor = executorOf(model, 'graphOps');
  const nodes = order(executor, graphInput(model).name, output ?? executor.outputNodes[0]);
  return [...new Set(nodes.map((n) => n.op))].sort();
}

/**
 * Appends the steps of `model` up to `output` ('node:index') to `steps`, with the placeholder read
 * from `input`. Returns the output's ref and the weights (to protect from the walk).
 */
export function compileGraphModel(
  model: tf.GraphModel,
  steps: Step[],
  input: Ref,
  output: string,
): { result: Ref; weights: tf.Tensor[] } {
  const executor = executorOf(model);
  const inputName = graphInput(model).name;
  const [outName, outIndex] = parseNodeName(output);
  const weights = Object.values(executor.weightMap).flat();
  if (outName === inputName) return { result: input, weights };
  if (executor.weightMap[outName])
    throw new InputError(
      `graph tensor '${output}' is a weight: it does not depend on the image; expected a tensor computed from the input (--output NAME: an op's node name or a signature key)`,
    );
  const nodes = order(executor, inputName, output);
  // How many outputs of each node are read (the executor is asked for that many).
  const outputCount = new Map<string, number>([[outName, outIndex + 1]]);
  for (const node of nodes)
    for (const i of dataInputIndices(node)) {
      const [name, index] = parseNodeName(node.inputNames[i]);
      outputCount.set(name, Math.max(outputCount.get(name) ?? 1, index + 1));
    }
  const stepOf = new Map<string, number>();
  for (const node of nodes) {
    const indices = dataInputIndices(node);
    const computed = indices.filter((i) => !executor.weightMap[parseNodeName(node.inputNames[i])[0]]);
    const inputs: Ref[] = computed.map((i) => {
      const [name, index] = parseNodeName(node.inputNames[i]);
      return name === inputName ? input : { step: stepOf.get(name) as number, output: index };
    });
    /** The node's inputs aligned with inputNames: fed values for computed ones, weights for the rest. */
    const aligned = (ins: OpInput[]): OpInput[] => {
      const vals: OpInput[] = new Array(node.inputNames.length);
      computed.forEach((i, j) => (vals[i] = ins[j]));
      for (const i of indices)
        if (vals[i] === undefined) {
          const [name, index] = parseNodeName(node.inputNames[i]);
          vals[i] = executor.weightMap[name][index];
        }
      return vals;
    };
    const carries =
      !TANGENT_FREE_OPS.has(node.op) && !(node.op === 'Cast' && node.attrParams.dtype?.value !== 'float32');
    const nOut = outputCount.get(node.name) ?? 1;
    steps.push({
      info: { name: node.name, className: node.op, source: 'op' },
      inputs,
      tangentFree: !carries,
      jvp: (ins: Value[], k: number) => {
        const values = aligned(ins);
        if (carries && indices.some((i) => isDual(values[i]))) {
          const outs = opRuleFor(node.op, node.name).jvp({
            inputs: values,
            attrs: decodeAttrs(node, values),
            k,
            name: node.name,
          });
          for (const d of outs) checkStacked(d as Dual, k, node);
          return outs;
        }
        return executeNode(executor, node, values, indices, nOut);
      },
      apply: (ins: tf.Tensor[]) => executeNode(executor, node, aligned(ins), indices, nOut),
    });
    stepOf.set(node.name, steps.length - 1);
  }
  return { result: { step: stepOf.get(outName) as number, output: outIndex }, weights };
}

/** A zero tangent for a value that does not depend on the image, stacked k times. */
export function zeroTangent(primal: tf.Tensor, k: number): tf.Tensor {
  return fold(tf.zeros([k, ...primal.shape]));
}
