import { extremumRule } from '../../extremum';

/** Minimum of several inputs: the tangent of the input that attains it (the first one on ties). */
export const minimumRule = extremumRule('Minimum', 'min');
