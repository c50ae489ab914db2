/**
 * Elementwise ops with broadcasting. Binary: ẏ = ∂y/∂a ⊙ ȧ + ∂y/∂b ⊙ ḃ (product and quotient rules
 * where both depend on the image; a constant operand contributes nothing). Unary: ẏ = f'(x) ⊙ ẋ.
 * Derivatives at ties and kinks follow tfjs's gradients (Maximum: a ≥ b takes ȧ; Relu6: 0 < x ≤ 6).
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { SELU_SCALE, SELU_SCALEALPHA } from './activation';
import { fold, isDual, primalOf, requireConstant, scaleTangent, unfold, type OpInput } from './dual';

type Partial = (a: tf.Tensor, b: tf.Tensor, y: tf.Tensor) => tf.Tensor | number;

/** Σ_i ∂y/∂in_i ⊙ ḋin_i, broadcast to [k, ...y.shape] and stacked. */
function broadcastTangent(
  inputs: OpInput[],
  partials: Array<(() => tf.Tensor | number) | null>,
  y: tf.Tensor,
  k: number,
): tf.Tensor {
  let sum: tf.Tensor | undefined;
  inputs.forEach((v, i) => {
    if (!isDual(v)) return;
    let term = unfold(v.tangent, k, v.primal.shape, y.rank);
    const p = partials[i];
    if (p) term = tf.mul(term, p());
    sum = sum ? tf.add(sum, term) : term;
  });
  return fold(tf.broadcastTo(sum!, [k, ...y.shape]));
}

/** A binary elementwise op's rule from its two partial derivatives (null: the partial is 1); shared with math.ts. */
export function binary(
  op: string,
  compute: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  da: Partial | null,
  db: Partial | null,
): OpRule {
  return {
    op,
    jvp: ({ inputs, k }) => {
      const [a, b] = inputs;
      const ap = primalOf(a);
      const bp = primalOf(b);
      const y = compute(ap, bp);
      const tangent = tf.tidy(() =>
        broadcastTangent([a, b], [da && (() => da(ap, bp, y)), db && (() => db(ap, bp, y))], y, k),
      );
      return [{ primal: y, tangent }];
    },
  };
}

const add = (op: string) => binary(op, tf.add, null, null);
export const addRule = add('Add');
export const addV2Rule = add('AddV2');
export const biasAddRule = add('BiasAdd');
export const subRule = binary('Sub', tf.sub, null, () => -1);
export const mulRule = binary(
  'Mul',
  tf.mul,
  (_a, b) => b,
  (a) => a,
);
// d(a/b) = ȧ/b − (a/b)·ḃ/b
const divide = (op: string) =>
  binary(
    op,
    tf.div,
    (_a, b) => tf.reciprocal(b),
    (_a, b, y) => tf.neg(tf.div(y, b)),
  );
export const realDivRule = divide('RealDiv');
export const divRule = divide('Div');
export const maximumRule = binary(
  'Maximum',
  tf.maximum,
  (a, b) => tf.cast(tf.greaterEqual(a, b), 'float32'),
  (a, b) => tf.cast(tf.less(a, b), 'float32'),
);
export const minimumRule = binary(
  'Minimum',
  tf.minimum,
  (a, b) => tf.cast(tf.lessEqual(a, b), 'float32'),
  (a, b) => tf.cast(tf.greater(a, b), 'float32'),
);
export const squaredDifferenceRule = binary(
  'SquaredDifference',
  tf.squaredDifference,
  (a, b) => tf.mul(2, tf.sub(a, b)),
  (a, b) => tf.mul(-2, tf.sub(a, b)),
);

export const addNRule: OpRule = {
  op: 'AddN',
  jvp: ({ inputs, k }) => {
    const y = tf.addN(inputs.map(primalOf));
    const tangent = tf.tidy(() =>
      broadcastTangent(
        inputs,
        inputs.map(() => null),
        y,
        k,
      ),
    );
    return [{ primal: y, tangent }];
  },
};

function unary(
  op: string,
  compute: (x: tf.Tensor, attrs: Record<string, unknown>) => tf.Tensor,
  slope: (x: tf.Tensor, y: tf.Tensor, attrs: Record<string, unknown>) => tf.Tensor | number,
): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const x = inputs[0];
      if (!isDual(x)) throw new Error(`${op} rule called without a dual input`);
      const y = compute(x.primal, attrs);
      const tangent = tf.tidy(() => {
        const s = slope(x.primal, y, attrs);
        return typeof s === 'number' ? tf.mul(x.tangent, s) : scaleTangent(x.tangent, k, s);
      });
      return [{ primal: y, tangent }];
    },
  };
}

const positive = (x: tf.Tensor) => tf.cast(tf.greater(x, 0), 'float32');
export const reluRule = unary('Relu', tf.relu, positive);
export const relu6Rule = unary('Relu6', tf.relu6, (x) =>
  tf.cast(tf.logicalAnd(tf.greater(x, 0), tf.lessEqual(x, 6)), 'float32'),
);
export const eluRule = unary('Elu', tf.elu, (x, y) => tf.where(tf.greater(x, 0), tf.onesLike(x), tf.add(y, 1)));
export const seluRule = unary('Selu', tf.selu, (x) =>
  tf.where(tf.greater(x, 0), tf.fill(x.shape, SELU_SCALE), tf.mul(SELU_SCALEALPHA, tf.exp(x))),
);
export const leakyReluRule = unary(
  'LeakyRelu',
  (x, attrs) => tf.leakyRelu(x, attrs.alpha as number),
  (x, _y, attrs) => tf.where(tf.greater(x, 0), tf.onesLike(x), tf.fill(x.shape, attrs.alpha as number)),
);
export const sigmoidRule = unary('Sigmoid', tf.sigmoid, (_x, y) => tf.mul(y, tf.sub(1, y)));
export const tanhRule = unary('Tanh', tf.tanh, (_x, y) => tf.sub(1, tf.square(y)));
export const softplusRule = unary('Softplus', tf.softplus, (x) => tf.sigmoid(x));
export const expRule = unary('Exp', tf.exp, (_x, y) => y);
export const logRule = unary('Log', tf.log, (x) => tf.reciprocal(x));
export const sqrtRule = unary('Sqrt', tf.sqrt, (_x, y) => tf.div(0.5, y));
// d/dx x^(−1/2) = −½ x^(−3/2) = −½ y³
export const rsqrtRule = unary('Rsqrt', tf.rsqrt, (_x, y) => tf.mul(-0.5, tf.pow(y, 3)));
export const squareRule = unary('Square', tf.square, (x) => tf.mul(2, x));
export const negRule = unary('Neg', tf.neg, () => -1);
export const absRule = unary('Abs', tf.abs, (x) => tf.sign(x));

export const preluRule: OpRule = {
  op: 'Prelu',
  jvp: ({ inputs, k, name }) => {
    const [x, alphaIn] = inputs;
    const alpha = requireConstant(alphaIn, 'alpha', 'Prelu', name)!;
    if (!isDual(x)) throw new Error('Prelu rule called without a dual input');
    const y = tf.prelu(x.primal, alpha);
    const tangent = tf.tidy(() =>
      scaleTangent(
        x.tangent,
        k,
        tf.where(tf.greater(x.primal, 0), tf.onesLike(x.primal), tf.mul(tf.onesLike(x.primal), alpha)),
      ),
    );
    return [{ primal: y, tangent }];
  },
};
