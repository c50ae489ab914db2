import { linearRule } from '../../linear';

/** CenterCrop is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const centerCropRule = linearRule('CenterCrop');
