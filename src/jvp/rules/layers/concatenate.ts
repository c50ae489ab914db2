import { linearRule } from '../../linear';

/** Concatenate is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const concatenateRule = linearRule('Concatenate');
