import { linearRule } from '../../linear';

/** AveragePooling1D is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const averagePooling1dRule = linearRule('AveragePooling1D');
