/**
 * Pointwise maths beyond elementwise.ts: Erf (exact GELU, x·Φ(x) = ½x(1 + erf(x/√2))), Reciprocal,
 * Pow, ClipByValue, DivNoNan, Select/SelectV2 and the trigonometric/hyperbolic family.
 * Unary: ẏ = f'(x) ⊙ ẋ. Binary: ẏ = ∂y/∂a ⊙ ȧ + ∂y/∂b ⊙ ḃ with broadcasting; a constant operand
 * contributes nothing. Derivatives at kinks and edges follow tfjs's own gradients (ClipByValue:
 * 1 on min ≤ x ≤ max; Pow: ∂/∂b = y·ln a where a > 0, else 0; DivNoNan: 0 where b = 0).
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { fold, isDual, primalOf, scaleTangent, unfold, type OpInput } from './dual';
import { binary } from './elementwise';

function pointwise(
  op: string,
  compute: (x: tf.Tensor, attrs: Record<string, unknown>) => tf.Tensor,
  slope: (x: tf.Tensor, y: tf.Tensor, attrs: Record<string, unknown>) => tf.Tensor,
): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const x = inputs[0];
      if (!isDual(x)) throw new Error(`${op} rule called without a dual input`);
      const y = compute(x.primal, attrs);
      return [{ primal: y, tangent: tf.tidy(() => scaleTangent(x.tangent, k, slope(x.primal, y, attrs))) }];
    },
  };
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
// d/dx erf(x) = 2/√π · e^(−x²)
export const erfRule = pointwise('Erf', tf.erf, (x) => tf.mul(TWO_OVER_SQRT_PI, tf.exp(tf.neg(tf.square(x)))));
// d/dx 1/x = −1/x² = −y²
export const reciprocalRule = pointwise('Reciprocal', tf.reciprocal, (_x, y) => tf.neg(tf.square(y)));
export const sinRule = pointwise('Sin', tf.sin, (x) => tf.cos(x));
export const cosRule = pointwise('Cos', tf.cos, (x) => tf.neg(tf.sin(x)));
export const tanRule = pointwise('Tan', tf.tan, (_x, y) => tf.add(1, tf.square(y)));
export const sinhRule = pointwise('Sinh', tf.sinh, (x) => tf.cosh(x));
export const coshRule = pointwise('Cosh', tf.cosh, (x) => tf.sinh(x));
export const atanRule = pointwise('Atan', tf.atan, (x) => tf.reciprocal(tf.add(1, tf.square(x))));
export const asinRule = pointwise('Asin', tf.asin, (x) => tf.rsqrt(tf.sub(1, tf.square(x))));
export const acosRule = pointwise('Acos', tf.acos, (x) => tf.neg(tf.rsqrt(tf.sub(1, tf.square(x)))));
export const asinhRule = pointwise('Asinh', tf.asinh, (x) => tf.rsqrt(tf.add(1, tf.square(x))));
export const acoshRule = pointwise('Acosh', tf.acosh, (x) => tf.rsqrt(tf.sub(tf.square(x), 1)));
export const atanhRule = pointwise('Atanh', tf.atanh, (x) => tf.reciprocal(tf.sub(1, tf.square(x))));
export const log1pRule = pointwise('Log1p', tf.log1p, (x) => tf.reciprocal(tf.add(1, x)));
export const expm1Rule = pointwise('Expm1', tf.expm1, (_x, y) => tf.add(y, 1));

/** ClipByValue(x, lo, hi): the bounds are numbers (decoded attributes), so only x carries a tangent. */
export const clipByValueRule = pointwise(
  'ClipByValue',
  (x, a) => tf.clipByValue(x, a.clipValueMin as number, a.clipValueMax as number),
  (x, _y, a) =>
    tf.cast(
      tf.logicalAnd(tf.greaterEqual(x, a.clipValueMin as number), tf.lessEqual(x, a.clipValueMax as number)),
      'float32',
    ),
);

export const powRule = binary(
  'Pow',
  tf.pow,
  (a, b) => tf.mul(b, tf.pow(a, tf.sub(b, 1))),
  (a, _b, y) =>
    tf.mul(y, tf.where(tf.greater(a, 0), tf.log(tf.where(tf.greater(a, 0), a, tf.onesLike(a))), tf.zerosLike(a))),
);

// y = a/b where b ≠ 0, else 0: the quotient rule off the zeros of b, 0 on them.
const nonZero = (b: tf.Tensor) => tf.cast(tf.notEqual(b, 0), 'float32');
export const divNoNanRule = binary(
  'DivNoNan',
  tf.divNoNan,
  (_a, b) => tf.mul(nonZero(b), tf.divNoNan(tf.onesLike(b), b)),
  (_a, b, y) => tf.neg(tf.mul(nonZero(b), tf.divNoNan(y, b))),
);

export const atan2Rule = binary(
  'Atan2',
  tf.atan2,
  // ∂/∂a atan2(a, b) = b/(a² + b²), ∂/∂b = −a/(a² + b²)
  (a, b) => tf.div(b, tf.add(tf.square(a), tf.square(b))),
  (a, b) => tf.neg(tf.div(a, tf.add(tf.square(a), tf.square(b)))),
);

/**
 * Select / SelectV2: y = cond ? a : b, so ẏ = cond ? ȧ : ḃ (the condition is boolean: no tangent).
 * The condition broadcasts against the tangents exactly as tfjs's executor broadcasts it against
 * a and b (tf.where, trailing axes aligned), so the tangent picks what the primal picked.
 */
function select(op: 'Select' | 'SelectV2'): OpRule {
  return {
    op,
    jvp: ({ inputs, k }) => {
      const [cond, a, b] = inputs;
      const c = primalOf(cond);
      const ap = primalOf(a);
      const bp = primalOf(b);
      const y = tf.where(c as tf.Tensor, ap, bp);
      const tangent = tf.tidy(() => {
        const cu = tf.broadcastTo(tf.reshape(c, [1, ...new Array(Math.max(0, y.rank - c.rank)).fill(1), ...c.shape]), [
          k,
          ...y.shape,
        ]);
        const tangentOf = (v: OpInput) =>
          isDual(v)
            ? tf.broadcastTo(unfold(v.tangent, k, v.primal.shape, y.rank), [k, ...y.shape])
            : tf.zeros([k, ...y.shape]);
        return fold(tf.where(cu, tangentOf(a), tangentOf(b)));
      });
      return [{ primal: y, tangent }];
    },
  };
}
export const selectRule = select('Select');
export const selectV2Rule = select('SelectV2');
