import { linearRule } from '../../linear';

/** ZeroPadding2D is linear (no bias) and acts per batch row: the layer applied to the tangent is its JVP. */
export const zeroPadding2dRule = linearRule('ZeroPadding2D');
