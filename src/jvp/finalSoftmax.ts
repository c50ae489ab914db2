import type * as tf from '@tensorflow/tfjs';
import { activationName } from './activations';
import type { LayerGraph } from './layerGraph';

/**
 * How a model's (first) output ends in a softmax, per DESIGN §1: 'layer' — a Softmax layer or
 * Activation('softmax'), whose input is the logits; 'activation' — a layer with
 * activation: 'softmax' (Dense, Conv2D...), whose pre-activation is the logits; undefined — none.
 */
export type FinalSoftmax = { kind: 'layer' | 'activation'; node: number } | undefined;

export function finalSoftmax(graph: LayerGraph): FinalSoftmax {
  const node = graph.outputs[0].node;
  const layer = graph.nodes[node].layer;
  if (layer.getClassName() === 'Softmax') return { kind: 'layer', node };
  if (activationName(layer) === 'softmax') return { kind: layer.getClassName() === 'Activation' ? 'layer' : 'activation', node };
  return undefined;
}

/** The same layer with a linear activation (reads every other field from the layer itself). */
export function withoutActivation(layer: tf.layers.Layer): tf.layers.Layer {
  const linear = { getClassName: () => 'linear', apply: (x: tf.Tensor) => x };
  return Object.create(layer, { activation: { value: linear } }) as tf.layers.Layer;
}
