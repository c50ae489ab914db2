/**
 * A tf.LayersModel as program steps (src/jvp/program.ts): one step per layer call, nested models
 * flattened (src/jvp/layerGraph.ts), each step's forward mode the registered layer rule and its
 * plain value `layer.apply`. With `splitActivations`, a fused activation (Conv2D/Dense with
 * activation: 'relu', ...) becomes its own step, so the layer-wise table shows the nonlinearity
 * apart from the linear map (the paper's point: the one aliases, the other does not).
 */
import type * as tf from '@tensorflow/tfjs';
import { InputError, UnknownNameError } from '../errors';
import { activationJvp, activationName, activationValue } from './activations';
import { withoutActivation } from './withoutActivation';
import { layerGraph, nodeNamed, type LayerGraph } from './layerGraph';
import type { Ref, Step, Value } from './program';
import { layerRuleFor } from './registry';
import './rules';
import type { Dual } from './types';

const graphs = new WeakMap<tf.LayersModel, LayerGraph>();
/** The model's layer graph, built once per model object. */
export function cachedLayerGraph(model: tf.LayersModel): LayerGraph {
  let g = graphs.get(model);
  if (!g) graphs.set(model, (g = layerGraph(model)));
  return g;
}

/** Where the selected output sits in the layer graph. */
export interface LayersSelection {
  /** A layer (or nested model) name whose output is measured. */
  layer?: string;
  /** Measure the input of the model's final softmax (the logits). */
  stripSoftmax?: boolean;
  /** Measure the input of the model's final softmax or sigmoid (the logits of either head). */
  stripHead?: boolean;
}

/** Layers that pass values through unchanged at inference, or only rearrange them: a softmax behind them is still the model's. */
const REARRANGING_LAYERS = new Set([
  'Reshape',
  'Flatten',
  'Permute',
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'SpatialDropout3D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ActivityRegularization',
]);

/** The model's probability head: the layer node whose activation is the final softmax or sigmoid. */
export interface LayersHead {
  node: number;
  kind: 'softmax' | 'sigmoid';
  /** 'layer': a Softmax or Activation layer (its input is the logits); 'activation': a fused activation (Dense(activation: 'softmax')). */
  how: 'layer' | 'activation';
}

/**
 * Where the model's single output comes from a softmax or sigmoid: a Softmax/Activation layer or
 * a fused activation, looking back through Reshape, Flatten, Permute and inference-time identity
 * layers (Dropout, GaussianNoise, ...).
 */
export function layersFinalHead(model: tf.LayersModel): LayersHead | undefined {
  const graph = cachedLayerGraph(model);
  if (graph.outputs.length !== 1) return undefined;
  let index = graph.outputs[0].node;
  for (let hops = 0; hops < 32; hops++) {
    const node = graph.nodes[index];
    const layer = node.layer;
    const cls = layer.getClassName();
    const act = activationName(layer);
    if (cls === 'Softmax') return { node: index, kind: 'softmax', how: 'layer' };
    if (act === 'softmax' || act === 'sigmoid')
      return { node: index, kind: act, how: cls === 'Activation' ? 'layer' : 'activation' };
    if (!REARRANGING_LAYERS.has(cls) || node.inputs.length !== 1 || !('node' in node.inputs[0])) return undefined;
    index = node.inputs[0].node;
  }
  return undefined;
}

/** How the model's output ends in a softmax (layersFinalHead of kind 'softmax'). */
export function layersFinalSoftmax(model: tf.LayersModel): 'layer' | 'activation' | undefined {
  const head = layersFinalHead(model);
  return head?.kind === 'softmax' ? head.how : undefined;
}

/** Names a user can select as the output: the model's output layers first, then every layer. */
export function layerOutputNames(model: tf.LayersModel): string[] {
  const graph = cachedLayerGraph(model);
  return graph.outputs.map((o) => graph.nodes[o.node].layer.name);
}

