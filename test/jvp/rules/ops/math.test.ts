import * as tf from '@tensorflow/tfjs';
import { TEST_BACKENDS } from '../../../helpers/backends';
import { oracleSuite, type OracleCase } from '../../../helpers/reverseOracle';
import { TOL } from '../../../helpers/tolerances';

// Smooth pointwise maps against tf.grad on cpu: both are exact up to float32 round-off of the
// derivative formulas (≈ 1e-6 rel.); tol 1e-4. Inputs are kept inside each function's domain by
// composing with a map into it (Exp for Log-type, Tanh·0.9 for Asin/Atanh). Kinks (ClipByValue,
// Select) are kept out of reach by the seeds' margin; their derivatives follow tfjs's gradients.
// tfjs has no gradient for Equal/Greater (used inside divNoNan and by the condition), so graphs with
// them take central differences on cpu: h = 1e-3, truncation O(h²) ≈ 1e-6 for these smooth branches,
// round-off ≈ 1e-7/h = 1e-4; tol 1e-3.
const FD = { oracle: 'fd' as const, h: TOL.fdStepSmooth, tol: TOL.fdRel };
const u = (name: string, op: string, input: string): { name: string; op: string; input: string[] } => ({
  name,
  op,
  input: [input],
});
const unary = (op: string, pre?: { op: string; scale?: number }): OracleCase => ({
  what: pre ? `${op}(${pre.op}(x)${pre.scale ? `·${pre.scale}` : ''})` : op,
  shape: [2, 3, 4],
  nodes: pre
    ? [
        u('p', pre.op, 'x'),
        ...(pre.scale ? [{ name: 'q', op: 'Mul', input: ['p', 's'] }] : []),
        u('y', op, pre.scale ? 'q' : 'p'),
      ]
    : [u('y', op, 'x')],
  consts: pre?.scale ? { s: tf.scalar(pre.scale) } : {},
});

const cases: OracleCase[] = [
  unary('Erf'),
  unary('Reciprocal', { op: 'Exp' }),
  unary('Sin'),
  unary('Cos'),
  unary('Tan', { op: 'Tanh' }),
  unary('Sinh'),
  unary('Cosh'),
  unary('Atan'),
  unary('Asin', { op: 'Tanh', scale: 0.9 }),
  unary('Acos', { op: 'Tanh', scale: 0.9 }),
  unary('Asinh'),
  {
    what: 'Acosh(exp(x) + 1.1)',
    shape: [2, 3, 4],
    nodes: [u('e', 'Exp', 'x'), { name: 'p', op: 'AddV2', input: ['e', 'c'] }, u('y', 'Acosh', 'p')],
    consts: { c: tf.scalar(1.1) },
  },
  unary('Atanh', { op: 'Tanh', scale: 0.9 }),
  unary('Log1p', { op: 'Exp' }),
  unary('Expm1'),
  {
    what: 'ClipByValue to [−0.5, 0.7]',
    shape: [2, 3, 4],
    nodes: [{ name: 'y', op: 'ClipByValue', input: ['x', 'lo', 'hi'] }],
    consts: { lo: tf.scalar(-0.5), hi: tf.scalar(0.7) },
    margin: 0.05,
  },
  {
    what: 'Pow(exp(x), x): both base and exponent depend on x',
    shape: [2, 3, 4],
    nodes: [u('e', 'Exp', 'x'), { name: 'y', op: 'Pow', input: ['e', 'x'] }],
  },
  {
    what: 'Pow(exp(x), 2.5) with a constant exponent',
    shape: [2, 3, 4],
    nodes: [u('e', 'Exp', 'x'), { name: 'y', op: 'Pow', input: ['e', 'c'] }],
    consts: { c: tf.scalar(2.5) },
  },
  {
    what: 'Atan2(x, exp(x))',
    shape: [2, 3, 4],
    nodes: [u('e', 'Exp', 'x'), { name: 'y', op: 'Atan2', input: ['x', 'e'] }],
  },
  {
    what: 'DivNoNan(x, w) with some w = 0 (tangent 0 there)',
    shape: [2, 4],
    nodes: [{ name: 'y', op: 'DivNoNan', input: ['x', 'w'] }],
    consts: { w: tf.tensor1d([2, 0, -0.5, 0]) },
    ...FD,
  },
  {
    what: 'DivNoNan(w, exp(x)) (x in the denominator)',
    shape: [2, 4],
    nodes: [u('e', 'Exp', 'x'), { name: 'y', op: 'DivNoNan', input: ['w', 'e'] }],
    consts: { w: tf.tensor1d([2, 0, -0.5, 1]) },
    ...FD,
  },
  {
    what: 'SelectV2(x > 0, x², sin x) with a broadcast condition',
    shape: [2, 3, 4],
    nodes: [
      { name: 'c', op: 'Greater', input: ['x', 'zero'] },
      u('sq', 'Square', 'x'),
      u('s', 'Sin', 'x'),
      { name: 'y', op: 'SelectV2', input: ['c', 'sq', 's'] },
    ],
    consts: { zero: tf.scalar(0) },
    margin: 0.05,
    ...FD,
  },
];

oracleSuite('pointwise maths op rules', cases, TEST_BACKENDS, 1e-4);
