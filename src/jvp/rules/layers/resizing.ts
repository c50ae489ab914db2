import { linearRule } from '../../linear';

/** tfjs's Resizing resamples each image by fixed weights: linear, no bias, per batch row, so the layer applied to the tangent is its JVP. */
export const resizingRule = linearRule('Resizing');
