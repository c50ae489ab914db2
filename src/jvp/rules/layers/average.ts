import { linearRule } from '../../linear';

/** Average is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const averageRule = linearRule('Average');
