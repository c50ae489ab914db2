/**
 * The graph the reverse-mode oracle differentiates: the model's own GraphDef with every fused
 * activation split out of its convolution or matmul into a node of its own.
 *
 * Why: under `tf.grad` tfjs-core 4.22 runs `fused.conv2d` / `fused.depthwiseConv2d` /
 * `fused.matMul` with a non-linear activation unfused (`shouldFuse`: gradientDepth > 0 and
 * activation ≠ 'linear'), i.e. conv → Add(bias) → act, while `model.execute` — and lee's primal —
 * run the fused kernel, which on wasm (XNNPACK) starts the accumulator at the bias. The two round
 * differently (repro/wasmFusedRounding.ts: a third of the outputs differ by an ulp or two), and in
 * deep ReLU/ReLU6 nets an ulp crosses kinks: the oracle then differentiates at another point of a
 * piecewise function than lee did (1e-2 apart on MobileNets, 1e0 on BlazePose-heavy). With the
 * activation in its own node the convolution stays fused with its bias under `tf.grad` too
 * (activation 'linear' always fuses), and the activations are exact (Relu, Relu6: max/min) or the
 * same kernel as the fused one applies (Prelu, LeakyRelu, Elu, Sigmoid): the oracle's forward pass
 * equals `model.execute` bit for bit (test/conformance/oracleGraph.test.ts), on every backend.
 *
 * The function is unchanged: act(conv(x) + b) is what the node computes either way. Only the
 * oracle uses this copy; lee measures the model as loaded.
 */
import * as tf from '@tensorflow/tfjs';

const FUSED_OPS = new Set(['_FusedConv2D', 'FusedDepthwiseConv2dNative', '_FusedMatMul']);
/** Fused activation (as tfjs-converter names it in `fused_ops`) → the TF op computing it alone. */
const ACTIVATION_OPS: Record<string, string> = {
  Relu: 'Relu',
  Relu6: 'Relu6',
  Elu: 'Elu',
  Sigmoid: 'Sigmoid',
  LeakyRelu: 'LeakyRelu',
  Prelu: 'Prelu',
};

interface AttrValue {
  s?: string;
  i?: string | number;
  f?: number;
  list?: { s?: string[] };
  type?: string;
  [k: string]: unknown;
}
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
  device?: string;
}
interface GraphDef {
  node: GraphNode[];
  [k: string]: unknown;
}

const decode = (s: string) => Buffer.from(s, 'base64').toString('utf8');
const encode = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * A copy of `graph` in which each fused node `n` with fused_ops [BiasAdd, Act] becomes
 * `n/oracle_linear` (fused_ops [BiasAdd]) followed by an `Act` node named `n` (so every consumer,
 * output name and signature still finds it). Other nodes are shared with `graph`, not copied.
 * Returns the number of nodes split.
 */
export function splitFusedActivations(graph: GraphDef): { graph: GraphDef; split: number } {
  const out: GraphNode[] = [];
  let split = 0;
  for (const n of graph.node) {
    const ops = n.attr?.fused_ops?.list?.s?.map(decode) ?? [];
    const act = ops.length === 2 && ops[0] === 'BiasAdd' ? ACTIVATION_OPS[ops[1]] : undefined;
    if (!FUSED_OPS.has(n.op) || !act) {
      out.push(n);
      continue;
    }
    const inputs = (n.input ?? []).filter((s) => !s.startsWith('^'));
    const control = (n.input ?? []).filter((s) => s.startsWith('^'));
    // Operands: x, filter (or b of the matmul), bias, then the Prelu weights where the activation has them.
    const [x, w, bias, alpha] = inputs;
    const linearName = `${n.name}/oracle_linear`;
    const attr = { ...n.attr, fused_ops: { list: { s: [encode('BiasAdd')] } }, num_args: { i: '1' } };
    delete (attr as Record<string, unknown>).leakyrelu_alpha;
    out.push({ ...n, name: linearName, input: [x, w, bias, ...control], attr });
    const actAttr: Record<string, AttrValue> = { T: n.attr?.T ?? { type: 'DT_FLOAT' } };
    if (act === 'LeakyRelu') actAttr.alpha = { f: n.attr?.leakyrelu_alpha?.f ?? 0.2 };
    if (act === 'Prelu' && alpha === undefined)
      throw new Error(`oracle: fused Prelu node '${n.name}' has no alpha input`);
    out.push({ name: n.name, op: act, input: act === 'Prelu' ? [linearName, alpha] : [linearName], attr: actAttr });
    split++;
  }
  return { graph: { ...graph, node: out }, split };
}

/** A loaded model, or the oracle's copy of one (loaded synchronously from memory). */
export type AnyGraphModel = tf.GraphModel | tf.GraphModel<tf.io.IOHandlerSync>;

const copies = new WeakMap<tf.GraphModel, AnyGraphModel>();

/**
 * The oracle's copy of a loaded GraphModel (same weights, fused activations split out), made once
 * per model and kept while the model lives (`disposeOracleGraphModel` frees it); the model itself
 * when nothing is fused.
 */
export function oracleGraphModel(net: tf.GraphModel): AnyGraphModel {
  const known = copies.get(net);
  if (known) return known;
  const copy = splitCopy(net);
  copies.set(net, copy);
  return copy;
}

/** Frees the oracle's copy of `net` (if one was made). */
export function disposeOracleGraphModel(net: tf.GraphModel): void {
  const copy = copies.get(net);
  if (copy && copy !== net) copy.dispose();
  copies.delete(net);
}

function splitCopy(net: tf.GraphModel): AnyGraphModel {
  // `artifacts` is private in the typings; it is what the model was loaded from (topology, weight specs and data).
  const artifacts = (net as unknown as { artifacts?: tf.io.ModelArtifacts }).artifacts;
  if (!artifacts?.modelTopology) throw new Error('oracle: the GraphModel keeps no artifacts to copy');
  const { graph, split } = splitFusedActivations(artifacts.modelTopology as GraphDef);
  if (split === 0) return net;
  const copy = new tf.GraphModel(tf.io.fromMemorySync({ ...artifacts, modelTopology: graph }));
  copy.load();
  return copy;
}
