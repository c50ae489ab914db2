import { linearRule } from '../../linear';

/** Permute is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const permuteRule = linearRule('Permute');
