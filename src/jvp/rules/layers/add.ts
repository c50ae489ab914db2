import { linearRule } from '../../linear';

/** Add is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const addRule = linearRule('Add');
