import { linearRule } from '../../linear';

/** GlobalAveragePooling1D is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const globalAveragePooling1dRule = linearRule('GlobalAveragePooling1D');
