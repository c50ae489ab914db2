import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { attr, tinyGraph } from '../../../helpers/opGraph';
import { oracleSuite, type OracleCase } from '../../../helpers/reverseOracle';
import { TOL } from '../../../helpers/tolerances';

// Resampling is linear in the image, y = R x. The oracle for the resizes is R itself, built in float64
// from TF's formulas (tensorflow/core/kernels/image/resize_bilinear_op.cc, resize_nearest_neighbor_op.cc),
// not tfjs's gradient: tfjs 4.22's ResizeBilinearGrad and ResizeNearestNeighborGrad ignore
// half_pixel_centers (cpu and wasm), and cpu's ResizeBilinearGrad returns [B, W, H, C] (it fails on
// non-square images). Round-off only (≈ 1e-6 rel.); tol 1e-5. CropAndResize and
// ImageProjectiveTransformV3 have no tfjs gradient: central differences (exact for a linear map up to
// round-off ≈ 1e-5 at h = 1e-2); tol 1e-3.
const i32 = (v: number[]) => tf.tensor1d(v, 'int32');

/** Source rows (index, weight) of each output row of one axis, TF's arithmetic. */
function axisWeights(
  nearest: boolean,
  inSize: number,
  outSize: number,
  align: boolean,
  half: boolean,
): Array<Array<[number, number]>> {
  const scale = align && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    if (nearest) {
      const src = half ? (o + 0.5) * scale : o * scale;
      let i = Math.min(align ? Math.round(src) : Math.floor(src), inSize - 1);
      if (half) i = Math.max(0, i);
      return [[i, 1]];
    }
    const src = half ? (o + 0.5) * scale - 0.5 : o * scale;
    const lo = Math.max(Math.floor(src), 0);
    const hi = Math.min(Math.ceil(src), inSize - 1);
    const lerp = src - Math.floor(src);
    return [
      [lo, 1 - lerp],
      [hi, lerp],
    ];
  });
}

/** J·v = R v per direction, for v [k·B, H, W, C] → [k·B, outH, outW, C]. */
function resizeClosedForm(nearest: boolean, shape: number[], size: number[], align: boolean, half: boolean) {
  const [B, H, W, C] = shape;
  const rows = axisWeights(nearest, H, size[0], align, half);
  const cols = axisWeights(nearest, W, size[1], align, half);
  return (_x: Float32Array, v: Float32Array, k: number) => {
    const out = new Float64Array(k * B * size[0] * size[1] * C);
    let o = 0;
    for (let b = 0; b < k * B; b++)
      for (let r = 0; r < size[0]; r++)
        for (let c = 0; c < size[1]; c++)
          for (let ch = 0; ch < C; ch++) {
            let s = 0;
            for (const [i, wi] of rows[r])
              for (const [j, wj] of cols[c]) s += wi * wj * v[((b * H + i) * W + j) * C + ch];
            out[o++] = s;
          }
    return out;
  };
}

const resize = (op: string, size: number[], align: boolean, half: boolean): OracleCase => ({
  what: `${op} to ${size.join('×')} (align_corners ${align}, half_pixel_centers ${half})`,
  shape: [2, 4, 5, 2],
  nodes: [
    { name: 'y', op, input: ['x', 'size'], attr: { align_corners: attr.b(align), half_pixel_centers: attr.b(half) } },
  ],
  consts: { size: i32(size) },
  closedForm: resizeClosedForm(op === 'ResizeNearestNeighbor', [2, 4, 5, 2], size, align, half),
});

