import { linearRule } from '../../linear';

/**
 * Resizing (tfjs's) and KerasResizing (Keras's semantics, src/models/tfjsLayerFixes.ts) resample each
 * image by fixed weights: linear, no bias, per batch row, so the layer applied to the tangent is its JVP.
 */
export const resizingRule = linearRule('Resizing');
export const kerasResizingRule = linearRule('KerasResizing');
