import * as tf from '@tensorflow/tfjs';
import { TEST_BACKENDS } from '../../../helpers/backends';
import { attr, seededNormal } from '../../../helpers/opGraph';
import { oracleSuite, type OracleCase } from '../../../helpers/reverseOracle';
import { TOL } from '../../../helpers/tolerances';

// Linear ops: J v is the op applied to v, exact up to float32 round-off (≈ 1e-6 rel.) against tf.grad
// on cpu; tol 1e-4. DepthToSpace and GatherNd have no tfjs gradient, and tfjs 4.22's Cumsum gradient
// has the wrong shape off the last axis ([2, 3, 4] for x [2, 4, 3]): central differences on cpu,
// exact for a linear map up to round-off ≈ 1e-5 at h = 1e-2; tol 1e-3.
const i32 = (v: number[]) => tf.tensor1d(v, 'int32');
const FD = { oracle: 'fd' as const, tol: TOL.fdRel };

const cases: OracleCase[] = [
  {
    what: 'IdentityN passes x and Square(x) (output 1)',
    shape: [2, 3],
    nodes: [
      { name: 'sq', op: 'Square', input: ['x'] },
      { name: 'y', op: 'IdentityN', input: ['x', 'sq'], attr: { T: { list: { type: ['DT_FLOAT', 'DT_FLOAT'] } } } },
    ],
    outputNode: 'y:1',
  },
  {
    what: 'Print (passes x; prints nothing)',
    shape: [2, 3],
    nodes: [{ name: 'y', op: 'Print', input: ['x', 'x'], attr: { message: attr.s('m'), summarize: attr.i(3) } }],
  },
  { what: 'Snapshot', shape: [2, 3], nodes: [{ name: 'y', op: 'Snapshot', input: ['x'] }] },
  {
    what: 'EnsureShape',
    shape: [2, 3],
    nodes: [{ name: 'y', op: 'EnsureShape', input: ['x', 's'] }],
    consts: { s: i32([2, 3]) },
  },
  {
    what: 'DepthToSpace block 2',
    shape: [2, 2, 3, 8],
    nodes: [
      { name: 'y', op: 'DepthToSpace', input: ['x'], attr: { block_size: attr.i(2), data_format: attr.s('NHWC') } },
    ],
    ...FD,
  },
  {
    what: 'SpaceToBatchND → Conv2D → BatchToSpaceND (how converted graphs write a dilated convolution)',
    shape: [2, 6, 6, 2],
    nodes: [
      { name: 's2b', op: 'SpaceToBatchND', input: ['x', 'block', 'pads'] },
      {
        name: 'conv',
        op: 'Conv2D',
        input: ['s2b', 'w'],
        attr: {
          strides: attr.ints([1, 1, 1, 1]),
          padding: attr.s('VALID'),
          dilations: attr.ints([1, 1, 1, 1]),
          data_format: attr.s('NHWC'),
        },
      },
      { name: 'y', op: 'BatchToSpaceND', input: ['conv', 'block', 'crops'] },
    ],
    consts: {
      block: i32([2, 2]),
      pads: tf.tensor2d(
        [
          [2, 2],
          [2, 2],
        ],
        [2, 2],
        'int32',
      ),
      crops: tf.tensor2d(
        [
          [0, 0],
          [0, 0],
        ],
        [2, 2],
        'int32',
      ),
      w: seededNormal([3, 3, 2, 3], 3),
    },
  },
  {
    what: 'ReverseV2 on axes 0 and 2 (incl. the batch axis)',
    shape: [2, 3, 4],
    nodes: [{ name: 'y', op: 'ReverseV2', input: ['x', 'a'] }],
    consts: { a: i32([0, 2]) },
  },
  {
    what: 'BroadcastTo [2, 2, 3]',
    shape: [2, 1, 3],
    nodes: [{ name: 'y', op: 'BroadcastTo', input: ['x', 's'] }],
    consts: { s: i32([2, 2, 3]) },
  },
  {
    what: 'Cumsum on axis 1, exclusive, reversed',
    shape: [2, 4, 3],
    nodes: [{ name: 'y', op: 'Cumsum', input: ['x', 'a'], attr: { exclusive: attr.b(true), reverse: attr.b(true) } }],
    consts: { a: tf.scalar(1, 'int32') },
    ...FD,
  },
  {
    what: 'Cumsum on the batch axis',
    shape: [3, 2],
    nodes: [{ name: 'y', op: 'Cumsum', input: ['x', 'a'], attr: { exclusive: attr.b(false), reverse: attr.b(false) } }],
    consts: { a: tf.scalar(0, 'int32') },
    ...FD,
  },
  {
    what: 'GatherNd with indices into batch and rows',
    shape: [2, 3, 4],
    nodes: [{ name: 'y', op: 'GatherNd', input: ['x', 'i'] }],
    consts: {
      i: tf.tensor2d(
        [
          [1, 2],
          [0, 0],
          [1, 0],
        ],
        [3, 2],
        'int32',
      ),
    },
    ...FD,
  },
  {
    what: 'Conv2DBackpropInput (transposed conv, stride 2, SAME)',
    shape: [2, 3, 3, 2],
    nodes: [
      {
        name: 'y',
        op: 'Conv2DBackpropInput',
        input: ['os', 'w', 'x'],
        attr: {
          strides: attr.ints([1, 2, 2, 1]),
          padding: attr.s('SAME'),
          data_format: attr.s('NHWC'),
          dilations: attr.ints([1, 1, 1, 1]),
        },
      },
    ],
    consts: { os: i32([2, 6, 6, 4]), w: seededNormal([3, 3, 4, 2], 4) },
  },
  {
    what: 'LRN (radius 2) then Square',
    shape: [2, 2, 3, 6],
    nodes: [
      {
        name: 'l',
        op: 'LRN',
        input: ['x'],
        attr: { depth_radius: attr.i(2), bias: attr.f(1.5), alpha: attr.f(0.3), beta: attr.f(0.75) },
      },
      { name: 'y', op: 'Square', input: ['l'] },
    ],
  },
  {
    what: 'EuclideanNorm over axes 1, 2 (keep dims)',
    shape: [2, 3, 4],
    nodes: [{ name: 'y', op: 'EuclideanNorm', input: ['x', 'a'], attr: { keep_dims: attr.b(true) } }],
    consts: { a: i32([1, 2]) },
  },
  {
    what: 'EuclideanNorm over the last axis',
    shape: [2, 3, 4],
    nodes: [{ name: 'y', op: 'EuclideanNorm', input: ['x', 'a'], attr: { keep_dims: attr.b(false) } }],
    consts: { a: i32([-1]) },
  },
];

oracleSuite('structural, pass-through and normalization op rules', cases, TEST_BACKENDS, 1e-4);
