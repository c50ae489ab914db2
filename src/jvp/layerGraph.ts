import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';

/**
 * A topological view of a LayersModel: one node per layer call, nested Sequential/functional
 * models flattened into their layers (so rules, hooks and `stopAt` see every layer).
 */
export interface LayerNode {
  index: number;
  layer: tf.layers.Layer;
  inputs: Array<{ node: number; output: number } | { modelInput: number }>;
  /** Keyword arguments the layer was called with when the model was built (rarely needed). */
  callArgs?: Record<string, unknown>;
  /** Names of the nested models this call's output ends (so `stopAt: 'backbone'` works). */
  endsModels?: string[];
}

export interface LayerGraph {
  nodes: LayerNode[];
  outputs: Array<{ node: number; output: number }>;
}

type Ref = LayerNode['inputs'][number];

interface SymbolicLike {
  sourceLayer: tf.layers.Layer;
  nodeIndex: number;
  tensorIndex: number;
}

interface InboundNode {
  inboundLayers: tf.layers.Layer[];
  nodeIndices: number[];
  tensorIndices: number[];
  callArgs?: Record<string, unknown>;
  outputTensors?: unknown[];
}

function isModel(layer: tf.layers.Layer): layer is tf.LayersModel {
  return layer instanceof tf.LayersModel;
}

function isInputLayer(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

/**
 * Builds the graph by walking back from the model's outputs. Layers shared between calls get one
 * node per call. A model output that is the model input itself is not supported (nothing to walk).
 */
export function layerGraph(model: tf.LayersModel): LayerGraph {
  const nodes: LayerNode[] = [];

  /** Expands `m` with its inputs bound to `bound`; returns refs to its outputs. */
  const expand = (m: tf.LayersModel, bound: Ref[]): Ref[] => {
    const memo = new Map<string, Ref[]>(); // key: layer id + node index → refs of its outputs
    const inputsOf = m.inputs as SymbolicLike[];
    const visit = (layer: tf.layers.Layer, nodeIndex: number, tensorIndex: number): Ref => {
      if (isInputLayer(layer)) {
        const i = inputsOf.findIndex((s) => s.sourceLayer === layer);
        if (i < 0) throw new InputError(`layerGraph: input layer '${layer.name}' is not an input of model '${m.name}'`);
        return bound[i];
      }
      const key = `${layer.id}:${nodeIndex}`;
      let outs = memo.get(key);
      if (!outs) {
        const node = (layer as { inboundNodes: InboundNode[] }).inboundNodes[nodeIndex];
        const ins = node.inboundLayers.map((l, i) => visit(l, node.nodeIndices[i], node.tensorIndices[i]));
        if (isModel(layer)) {
          outs = expand(layer, ins);
          const last = outs[0];
          if (last && 'node' in last)
            nodes[last.node].endsModels = [...(nodes[last.node].endsModels ?? []), layer.name];
        } else {
          const index = nodes.length;
          nodes.push({ index, layer, inputs: ins, callArgs: node.callArgs });
          const nOut = node.outputTensors?.length ?? 1;
          outs = Array.from({ length: Math.max(nOut, 1) }, (_, output) => ({ node: index, output }));
        }
        memo.set(key, outs);
      }
      return outs[tensorIndex];
    };
    return (m.outputs as SymbolicLike[]).map((s) => visit(s.sourceLayer, s.nodeIndex, s.tensorIndex));
  };

  const bound: Ref[] = model.inputs.map((_, i) => ({ modelInput: i }));
  const outs = expand(model, bound);
  const outputs = outs.map((r) => {
    if (!('node' in r))
      throw new InputError(`layerGraph: model '${model.name}' returns its input unchanged; nothing to differentiate`);
    return r;
  });
  return { nodes, outputs };
}

/** The node whose layer (or nested model) is named `name`, for `stopAt`. */
export function nodeNamed(graph: LayerGraph, name: string): LayerNode | undefined {
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (n.layer.name === name || n.endsModels?.includes(name)) return n;
  }
  return undefined;
}
