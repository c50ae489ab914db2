import { linearRule } from '../../linear';

/**
 * KerasResizing (Keras's Resizing semantics for Keras-written files, src/models/tfjsLayerFixes.ts):
 * an optional centre crop and a half-pixel resize, both linear per image, so the layer applied to
 * the tangent is its JVP.
 */
export const kerasResizingRule = linearRule('KerasResizing');