const cases: OracleCase[] = [
  resize('ResizeBilinear', [6, 3], false, true),
  resize('ResizeBilinear', [7, 9], true, false),
  resize('ResizeBilinear', [3, 2], false, false),
  resize('ResizeNearestNeighbor', [6, 3], false, true),
  resize('ResizeNearestNeighbor', [7, 9], true, false),
  {
    what: "ResizeBilinear (square, legacy centres, where tfjs's gradient is right) then Square",
    shape: [2, 4, 4, 1],
    nodes: [
      {
        name: 'r',
        op: 'ResizeBilinear',
        input: ['x', 'size'],
        attr: { align_corners: attr.b(false), half_pixel_centers: attr.b(false) },
      },
      { name: 'y', op: 'Square', input: ['r'] },
    ],
    consts: { size: i32([6, 6]) },
  },
  {
    what: 'CropAndResize bilinear, two boxes from images 1 and 0, extrapolation 0.5',
    shape: [2, 5, 6, 2],
    nodes: [
      {
        name: 'y',
        op: 'CropAndResize',
        input: ['x', 'boxes', 'ind', 'crop'],
        attr: { method: attr.s('bilinear'), extrapolation_value: attr.f(0.5) },
      },
    ],
    consts: {
      boxes: tf.tensor2d([
        [0.1, 0.2, 0.8, 1.1],
        [-0.1, 0, 0.5, 0.6],
      ]),
      ind: i32([1, 0]),
      crop: i32([3, 4]),
    },
    oracle: 'fd',
    tol: TOL.fdRel,
  },
  {
    // Batch 1: tfjs 4.22's cpu Transform kernel returns only fill for every image after the first (wasm is
    // right), so the cpu oracle is trusted for one image; k = 2 directions still stack on the batch axis.
    what: 'ImageProjectiveTransformV3 bilinear rotation, constant fill 0.3',
    shape: [1, 5, 5, 1],
    nodes: [
      {
        name: 'y',
        op: 'ImageProjectiveTransformV3',
        input: ['x', 't', 'os', 'fill'],
        attr: { interpolation: attr.s('BILINEAR'), fill_mode: attr.s('CONSTANT'), dtype: attr.type() },
      },
    ],
    consts: { t: tf.tensor2d([[0.96, -0.28, 0.9, 0.28, 0.96, -0.5, 0, 0]]), os: i32([5, 5]), fill: tf.scalar(0.3) },
    oracle: 'fd',
    tol: TOL.fdRel,
  },
];

oracleSuite('image resampling op rules', cases, TEST_BACKENDS, 1e-5);

for (const backend of TEST_BACKENDS) {
  describe(`ResizeBilinear rule, hand-checked (${backend})`, () => {
    before(() => setTestBackend(backend));
    it('upsampling [a, b] to 4 columns with half-pixel centres gives the tangent the same weights as the image', async () => {
      // 1×1×2×1 image [0, 1] → width 4, half-pixel centres: sample points 0.25·2−0.5 … → [0, 0.25, 0.75, 1].
      // The op is linear, so tangent [10, 20] → [10, 12.5, 17.5, 20], and direction 2 (tangent [1, 1]) → constant 1.
      const m = await tinyGraph(
        [-1, 1, 2, 1],
        [
          {
            name: 'y',
            op: 'ResizeBilinear',
            input: ['x', 'size'],
            attr: { align_corners: attr.b(false), half_pixel_centers: attr.b(true) },
          },
        ],
        { size: i32([1, 4]) },
      );
      const x = tf.tensor4d([0, 1], [1, 1, 2, 1]);
      const v = tf.tensor4d([10, 20, 1, 1], [2, 1, 2, 1]);
      const { primal, tangent } = jvpGraphModel(m, x, v, { k: 2 });
      assert.deepEqual(Array.from(primal.dataSync()), [0, 0.25, 0.75, 1]);
      assert.deepEqual(Array.from(tangent.dataSync()), [10, 12.5, 17.5, 20, 1, 1, 1, 1]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });
  });
}

for (const backend of TEST_BACKENDS) {
  describe(`tfjs 4.22's resize gradients (${backend}): why methodSupport refuses double-vjp on them`, () => {
    before(() => setTestBackend(backend));
    it('fail the adjoint identity ⟨R v, u⟩ = ⟨v, Rᵀ u⟩ with half-pixel centres and pass it with legacy centres (if this fails, tfjs fixed them: revisit KNOWN_WRONG)', () => {
      for (const op of ['bilinear', 'nearest'] as const) {
        for (const half of [true, false]) {
          const [lhs, rhs] = tf.tidy(() => {
            const resize = (t: tf.Tensor) =>
              op === 'bilinear'
                ? tf.image.resizeBilinear(t as tf.Tensor4D, [6, 6], false, half)
                : tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [6, 6], false, half);
            const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 1);
            const u = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 2);
            const v = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 3);
            const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(resize(xx), u)))(x);
            return [tf.sum(tf.mul(resize(v), u)).dataSync()[0], tf.sum(tf.mul(g, v)).dataSync()[0]];
          });
          const rel = Math.abs(lhs - rhs) / Math.abs(lhs);
          if (half) assert.ok(rel > TOL.mustDiffer, `${op} half-pixel: tfjs's gradient is now adjoint (rel. ${rel})`);
          else assert.ok(rel < TOL.float32Reordered, `${op} legacy: rel. ${rel}`);
        }
      }
    });
  });
}
