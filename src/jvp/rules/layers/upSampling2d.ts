import { linearRule } from '../../linear';

/** UpSampling2D is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const upSampling2dRule = linearRule('UpSampling2D');
