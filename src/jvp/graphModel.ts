/**
 * Forward-mode JVP through a converted TensorFlow graph (tf.GraphModel), op by op (DESIGN §4).
 *
 * The walker reads tfjs-converter's own parsed graph (`model.executor.graph`): nodes with `op`,
 * `inputNames`, `inputParams` and `attrParams` decoded by its OperationMapper, weights in
 * `executor.weightMap`. It orders the nodes between the input placeholder and the requested output,
 * and for each node that depends on the image calls the op's rule (src/jvp/rules/ops, via
 * `opRuleFor`). Nodes whose value does not depend on the image, or carries no tangent (Shape, Size,
 * integer casts, comparisons), are computed by tfjs's own executor with their inputs fed, so every op
 * tfjs runs is available there without a rule.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { opRuleFor } from './registry';
import { fold, isDual, primalOf, type OpInput } from './rules/ops/dual';
import './rules/ops'; // registers the op rules (idempotent: Node caches the module)
import type { Dual } from './types';

/** tfjs-converter's parsed node (operations/types.d.ts `Node`), the fields the walker reads. */
interface GraphNode {
  name: string;
  op: string;
  inputNames: string[];
  inputs: GraphNode[];
  inputParams: Record<string, { type: string; inputIndexStart?: number; inputIndexEnd?: number }>;
  attrParams: Record<string, { type: string; value: unknown }>;
}

interface Executor {
  graph: { nodes: Record<string, GraphNode>; inputs: GraphNode[] };
  weightMap: Record<string, tf.Tensor[]>;
  outputNodes: string[];
  execute(inputs: Record<string, tf.Tensor>, outputs: string[]): tf.Tensor[];
}

/**
 * Ops whose output carries no tangent even when an input depends on the image: shapes, integer and
 * boolean results, and piecewise-constant maps (derivative 0 almost everywhere).
 */
const TANGENT_FREE_OPS = new Set([
  'Shape', 'ShapeN', 'Size', 'Rank', 'ZerosLike', 'OnesLike', 'Fill', 'Range',
  'ArgMax', 'ArgMin', 'Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual',
  'LogicalAnd', 'LogicalOr', 'LogicalNot', 'IsNan', 'IsInf', 'IsFinite',
  'Floor', 'Ceil', 'Round', 'Sign', 'FloorDiv', 'FloorMod', 'Mod', 'StopGradient',
]);

function executorOf(model: tf.GraphModel, fn: string): Executor {
  const executor = (model as unknown as { executor?: Executor }).executor;
  if (!(model instanceof tf.GraphModel) || !executor?.graph?.nodes) {
    throw new InputError(`argument 'model' passed to '${fn}' must be a loaded tf.GraphModel`);
  }
  return executor;
}

/** 'name', 'name:1' or 'name:out:1' → [name, index], as tfjs-converter's parseNodeName. */
function parseNodeName(ref: string): [string, number] {
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
    const end = p.inputIndexEnd === 0 ? node.inputNames.length : p.inputIndexEnd === undefined ? start + 1 : p.inputIndexEnd < 0 ? node.inputNames.length + p.inputIndexEnd : p.inputIndexEnd;
    for (let i = start; i < end; i++) used.add(i);
  }
  return [...used].sort((a, b) => a - b);
}

interface Plan {
  inputName: string;
  output: [string, number];
  /** Nodes to compute, in topological order (no weights, no input). */
  order: GraphNode[];
}

function resolveOutput(executor: Executor, outputNode: string | undefined, fn: string): [string, number] {
  if (outputNode === undefined) {
    if (executor.outputNodes.length !== 1) {
      throw new InputError(`'${fn}': this GraphModel has ${executor.outputNodes.length} outputs (${executor.outputNodes.join(', ')}); pass opts.outputNode`);
    }
    outputNode = executor.outputNodes[0];
  }
  const out = parseNodeName(outputNode);
  if (!executor.graph.nodes[out[0]]) {
    throw new InputError(`'${fn}': unknown node '${out[0]}' in this GraphModel (${Object.keys(executor.graph.nodes).length} nodes; outputs: ${executor.outputNodes.join(', ')})`);
  }
  return out;
}

