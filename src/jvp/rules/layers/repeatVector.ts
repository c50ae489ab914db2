import { linearRule } from '../../linear';

/** RepeatVector is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const repeatVectorRule = linearRule('RepeatVector');
