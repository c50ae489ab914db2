/**
 * The conformance oracle's AvgPool gradient (scripts/conformance/oracleGradients.ts,
 * ensureAvgPoolGradient): tfjs 4.22's forward averages each padded window over its elements inside
 * the image, but its AvgPoolGrad kernel divides by the full window size, so `tf.grad` through a
 * 'same' average pool (every InceptionV3 block) was wrong at the border — the oracle then disagreed
 * with a correct `lee` on nsfwjs-inception_v3. Checked against the adjoint written out in float64:
 * dx_i = Σ_{windows o ∋ i} dy_o / count_o.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { ensureOracleGradients } from '../../scripts/conformance/oracleGradients';
import { expectNoLeak } from '../helpers/noLeak';
import { relErrorL2 } from '../helpers/reference';
import { TOL } from '../helpers/tolerances';

/** The VJP of avgPool (padding excluded from the count) for x [1, H, W, C], by loops in float64. */
function adjoint(
  dy: Float32Array,
  [H, W, C]: [number, number, number],
  f: number,
  s: number,
  pad: 'same' | 'valid',
): { dx: Float64Array; oh: number; ow: number } {
  const oh = pad === 'same' ? Math.ceil(H / s) : Math.floor((H - f) / s) + 1;
  const ow = pad === 'same' ? Math.ceil(W / s) : Math.floor((W - f) / s) + 1;
  // TF's SAME padding: total max((o − 1)·s + f − n, 0), the smaller half before.
  const top = pad === 'same' ? Math.floor(Math.max((oh - 1) * s + f - H, 0) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max((ow - 1) * s + f - W, 0) / 2) : 0;
  const dx = new Float64Array(H * W * C);
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++) {
      const cells: number[] = [];
      for (let a = 0; a < f; a++)
        for (let b = 0; b < f; b++) {
          const r = i * s - top + a;
          const q = j * s - left + b;
          if (r >= 0 && r < H && q >= 0 && q < W) cells.push(r * W + q);
        }
      for (let c = 0; c < C; c++) for (const p of cells) dx[p * C + c] += dy[(i * ow + j) * C + c] / cells.length;
    }
  return { dx, oh, ow };
}

const CASES: Array<{ shape: [number, number, number]; f: number; s: number; pad: 'same' | 'valid' }> = [
  { shape: [6, 6, 2], f: 3, s: 1, pad: 'same' },
  { shape: [7, 5, 3], f: 3, s: 2, pad: 'same' },
  { shape: [8, 8, 1], f: 2, s: 2, pad: 'same' },
  { shape: [7, 7, 2], f: 3, s: 2, pad: 'valid' },
];

for (const backend of ['cpu', 'wasm']) {
  describe(`oracle AvgPool gradient (${backend})`, () => {
    before(async () => {
      await useBackend(backend);
      ensureOracleGradients();
    });

    it("tfjs's own AvgPoolGrad kernel is wrong on 'same' windows (why the oracle replaces it)", () => {
      const [H, W, C] = [6, 6, 2];
      const x = tf.zeros([1, H, W, C]);
      const dy = tf.ones([1, H, W, C]);
      const raw = (
        tf.engine().runKernel('AvgPoolGrad', { dy, input: x }, { filterSize: 3, strides: 1, pad: 'same' }) as tf.Tensor
      ).dataSync();
      const want = adjoint(dy.dataSync() as Float32Array, [H, W, C], 3, 1, 'same').dx;
      assert.ok(
        relErrorL2(raw, want) > TOL.mustDiffer,
        'tfjs AvgPoolGrad now matches the adjoint: the oracle fix may go',
      );
      tf.dispose([x, dy]);
    });

    for (const { shape, f, s, pad } of CASES) {
      it(`tf.grad of avgPool ${f}×${f}/${s} '${pad}' on ${shape.join('×')} is the adjoint`, async () => {
        const x = tf.randomUniform([1, ...shape], -1, 1, 'float32', 3) as tf.Tensor4D;
        const y0 = tf.avgPool(x, f, s, pad);
        const u = tf.randomNormal(y0.shape, 0, 1, 'float32', 4);
        const grad = await expectNoLeak(
          () =>
            tf.tidy(() =>
              tf
                .grad((z: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(z as tf.Tensor4D, f, s, pad), u)))(x)
                .dataSync(),
            ),
          'AvgPool gradient',
        );
        const { dx, oh, ow } = adjoint(u.dataSync() as Float32Array, shape, f, s, pad);
        assert.deepEqual(y0.shape.slice(1, 3), [oh, ow]);
        const e = relErrorL2(grad, dx);
        assert.ok(e < TOL.jvpVsOracle, `rel. error ${e} against the adjoint`);
        tf.dispose([x, y0, u]);
      });
    }
  });
}