function layerStep(layer: tf.layers.Layer, asLayer: tf.layers.Layer, inputs: Ref[], name: string): Step {
  // The rule is looked up when forward mode first needs it: a layer without one still has its plain
  // value (layer.apply), so fd, double-vjp and the metrics work on it.
  let rule: ReturnType<typeof layerRuleFor> | undefined;
  const call = (xs: tf.Tensor[]) =>
    asLayer.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as tf.Tensor | tf.Tensor[];
  return {
    info: { name, className: layer.getClassName(), source: 'layer' },
    inputs,
    layer,
    jvp: (ins, k) => {
      rule ??= layerRuleFor(layer);
      const out = rule.jvp({ layer: asLayer, inputs: ins as Dual[], k });
      return Array.isArray(out) ? out : [out];
    },
    apply: (xs) => {
      const out = call(xs);
      return Array.isArray(out) ? out : [out];
    },
  };
}

/** A pointwise (or softmax) activation as its own step. */
export function activationStep(act: string, input: Ref, name: string, where: string, className = 'Activation'): Step {
  return {
    info: { name, className, source: className === 'Softmax' ? 'head' : 'layer' },
    inputs: [input],
    jvp: ([pre], k) => [activationJvp(act, pre as Dual, k, where)],
    apply: ([z]) => [activationValue(act, z)],
  };
}

/**
 * Appends the steps of `model` up to the selected output to `steps`, with the model's input read
 * from `input`. Returns the ref of the selected value.
 */
export function compileLayersModel(
  model: tf.LayersModel,
  steps: Step[],
  input: Ref,
  sel: LayersSelection,
  { splitActivations = false } = {},
): Ref {
  if (model.inputs.length !== 1)
    throw new InputError(
      `model '${model.name}' has ${model.inputs.length} inputs (${model.inputNames.join(', ')}); expected one image input; measure a version of the model with the other inputs frozen as constants (e.g. a Keras sub-model or a SavedModel signature that takes only the image), or name an inner tensor that depends on the image only`,
    );
  const graph = cachedLayerGraph(model);
  let target: number;
  let strip = false;
  let viaInput = false;
  if (sel.layer !== undefined) {
    const n = nodeNamed(graph, sel.layer);
    if (!n)
      throw new UnknownNameError(
        'layer',
        sel.layer,
        graph.nodes.map((m) => m.layer.name),
      );
    target = n.index;
  } else {
    if (graph.outputs.length !== 1) {
      throw new InputError(
        `model '${model.name}' has ${graph.outputs.length} outputs (${layerOutputNames(model).join(', ')}); say which one to measure with output: NAME (--output NAME)`,
      );
    }
    target = graph.outputs[0].node;
    const head = sel.stripHead || sel.stripSoftmax ? layersFinalHead(model) : undefined;
    if (head && (sel.stripHead || head.kind === 'softmax')) {
      // The logits: the head's input, before any Reshape/Flatten behind it.
      target = head.node;
      viaInput = head.how === 'layer';
      strip = head.how === 'activation';
    }
  }
  // Only the nodes the result depends on.
  const needed = new Set<number>();
  const stack = [target];
  while (stack.length) {
    const n = stack.pop() as number;
    if (needed.has(n)) continue;
    needed.add(n);
    for (const r of graph.nodes[n].inputs) if ('node' in r) stack.push(r.node);
  }
  const stepOf = new Map<number, number>();
  const refOf = (r: LayerGraph['nodes'][number]['inputs'][number]): Ref =>
    'node' in r ? { step: stepOf.get(r.node) as number, output: r.output } : input;
  for (const node of graph.nodes) {
    if (!needed.has(node.index)) continue;
    const ins = node.inputs.map(refOf);
    const isTarget = node.index === target;
    if (isTarget && viaInput) return ins[0];
    const layer = node.layer;
    const act = activationName(layer);
    const fused = layer.getClassName() !== 'Activation' && act !== 'linear';
    if (fused && (splitActivations || (isTarget && strip))) {
      steps.push(layerStep(layer, withoutActivation(layer), ins, layer.name));
      if (!(isTarget && strip))
        steps.push(activationStep(act, { step: steps.length - 1, output: 0 }, `${layer.name}/${act}`, layer.name));
    } else {
      steps.push(layerStep(layer, layer, ins, layer.name));
    }
    stepOf.set(node.index, steps.length - 1);
    if (isTarget) return { step: steps.length - 1, output: 0 };
  }
  throw new InputError(
    `model '${model.name}' returns its input unchanged; nothing to differentiate (expected an output computed by at least one layer: --output NAME names one)`,
  );
}

export type { Value };
