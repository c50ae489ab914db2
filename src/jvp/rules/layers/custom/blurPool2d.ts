import { linearRule } from '../../../linear';

/** BlurPool2D (Zhang 2019) is linear and weightless (reflect pad, fixed blur, subsample): ẏ = BlurPool(ẋ). */
export const blurPool2dRule = linearRule('BlurPool2D');
