import * as tf from '@tensorflow/tfjs';
import { TEST_BACKENDS } from '../../../helpers/backends';
import { attr, seededNormal, type TinyNode } from '../../../helpers/opGraph';
import { oracleSuite, type OracleCase } from '../../../helpers/reverseOracle';
import { TOL } from '../../../helpers/tolerances';

// The blocks converted vision graphs are built from (exact GELU, hard-swish, hard-sigmoid, swish and
// sigmoid gates, layer norm by Mean/SquaredDifference/Rsqrt, attention by BatchMatMulV2 with adj_x/adj_y),
// and each single op rule the brief lists, against reverse mode (tf.grad on cpu). Smooth or piecewise-
// smooth maps with seeds kept off kinks (margin 0.05 around 0; ±3 for Relu6 are ≥ 3σ away): round-off
// only, ≈ 1e-6 rel.; tol 1e-4. Where tfjs's gradient is missing or wrong (StridedSlice, MirrorPad SYMMETRIC)
// the oracle is central differences on cpu (linear maps, h = 1e-2: round-off ≈ 1e-5), tol 1e-3.
const i32 = (v: number[]) => tf.tensor1d(v, 'int32');
const n = (name: string, op: string, input: string[], a?: Record<string, unknown>): TinyNode => ({
  name,
  op,
  input,
  ...(a ? { attr: a } : {}),
});
const noKeep = { keep_dims: attr.b(false) };
const keep = { keep_dims: attr.b(true) };

