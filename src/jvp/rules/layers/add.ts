import * as tf from '@tensorflow/tfjs';
import { linearRule } from '../../linear';
import { tidyDual } from '../../tile';
import type { Dual, LayerRule } from '../../types';

const viaLayer = linearRule('Add');

/**
 * Add is linear (no bias) and acts per batch row: the sum of the tangents is its JVP. Inputs of
 * one rank are summed here in tfjs's own order (((x₀ + x₁) + x₂)…, bit-identical to the layer):
 * the layer starts from a clone of its first input, which on wasm copies the whole tensor in
 * JavaScript (ResNet-18: 8 Adds per pass, primal and tangent). Inputs of different ranks (the
 * layer's expand-dims path) go through the layer itself.
 */
export const addRule: LayerRule = {
  className: 'Add',
  jvp: (args) => {
    const { inputs } = args;
    if (inputs.length < 2 || inputs.some((d) => d.primal.rank !== inputs[0].primal.rank)) return viaLayer.jvp(args);
    return tidyDual((): Dual => {
      let primal = tf.add(inputs[0].primal, inputs[1].primal);
      let tangent = tf.add(inputs[0].tangent, inputs[1].tangent);
      for (let i = 2; i < inputs.length; i++) {
        primal = tf.add(primal, inputs[i].primal);
        tangent = tf.add(tangent, inputs[i].tangent);
      }
      return { primal, tangent };
    });
  },
};
