/**
 * The outputs of a model with several, as the refusal "say which one to measure" lists them: for
 * each, the name to give (signature key, graph node or layer name), its shape where known (the
 * signature's, the layer's, else one probe run at batch 1 when the input size is fixed), what kind
 * of output that shape is, and the `--output NAME` line to copy.
 */
import * as tf from '@tensorflow/tfjs';
import { graphFinalHead, graphInput, graphOutputs } from './compileGraph';
import { cachedLayerGraph, layerOutputNames } from './compileLayers';

export interface OutputEntry {
  /** What `--output` takes: the signature key where the model has one, else the node or layer name. */
  name: string;
  /** The graph node behind a signature key (graphs only, when it differs from `name`). */
  node?: string;
  /** [B, …] with null for free sizes; undefined when not known. */
  shape?: Array<number | null>;
  /** The model's own head feeding it, where there is one. */
  head?: 'softmax' | 'sigmoid';
}

type SignatureOutputs = Record<string, { name?: string; tensorShape?: { dim?: Array<{ size?: string | number }> } }>;

function signatureShape(net: tf.GraphModel, key?: string): Array<number | null> | undefined {
  if (!key) return undefined;
  const sig = (net as unknown as { signature?: { outputs?: SignatureOutputs } }).signature?.outputs ?? {};
  const dims = sig[key]?.tensorShape?.dim;
  if (!dims?.length) return undefined;
  return dims.map((d) => (Number(d.size) >= 0 ? Number(d.size) : null));
}

/** Shapes of every graph output from one run on a mid-grey batch of 1, when the input's size is fixed. */
function probeGraphShapes(net: tf.GraphModel, nodes: string[]): Array<number[] | undefined> {
  const input = graphInput(net);
  const shape = (net.inputs[0]?.shape ?? []).map((d, i) => (i === 0 || d === -1 ? (i === 0 ? 1 : -1) : d));
  if (shape.length !== 4 || shape.some((d) => d < 1)) return nodes.map(() => undefined);
  try {
    return tf.tidy(() => {
      const x = tf.fill(shape, 0.5, net.inputs[0]?.dtype === 'int32' ? 'int32' : 'float32');
      const ys = net.execute({ [input.name]: x }, nodes);
      return (Array.isArray(ys) ? ys : [ys]).map((y) => [null, ...y.shape.slice(1)] as unknown as number[]);
    });
  } catch {
    return nodes.map(() => undefined); // the refusal still lists the names
  }
}

/** The outputs of `net` with shape and head where known (an empty list for a one-output model is never asked). */
export function listOutputs(net: tf.LayersModel | tf.GraphModel): OutputEntry[] {
  if (net instanceof tf.GraphModel) {
    const outs = graphOutputs(net);
    const entries: OutputEntry[] = outs.map((o) => {
      const node = o.node.includes(':') ? o.node : `${o.node}:0`;
      const head = graphFinalHead(net, node)?.kind;
      return {
        name: o.key ?? o.node,
        ...(o.key && o.key !== o.node ? { node: o.node } : {}),
        shape: signatureShape(net, o.key),
        ...(head ? { head } : {}),
      };
    });
    const missing = entries.filter((e) => !e.shape);
    if (missing.length) {
      const probed = probeGraphShapes(
        net,
        missing.map((e) => (e.node ?? e.name).replace(/:0$/, '')),
      );
      missing.forEach((e, i) => (e.shape = probed[i]));
    }
    return entries;
  }
  const names = layerOutputNames(net);
  const graph = cachedLayerGraph(net);
  return names.map((name, i) => {
    const layer = graph.nodes.find((n) => n.layer.name === name)?.layer;
    const act = (layer?.getConfig() as { activation?: unknown } | undefined)?.activation;
    const head =
      act === 'softmax' || layer?.getClassName() === 'Softmax' ? 'softmax' : act === 'sigmoid' ? 'sigmoid' : undefined;
    const shape = net.outputs[i]?.shape;
    return { name, ...(shape ? { shape: [...shape] } : {}), ...(head ? { head } : {}) };
  });
}

/** What an output of this shape is, in a few words. */
export function outputKind(e: OutputEntry): string {
  const s = e.shape;
  const per = s?.slice(1);
  const dims = per?.map((d) => (d === null ? '?' : String(d)));
  if (per && dims && per.length === 1) {
    if (e.head === 'softmax') return `probabilities over ${dims[0]} classes (the model's own softmax)`;
    if (e.head === 'sigmoid') return `${dims[0]} sigmoid output(s) per image (multi-label or binary probabilities)`;
    if (per[0] === 1) return 'one value per image (a regression or a binary score)';
    return `a vector of ${dims[0]} per image (class scores or an embedding)`;
  }
  const head = e.head ? ` (behind the model's ${e.head})` : '';
  if (!per || !dims) return `shape unknown (not in the model's signature)${head}`;
  if (per.length === 3) return `an image-like map ${dims.join('×')} per image (measured as an equivariant map)${head}`;
  if (per.length === 0) return `one value per batch${head}`;
  return `${dims.join('×')} per image (boxes, anchors or a sequence)${head}`;
}

/** The refusal's lines: one per output, each with the `--output NAME` to copy, its shape and kind. */
export function outputLines(entries: OutputEntry[]): string[] {
  const width = Math.max(...entries.map((e) => e.name.length));
  return entries.map((e) => {
    const shape = e.shape ? `[${e.shape.map((d, i) => (i === 0 ? 'B' : d === null ? '?' : d)).join(', ')}]` : '[?]';
    return `  --output ${e.name.padEnd(width)}  ${shape}  ${outputKind(e)}${e.node ? ` (node ${e.node})` : ''}`;
  });
}
