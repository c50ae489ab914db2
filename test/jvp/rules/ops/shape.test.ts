import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { assertGraphJvp, attr, tinyGraph, type TinyNode } from '../../../helpers/opGraph';
import { TOL } from '../../../helpers/tolerances';

// Structural ops are linear and move values without arithmetic: FD with h = 1e-2 is exact up to
// float32 round-off of x ± h·v (≈ 1e-5 rel.); tol 1e-3. k = 3 so any mix-up of directions shows.
const LINEAR = { k: 3, h: TOL.fdStepLinear, tol: TOL.fdRel };
const i32 = (v: number[]) => tf.tensor1d(v, 'int32');

const cases: Array<{ what: string; shape: number[]; nodes: TinyNode[]; consts?: Record<string, tf.Tensor> }> = [
  {
    what: 'Reshape to [B, −1] with B read from Shape(x) (batch-dependent shape argument)',
    shape: [2, 3, 4],
    nodes: [
      { name: 'shp', op: 'Shape', input: ['x'], attr: { out_type: attr.type('DT_INT32') } },
      {
        name: 'b',
        op: 'StridedSlice',
        input: ['shp', 'b0', 'b1', 'b1'],
        attr: { shrink_axis_mask: attr.i(1), T: attr.type('DT_INT32'), Index: attr.type('DT_INT32') },
      },
      {
        name: 'newShape',
        op: 'Pack',
        input: ['b', 'minusOne'],
        attr: { N: attr.i(2), axis: attr.i(0), T: attr.type('DT_INT32') },
      },
      { name: 'y', op: 'Reshape', input: ['x', 'newShape'] },
    ],
    consts: { b0: i32([0]), b1: i32([1]), minusOne: tf.scalar(-1, 'int32') },
  },
  {
    what: 'Reshape to [−1] (mixes batch and features)',
    shape: [2, 3, 4],
    nodes: [{ name: 'y', op: 'Reshape', input: ['x', 's'] }],
    consts: { s: i32([-1]) },
  },
  {
    what: 'Squeeze',
    shape: [2, 1, 4, 1],
    nodes: [{ name: 'y', op: 'Squeeze', input: ['x'], attr: { squeeze_dims: attr.ints([1, 3]) } }],
  },
  {
    what: 'ExpandDims',
    shape: [2, 3],
    nodes: [{ name: 'y', op: 'ExpandDims', input: ['x', 'a'] }],
    consts: { a: tf.scalar(1, 'int32') },
  },
  { what: 'Identity', shape: [2, 3], nodes: [{ name: 'y', op: 'Identity', input: ['x'] }] },
  {
    what: 'Cast float32 → float32',
    shape: [2, 3],
    nodes: [
      { name: 'y', op: 'Cast', input: ['x'], attr: { DstT: attr.type('DT_FLOAT'), SrcT: attr.type('DT_FLOAT') } },
    ],
  },
  {
    what: 'Transpose moving the batch axis',
    shape: [2, 3, 4],
    nodes: [{ name: 'y', op: 'Transpose', input: ['x', 'p'] }],
    consts: { p: i32([2, 0, 1]) },
  },
  {
    what: 'Pad (incl. the batch axis)',
    shape: [2, 3, 4],
    nodes: [{ name: 'y', op: 'Pad', input: ['x', 'p'] }],
    consts: {
      p: tf.tensor2d(
        [
          [1, 0],
          [0, 2],
          [1, 1],
        ],
        [3, 2],
        'int32',
      ),
    },
  },
  {
    what: 'PadV2 with constant 7 (no tangent from the constant)',
    shape: [2, 3, 4],
    nodes: [{ name: 'y', op: 'PadV2', input: ['x', 'p', 'c'] }],
    consts: {
      p: tf.tensor2d(
        [
          [0, 0],
          [2, 1],
          [0, 3],
        ],
        [3, 2],
        'int32',
      ),
      c: tf.scalar(7),
    },
  },
  {
    what: 'MirrorPad REFLECT',
    shape: [2, 4, 5, 3],
    nodes: [{ name: 'y', op: 'MirrorPad', input: ['x', 'p'], attr: { mode: attr.s('REFLECT') } }],
    consts: {
      p: tf.tensor2d(
        [
          [0, 0],
          [1, 2],
          [2, 1],
          [0, 0],
        ],
        [4, 2],
        'int32',
      ),
    },
  },
  {
    what: 'ConcatV2 of x, a constant and Square(x) on the last axis',
    shape: [2, 3],
    nodes: [
      { name: 'sq', op: 'Square', input: ['x'] },
      { name: 'z', op: 'Mul', input: ['x', 'zero'] },
      { name: 'cz', op: 'AddV2', input: ['z', 'c'] },
      { name: 'y', op: 'ConcatV2', input: ['x', 'cz', 'sq', 'axis'], attr: { N: attr.i(3) } },
    ],
    consts: { zero: tf.scalar(0), c: tf.tensor1d([1, 2, 3]), axis: tf.scalar(-1, 'int32') },
  },
  {
    what: 'ConcatV2 on the batch axis',
    shape: [2, 3],
    nodes: [
      { name: 'sq', op: 'Square', input: ['x'] },
      { name: 'y', op: 'ConcatV2', input: ['x', 'sq', 'axis'], attr: { N: attr.i(2) } },
    ],
    consts: { axis: tf.scalar(0, 'int32') },
  },
  {
    what: 'Pack on axis 1',
    shape: [2, 3],
    nodes: [
      { name: 'sq', op: 'Square', input: ['x'] },
      { name: 'y', op: 'Pack', input: ['x', 'sq'], attr: { N: attr.i(2), axis: attr.i(1) } },
    ],
  },
  {
    what: 'StridedSlice with begin/end/shrink masks and negative stride',
    shape: [2, 5, 6],
    nodes: [
      {
        name: 'y',
        op: 'StridedSlice',
        input: ['x', 'b', 'e', 's'],
        attr: { begin_mask: attr.i(1), end_mask: attr.i(1), shrink_axis_mask: attr.i(2), Index: attr.type('DT_INT32') },
      },
    ],
    consts: { b: i32([0, 1, 5]), e: i32([0, 2, 0]), s: i32([1, 1, -2]) },
  },
  {
    what: 'Slice',
    shape: [3, 4, 5],
    nodes: [{ name: 'y', op: 'Slice', input: ['x', 'b', 's'], attr: { Index: attr.type('DT_INT32') } }],
    consts: { b: i32([1, 0, 2]), s: i32([2, -1, 2]) },
  },
  {
    what: 'Tile (incl. the batch axis)',
    shape: [2, 3],
    nodes: [{ name: 'y', op: 'Tile', input: ['x', 'r'] }],
    consts: { r: i32([2, 3]) },
  },
  {
    what: 'GatherV2 on axis 1',
    shape: [2, 5],
    nodes: [
      {
        name: 'y',
        op: 'GatherV2',
        input: ['x', 'i', 'a'],
        attr: { batch_dims: attr.i(0), Tindices: attr.type('DT_INT32') },
      },
    ],
    consts: { i: i32([4, 0, 0, 2]), a: tf.scalar(1, 'int32') },
  },
];

