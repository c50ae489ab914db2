import { extremumRule } from '../../extremum';

/** Maximum of several inputs: the tangent of the input that attains it (the first one on ties). */
export const maximumRule = extremumRule('Maximum', 'max');
