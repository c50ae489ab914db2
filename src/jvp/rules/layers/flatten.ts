import { linearRule } from '../../linear';

/** Flatten is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const flattenRule = linearRule('Flatten');