for (const backend of TEST_BACKENDS) {
  describe(`structural op rules (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('hand-checked: Transpose with perm [1, 0] of a 2×2 batch sends ẋ[b][j] to ẏ[j][b]', async () => {
      // x = [[1, 2], [3, 4]], ẋ = [[10, 20], [30, 40]] → ẏ = ẋᵀ = [[10, 30], [20, 40]].
      const m = await tinyGraph([-1, 2], [{ name: 'y', op: 'Transpose', input: ['x', 'p'] }], { p: i32([1, 0]) });
      const x = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      const v = tf.tensor2d([
        [10, 20],
        [30, 40],
      ]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual(Array.from(tangent.dataSync()), [10, 30, 20, 40]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    for (const c of cases) {
      it(`${c.what} matches central differences, k = 3`, async () => {
        const m = await tinyGraph([-1, ...c.shape.slice(1)], c.nodes, c.consts ?? {});
        assertGraphJvp(m, c.shape, { ...LINEAR, what: c.what });
        m.dispose();
      });
    }

    it('Split and Unpack give each output its own tangent', async () => {
      for (const nodes of [
        [
          { name: 'sp', op: 'Split', input: ['a', 'x'], attr: { num_split: attr.i(2) } },
          { name: 'y', op: 'Sub', input: ['sp:1', 'sq'] },
          { name: 'sq', op: 'Square', input: ['sp'] },
        ],
        [
          { name: 'up', op: 'Unpack', input: ['x'], attr: { num: attr.i(3), axis: attr.i(1) } },
          { name: 'y', op: 'Mul', input: ['up:2', 'up:0'] },
        ],
      ] as TinyNode[][]) {
        const m = await tinyGraph([-1, 3, 4], nodes, { a: tf.scalar(-1, 'int32') });
        assertGraphJvp(m, [2, 3, 4], { ...LINEAR, outputNode: 'y', what: nodes[0].op });
        m.dispose();
      }
    });
  });
}
