import { activationJvp, activationName } from '../../activations';
import { tidyDual } from '../../tile';
import type { LayerRule } from '../../types';

/** Activation layer: the activation's own rule (src/jvp/activations.ts) with z = x. */
export const activationRule: LayerRule = {
  className: 'Activation',
  jvp: ({ layer, inputs, k }) => tidyDual(() => activationJvp(activationName(layer), inputs[0], k, layer.name)),
};
