import { linearRule } from '../../linear';

/** Reshape is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const reshapeRule = linearRule('Reshape');
