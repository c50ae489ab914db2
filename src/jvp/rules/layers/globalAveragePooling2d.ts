import { linearRule } from '../../linear';

/** GlobalAveragePooling2D is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const globalAveragePooling2dRule = linearRule('GlobalAveragePooling2D');
