import { linearRule } from '../../../linear';

/** ClassTokenPool keeps token 0, a linear slice: ẏ = ẋ[:, 0, :]. */
export const classTokenPoolRule = linearRule('ClassTokenPool');