function plan(executor: Executor, outputNode: string | undefined, fn: string): Plan {
  const inputs = executor.graph.inputs;
  if (inputs.length !== 1) {
    throw new InputError(`'${fn}' supports GraphModels with one input; this one has ${inputs.length} (${inputs.map((n) => n.name).join(', ')})`);
  }
  const inputName = inputs[0].name;
  const output = resolveOutput(executor, outputNode, fn);
  const order: GraphNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  // Iterative post-order DFS over data inputs: weights and the input are leaves.
  const stack: Array<{ node: GraphNode; expanded: boolean }> = [{ node: executor.graph.nodes[output[0]], expanded: false }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const { node } = top;
    if (state.get(node.name) === 'done') { stack.pop(); continue; }
    if (node.name === inputName || executor.weightMap[node.name]) { state.set(node.name, 'done'); stack.pop(); continue; }
    if (top.expanded) { state.set(node.name, 'done'); order.push(node); stack.pop(); continue; }
    top.expanded = true;
    state.set(node.name, 'open');
    const indices = dataInputIndices(node);
    if (indices.length === 0 && node.op !== 'Const') {
      throw new InputError(`'${fn}': node '${node.name}' (${node.op}) needs a value that is not the model input '${inputName}'`);
    }
    for (const i of indices) {
      const child = executor.graph.nodes[parseNodeName(node.inputNames[i])[0]];
      if (state.get(child.name) === 'open') throw new InputError(`'${fn}': the graph has a cycle through '${child.name}' (control flow is not supported)`);
      if (state.get(child.name) !== 'done') stack.push({ node: child, expanded: false });
    }
  }
  return { inputName, output, order };
}

