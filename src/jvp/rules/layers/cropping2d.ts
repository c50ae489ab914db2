import { linearRule } from '../../linear';

/** Cropping2D is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const cropping2dRule = linearRule('Cropping2D');
