/**
 * The max-pool tangent kernel (cpu and wasm: one loop over the tensors' memory) against the op
 * chain it replaced there and that other backends still run (`maxPoolTangentOps`): equal, for
 * 2×2 (the unrolled path), 3×3 and overlapping windows, every padding, k = 3, ties planted; the
 * kernel is what maxPoolTangent runs on these backends (no ArgMax/Transpose/OneHot in its profile).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { MAX_POOL_TANGENT_KERNEL, maxPoolTangent, maxPoolTangentOps } from '../../src/jvp/maxPoolTangent';
import { setTestBackend, TEST_BACKENDS } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';

type Pad = 'same' | 'valid' | number;
const CASES: Array<{
  filter: [number, number];
  strides: [number, number];
  pad: Pad;
  shape: [number, number, number, number];
}> = [
  { filter: [2, 2], strides: [2, 2], pad: 'valid', shape: [3, 8, 10, 5] },
  { filter: [2, 2], strides: [2, 2], pad: 'same', shape: [2, 9, 7, 4] },
  { filter: [3, 3], strides: [2, 2], pad: 'same', shape: [2, 12, 12, 6] }, // ResNet's stem pool
  { filter: [3, 3], strides: [3, 3], pad: 'valid', shape: [2, 9, 10, 3] },
  { filter: [2, 3], strides: [1, 2], pad: 1, shape: [2, 6, 7, 3] },
];

for (const backend of TEST_BACKENDS) {
  describe(`max-pool tangent kernel vs the op chain (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('is registered here, and maxPoolTangent runs it instead of the op chain', async () => {
      assert.ok(tf.getKernel(MAX_POOL_TANGENT_KERNEL, backend), `${MAX_POOL_TANGENT_KERNEL} registered for ${backend}`);
      const x = tf.randomUniform([2, 8, 8, 4], -1, 1, 'float32', 1) as tf.Tensor4D;
      const v = tf.randomUniform([4, 8, 8, 4], -1, 1, 'float32', 2) as tf.Tensor4D;
      const p = await tf.profile(() => maxPoolTangent(x, v, 2, [2, 2], [2, 2], 'valid').dispose());
      const names = p.kernels.map((k) => k.name);
      assert.ok(names.includes(MAX_POOL_TANGENT_KERNEL), names.join(', '));
      for (const n of ['ArgMax', 'Transpose', 'OneHot']) assert.ok(!names.includes(n), `${n} in ${names.join(', ')}`);
      tf.dispose([x, v]);
    });

    for (const { filter, strides, pad, shape } of CASES) {
      it(`${filter.join('×')} stride ${strides.join('×')} pad ${pad}, k = 3: equal to the op chain, no leak`, async () => {
        const n = shape.reduce((a, b) => a * b);
        // Half the entries on a 3-level grid (ties, including ReLU-like zeros), half continuous.
        const xs = Array.from({ length: n }, (_, i) => (i % 2 ? Math.max(0, ((i * 7919) % 3) - 1) : Math.sin(i * 1.7)));
        const x = tf.tensor4d(xs, shape);
        const v = tf.randomUniform([3 * shape[0], shape[1], shape[2], shape[3]], -2, 2, 'float32', 7) as tf.Tensor4D;
        await expectNoLeak(() => maxPoolTangent(x, v, 3, filter, strides, pad), 'maxPoolTangent');
        const a = maxPoolTangent(x, v, 3, filter, strides, pad);
        const b = maxPoolTangentOps(x, v, 3, filter, strides, pad);
        assert.deepEqual(a.shape, b.shape);
        assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
        tf.dispose([x, v, a, b]);
      });
    }

    // The loop is branch-free (offsets moved by 0/1 arithmetic): NaN and ±∞ must still follow the
    // documented rule, checked against a plain per-window scan of it.
    for (const { filter, strides, pad, shape } of CASES) {
      it(`${filter.join('×')} stride ${strides.join('×')} pad ${pad}: NaN never wins, a NaN first entry gives way to the first number, ±∞ compare as numbers`, () => {
        const n = shape.reduce((p, q) => p * q);
        const specials = [NaN, Infinity, -Infinity, 0];
        const xs = Float32Array.from({ length: n }, (_, i) =>
          i % 5 === 0 ? specials[(i / 5) % 4] : i % 3 === 0 ? NaN : Math.cos(i * 0.37),
        );
        const x = tf.tensor4d(xs, shape);
        const v = tf.tensor4d(
          Float32Array.from({ length: n }, (_, i) => i + 1),
          shape,
        );
        const got = maxPoolTangent(x, v, 1, filter, strides, pad);
        const [B, H, W, C] = shape;
        const [, Ho, Wo] = got.shape;
        const [fh, fw] = filter;
        const [sh, sw] = strides;
        const top = pad === 'same' ? Math.floor(Math.max((Ho - 1) * sh + fh - H, 0) / 2) : pad === 'valid' ? 0 : pad;
        const left = pad === 'same' ? Math.floor(Math.max((Wo - 1) * sw + fw - W, 0) / 2) : pad === 'valid' ? 0 : pad;
        const want: number[] = [];
        for (let b = 0; b < B; b++)
          for (let i = 0; i < Ho; i++)
            for (let j = 0; j < Wo; j++)
              for (let c = 0; c < C; c++) {
                let best = -1;
                for (let r = i * sh - top; r < i * sh - top + fh; r++)
                  for (let q = j * sw - left; q < j * sw - left + fw; q++) {
                    if (r < 0 || r >= H || q < 0 || q >= W) continue;
                    const at = ((b * H + r) * W + q) * C + c;
                    if (best < 0 || xs[at] > xs[best] || (Number.isNaN(xs[best]) && !Number.isNaN(xs[at]))) best = at;
                  }
                want.push(best < 0 ? 0 : best + 1);
              }
        assert.deepEqual(Array.from(got.dataSync()), want);
        tf.dispose([x, v, got]);
      });
    }
  });
}