/** Distinct op names in the executed subgraph (for coverage reports and error messages). */
export function graphModelOps(model: tf.GraphModel, outputNode?: string): string[] {
  const { order } = plan(executorOf(model, 'graphModelOps'), outputNode, 'graphModelOps');
  return [...new Set(order.map((n) => n.op))].sort();
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

/** Stored node outputs, with tensors disposed once their last consumer has run. */
class ValueStore {
  private readonly values = new Map<string, OpInput[]>();
  private readonly usesLeft = new Map<string, number>();
  private readonly refs = new Map<number, number>();
  constructor(private readonly keep: Set<number>) {}

  set(name: string, outs: OpInput[], uses: number): void {
    this.values.set(name, outs);
    this.usesLeft.set(name, uses);
    for (const t of tensorsOf(outs)) this.refs.set(t.id, (this.refs.get(t.id) ?? 0) + 1);
  }
  get(name: string): OpInput[] | undefined {
    return this.values.get(name);
  }
  /** One consumer of `name` is done; frees its tensors after the last one. */
  release(name: string): void {
    const left = (this.usesLeft.get(name) ?? 0) - 1;
    this.usesLeft.set(name, left);
    if (left > 0) return;
    for (const t of tensorsOf(this.values.get(name) ?? [])) {
      const n = (this.refs.get(t.id) ?? 1) - 1;
      this.refs.set(t.id, n);
      if (n === 0 && !this.keep.has(t.id)) t.dispose();
    }
    this.values.delete(name);
  }
}

function tensorsOf(values: OpInput[]): tf.Tensor[] {
  return values.flatMap((v) => (v === undefined ? [] : isDual(v) ? [v.primal, v.tangent] : [v]));
}

function checkArgs(x: tf.Tensor, tangent: tf.Tensor, k: number | undefined): number {
  for (const [arg, t] of [['x', x], ['tangent', tangent]] as const) {
    if (!(t instanceof tf.Tensor)) throw new InputError(`argument '${arg}' passed to 'jvpGraphModel' must be a tf.Tensor`);
    if (t.dtype !== 'float32') throw new InputError(`argument '${arg}' passed to 'jvpGraphModel' must be float32, got ${t.dtype}`);
  }
  const B = x.shape[0];
  const sameRest = tangent.rank === x.rank && tangent.shape.slice(1).every((d, i) => d === x.shape[i + 1]);
  if (x.rank === 0 || B === 0 || !sameRest || tangent.shape[0] % B !== 0 || tangent.shape[0] === 0) {
    throw new InputError(
      `argument 'tangent' passed to 'jvpGraphModel' must have shape [k·B, ${x.shape.slice(1).join(', ')}] for x of shape [${x.shape.join(', ')}], got [${tangent.shape.join(', ')}]`,
    );
  }
  const inferred = tangent.shape[0] / B;
  if (k !== undefined && k !== inferred) {
    throw new InputError(`'jvpGraphModel': opts.k = ${k} but the tangent holds ${inferred} direction(s) of batch ${B} (shape [${tangent.shape.join(', ')}])`);
  }
  return inferred;
}

/**
 * Forward mode through a converted TF graph, op by op, with the rules registered via registerOpRule
 * (src/jvp/registry.ts; `import './rules/ops'` registers the built-in ones).
 *
 * Convention:
 *  - x: the model input as `model.execute` takes it, [B, ...] float32 (for images NHWC, already
 *    preprocessed: this is the net, not net ∘ preprocess).
 *  - tangent: [k·B, ...] float32, k directions stacked on the batch axis, direction-major
 *    (src/jvp/types.ts). opts.k, when given, must match.
 *  - opts.outputNode: a node name ('name' or 'name:i') to stop at; default the model's output.
 *  - returns {primal, tangent}: primal equals `model.execute(x, outputNode)`; tangent is
 *    [k·B', ...] for a primal [B', ...] (J·v per direction, exact in float32 up to rounding).
 *  - memory: returns two new tensors; intermediates are freed as soon as their last consumer ran.
 */
export function jvpGraphModel(model: tf.GraphModel, x: tf.Tensor, tangent: tf.Tensor, opts: { k?: number; outputNode?: string } = {}): Dual {
  const executor = executorOf(model, 'jvpGraphModel');
  const k = checkArgs(x, tangent, opts.k);
  const { inputName, output, order } = plan(executor, opts.outputNode, 'jvpGraphModel');
  const [primal, tan] = tf.tidy(() => {
    const keep = new Set<number>([x.id, tangent.id]);
    for (const ts of Object.values(executor.weightMap)) for (const t of ts) keep.add(t.id);
    const uses = new Map<string, number>();
    const outputCount = new Map<string, number>([[output[0], output[1] + 1]]);
    for (const node of order) for (const i of dataInputIndices(node)) {
      const [name, index] = parseNodeName(node.inputNames[i]);
      uses.set(name, (uses.get(name) ?? 0) + 1);
      outputCount.set(name, Math.max(outputCount.get(name) ?? 1, index + 1));
    }
    uses.set(output[0], (uses.get(output[0]) ?? 0) + 1); // the result is never freed early
    const store = new ValueStore(keep);
    store.set(inputName, [{ primal: x, tangent }], uses.get(inputName) ?? 0);
    const valueOf = (ref: string): OpInput => {
      const [name, index] = parseNodeName(ref);
      const weights = executor.weightMap[name];
      const v = weights ? weights[index] : store.get(name)?.[index];
      if (v === undefined) throw new Error(`jvpGraphModel: value of '${ref}' is missing (internal ordering error)`);
      return v;
    };
    for (const node of order) {
      const indices = dataInputIndices(node);
      const values: OpInput[] = node.inputNames.map((ref, i) => (indices.includes(i) ? valueOf(ref) : (undefined as unknown as OpInput)));
      const carriesTangent = !TANGENT_FREE_OPS.has(node.op) && !(node.op === 'Cast' && node.attrParams.dtype?.value !== 'float32');
      let outs: OpInput[];
      if (carriesTangent && indices.some((i) => isDual(values[i]))) {
        const rule = opRuleFor(node.op, node.name);
        outs = rule.jvp({ inputs: values, attrs: decodeAttrs(node, values), k, name: node.name });
        for (const d of outs) checkStacked(d as Dual, k, node);
      } else {
        outs = executeNode(executor, node, values, indices, outputCount.get(node.name) ?? 1);
      }
      store.set(node.name, outs, uses.get(node.name) ?? 0);
      for (const i of indices) if (!executor.weightMap[parseNodeName(node.inputNames[i])[0]]) store.release(parseNodeName(node.inputNames[i])[0]);
    }
    const result = valueOf(`${output[0]}:${output[1]}`);
    if (isDual(result)) return [cloneIfKept(result.primal, keep), cloneIfKept(result.tangent, keep)];
    // The output does not depend on the input: its tangent is zero.
    const p = cloneIfKept(result, keep);
    return [p, fold(tf.zeros([k, ...p.shape]))];
  });
  return { primal, tangent: tan };
}

function cloneIfKept(t: tf.Tensor, keep: Set<number>): tf.Tensor {
  return keep.has(t.id) ? tf.clone(t) : t;
}

function checkStacked(d: Dual, k: number, node: GraphNode): void {
  const ok = isDual(d) && (d.primal.rank === 0 ? d.tangent.rank === 1 && d.tangent.shape[0] === k
    : d.tangent.rank === d.primal.rank && d.tangent.shape[0] === k * d.primal.shape[0] && d.tangent.shape.slice(1).every((s, i) => s === d.primal.shape[i + 1]));
  if (!ok) throw new Error(`JVP rule for op '${node.op}' (node '${node.name}') returned a tangent of shape [${d?.tangent?.shape}] for primal [${d?.primal?.shape}] and k = ${k}`);
}

/** Runs one node with tfjs's own executor, feeding its inputs' primal values. */
function executeNode(executor: Executor, node: GraphNode, values: OpInput[], indices: number[], outputs: number): tf.Tensor[] {
  const feed: Record<string, tf.Tensor> = {};
  const fedIndex = new Map<string, number>();
  for (const i of indices) {
    const [name, index] = parseNodeName(node.inputNames[i]);
    if (executor.weightMap[name]) continue;
    // tfjs's executor keeps one fed output per node name.
    if (fedIndex.has(name) && fedIndex.get(name) !== index) {
      throw new Error(`jvpGraphModel: node '${node.name}' (${node.op}) reads outputs ${fedIndex.get(name)} and ${index} of '${name}'; tfjs's executor cannot be fed both`);
    }
    fedIndex.set(name, index);
    feed[`${name}:${index}`] = primalOf(values[i]);
  }
  return executor.execute(feed, Array.from({ length: outputs }, (_, i) => `${node.name}:${i}`));
}