const cases: OracleCase[] = [
  {
    what: 'exact GELU x·½(1 + erf(x/√2)) as Keras/TF converts it',
    shape: [2, 3, 4],
    nodes: [
      n('d', 'Mul', ['x', 'invSqrt2']),
      n('e', 'Erf', ['d']),
      n('p', 'AddV2', ['e', 'one']),
      n('h', 'Mul', ['x', 'half']),
      n('y', 'Mul', ['h', 'p']),
    ],
    consts: { invSqrt2: tf.scalar(Math.SQRT1_2), one: tf.scalar(1), half: tf.scalar(0.5) },
  },
  {
    what: 'hard-swish x·Relu6(x + 3)/6 (MobileNetV3)',
    shape: [2, 3, 4],
    nodes: [
      n('a', 'AddV2', ['x', 'three']),
      n('r', 'Relu6', ['a']),
      n('m', 'Mul', ['x', 'r']),
      n('y', 'RealDiv', ['m', 'six']),
    ],
    consts: { three: tf.scalar(3), six: tf.scalar(6) },
  },
  {
    what: 'hard-sigmoid Relu6(x + 3)·(1/6) gating a product',
    shape: [2, 3, 4],
    nodes: [
      n('a', 'AddV2', ['x', 'three']),
      n('r', 'Relu6', ['a']),
      n('g', 'Mul', ['r', 'sixth']),
      n('y', 'Mul', ['g', 'x']),
    ],
    consts: { three: tf.scalar(3), sixth: tf.scalar(1 / 6) },
  },
  { what: 'swish x·Sigmoid(x)', shape: [2, 3, 4], nodes: [n('s', 'Sigmoid', ['x']), n('y', 'Mul', ['x', 's'])] },
  {
    what: 'squeeze-excitation gate x·Sigmoid(Mean(x))',
    shape: [2, 3, 3, 4],
    nodes: [n('m', 'Mean', ['x', 'hw'], keep), n('s', 'Sigmoid', ['m']), n('y', 'Mul', ['x', 's'])],
    consts: { hw: i32([1, 2]) },
  },
  { what: 'Tanh', shape: [2, 3, 4], nodes: [n('y', 'Tanh', ['x'])] },
  {
    what: 'layer norm (x − μ)·Rsqrt(Mean((x − μ)²) + ε) over the last axis',
    shape: [2, 3, 5],
    nodes: [
      n('mu', 'Mean', ['x', 'last'], keep),
      n('sd', 'SquaredDifference', ['x', 'mu']),
      n('var', 'Mean', ['sd', 'last'], keep),
      n('ve', 'AddV2', ['var', 'eps']),
      n('r', 'Rsqrt', ['ve']),
      n('c', 'Sub', ['x', 'mu']),
      n('y', 'Mul', ['c', 'r']),
    ],
    // tfjs 4.22's SquaredDifference gradient does not sum over broadcast axes (it crashes on μ [2, 3, 1]):
    // the oracle graph writes (x − μ)² as Sub and Square.
    oracleNodes: [
      n('mu', 'Mean', ['x', 'last'], keep),
      n('df', 'Sub', ['x', 'mu']),
      n('sd', 'Square', ['df']),
      n('var', 'Mean', ['sd', 'last'], keep),
      n('ve', 'AddV2', ['var', 'eps']),
      n('r', 'Rsqrt', ['ve']),
      n('c', 'Sub', ['x', 'mu']),
      n('y', 'Mul', ['c', 'r']),
    ],
    consts: { last: i32([-1]), eps: tf.scalar(1e-3) },
  },
  {
    what: 'Sqrt(Square(x) + 1) and Sum',
    shape: [2, 3, 4],
    nodes: [
      n('s', 'Square', ['x']),
      n('a', 'AddV2', ['s', 'one']),
      n('q', 'Sqrt', ['a']),
      n('y', 'Sum', ['q', 'ax'], noKeep),
    ],
    consts: { one: tf.scalar(1), ax: i32([2]) },
  },
  {
    what: 'BatchMatMulV2 adj_x: xᵀ·x (both factors from x)',
    shape: [2, 3, 4],
    nodes: [n('y', 'BatchMatMulV2', ['x', 'x'], { adj_x: attr.b(true), adj_y: attr.b(false) })],
  },
  {
    what: 'BatchMatMul adj_x and adj_y with a constant factor: xᵀ·Wᵀ',
    shape: [2, 3, 4],
    nodes: [n('y', 'BatchMatMul', ['x', 'w'], { adj_x: attr.b(true), adj_y: attr.b(true) })],
    consts: { w: seededNormal([5, 3], 9) },
  },
  {
    what: 'Elu, Selu, Softplus chained',
    shape: [2, 3, 4],
    nodes: [n('a', 'Elu', ['x']), n('b', 'Selu', ['a']), n('y', 'Softplus', ['b'])],
    margin: 0.05,
  },
  {
    what: 'Maximum and Minimum against constants',
    shape: [2, 4],
    nodes: [n('a', 'Maximum', ['x', 'lo']), n('y', 'Minimum', ['a', 'hi'])],
    consts: { lo: tf.tensor1d([-0.3, 0.2, -2, 0.5]), hi: tf.tensor1d([1, 0.4, 0.1, 2]) },
    margin: 0.05,
  },
  {
    what: 'Neg, Abs, Exp, Log chained',
    shape: [2, 3],
    nodes: [n('a', 'Neg', ['x']), n('b', 'Abs', ['a']), n('c', 'Exp', ['b']), n('y', 'Log', ['c'])],
    margin: 0.05,
  },
  {
    what: 'Cast float32 → float32 then Square',
    shape: [2, 3],
    nodes: [n('c', 'Cast', ['x'], { SrcT: attr.type(), DstT: attr.type() }), n('y', 'Square', ['c'])],
  },
  {
    what: 'Identity, ExpandDims, Squeeze, Reshape then Square',
    shape: [2, 3, 4],
    nodes: [
      n('i', 'Identity', ['x']),
      n('e', 'ExpandDims', ['i', 'ax']),
      n('s', 'Squeeze', ['e'], { squeeze_dims: attr.ints([1]) }),
      n('r', 'Reshape', ['s', 'shape']),
      n('y', 'Square', ['r']),
    ],
    consts: { ax: tf.scalar(1, 'int32'), shape: i32([2, 12]) },
  },
  {
    what: 'Pad then Square',
    shape: [2, 3, 4],
    nodes: [n('p', 'Pad', ['x', 'pads']), n('y', 'Square', ['p'])],
    consts: {
      pads: tf.tensor2d(
        [
          [0, 0],
          [1, 2],
          [2, 0],
        ],
        [3, 2],
        'int32',
      ),
    },
  },
  {
    what: 'PadV2 (constant 1.5) then Square',
    shape: [2, 3, 4],
    nodes: [n('p', 'PadV2', ['x', 'pads', 'c']), n('y', 'Square', ['p'])],
    consts: {
      pads: tf.tensor2d(
        [
          [0, 0],
          [1, 0],
          [0, 1],
        ],
        [3, 2],
        'int32',
      ),
      c: tf.scalar(1.5),
    },
  },
  // tfjs 4.22's cpu MirrorPad gradient disagrees with central differences for SYMMETRIC (rel. error 1.0): FD oracle.
  {
    what: 'MirrorPad SYMMETRIC then Square',
    shape: [2, 3, 4, 1],
    nodes: [n('p', 'MirrorPad', ['x', 'pads'], { mode: attr.s('SYMMETRIC') }), n('y', 'Square', ['p'])],
    consts: {
      pads: tf.tensor2d(
        [
          [0, 0],
          [2, 1],
          [1, 3],
          [0, 0],
        ],
        [4, 2],
        'int32',
      ),
    },
    oracle: 'fd',
    tol: TOL.fdRel,
  },
  {
    what: 'Slice then Square',
    shape: [3, 4, 5],
    nodes: [n('s', 'Slice', ['x', 'b', 'sz'], { Index: attr.type('DT_INT32') }), n('y', 'Square', ['s'])],
    consts: { b: i32([1, 0, 2]), sz: i32([2, -1, 2]) },
  },
  {
    what: 'Tile then Square',
    shape: [2, 3],
    nodes: [n('t', 'Tile', ['x', 'r']), n('y', 'Square', ['t'])],
    consts: { r: i32([2, 2]) },
  },
  {
    what: 'SplitV into [1, 3] on the last axis, parts multiplied',
    shape: [2, 3, 4],
    nodes: [
      n('sp', 'SplitV', ['x', 'sizes', 'ax'], { num_split: attr.i(2) }),
      n('m', 'Mean', ['sp:1', 'last'], keep),
      n('y', 'Mul', ['sp', 'm']),
    ],
    consts: { sizes: i32([1, 3]), ax: tf.scalar(-1, 'int32'), last: i32([-1]) },
  },
  {
    what: 'Unpack on axis 1, parts multiplied',
    shape: [2, 3, 4],
    nodes: [n('u', 'Unpack', ['x'], { num: attr.i(3), axis: attr.i(1) }), n('y', 'Mul', ['u:2', 'u:0'])],
  },
  {
    what: 'StridedSlice with ellipsis and new-axis masks',
    shape: [2, 4, 6],
    nodes: [
      n('s', 'StridedSlice', ['x', 'b', 'e', 'st'], {
        begin_mask: attr.i(0),
        end_mask: attr.i(0),
        ellipsis_mask: attr.i(1),
        new_axis_mask: attr.i(2),
        shrink_axis_mask: attr.i(0),
        Index: attr.type('DT_INT32'),
      }),
      n('y', 'Square', ['s']),
    ],
    consts: { b: i32([0, 0, 1]), e: i32([0, 0, 6]), st: i32([1, 1, 2]) },
    oracle: 'fd',
    tol: TOL.fdRel,
  },
];

oracleSuite('converted-graph blocks and listed op rules', cases, TEST_BACKENDS, 1e-4);
