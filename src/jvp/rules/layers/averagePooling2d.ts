import { linearRule } from '../../linear';

/** AveragePooling2D is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const averagePooling2dRule = linearRule('AveragePooling2D');
