/**
 * maxPoolTangent against a brute-force reference written from the definition (each output's
 * tangent is the input tangent at its window's first maximum in row-major order; padded entries
 * never win), for non-overlapping (2×2: the average-pool path; 3×3: the sink path) and overlapping windows (the
 * one-hot depthwise path), 'same'/'valid'/explicit padding, k = 2, with ties planted on purpose.
 * Exact: the tangent is only copied (products by 1 and 0, sums with exact zeros), so equality.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { maxPoolTangent } from '../../src/jvp/maxPoolTangent';
import { setTestBackend, TEST_BACKENDS } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';

type Pad = 'same' | 'valid' | number;

function reference(
  x: number[],
  v: number[],
  k: number,
  [B, H, W, C]: number[],
  [fh, fw]: number[],
  [sh, sw]: number[],
  pad: Pad,
): number[] {
  let Ho: number, Wo: number, top: number, left: number;
  if (pad === 'same') {
    Ho = Math.ceil(H / sh);
    Wo = Math.ceil(W / sw);
    top = Math.floor(Math.max((Ho - 1) * sh + fh - H, 0) / 2);
    left = Math.floor(Math.max((Wo - 1) * sw + fw - W, 0) / 2);
  } else {
    const p = pad === 'valid' ? 0 : pad;
    Ho = Math.floor((H + 2 * p - fh) / sh) + 1;
    Wo = Math.floor((W + 2 * p - fw) / sw) + 1;
    top = left = p;
  }
  const out: number[] = [];
  for (let d = 0; d < k; d++)
    for (let b = 0; b < B; b++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++)
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let at = -1;
            for (let di = 0; di < fh; di++)
              for (let dj = 0; dj < fw; dj++) {
                const r = i * sh + di - top;
                const q = j * sw + dj - left;
                if (r < 0 || r >= H || q < 0 || q >= W) continue;
                const idx = ((b * H + r) * W + q) * C + c;
                if (x[idx] > best) {
                  best = x[idx];
                  at = idx;
                }
              }
            out.push(v[d * B * H * W * C + at]);
          }
  return out;
}

const CASES: Array<{ filter: [number, number]; strides: [number, number]; pad: Pad }> = [
  { filter: [2, 2], strides: [2, 2], pad: 'valid' },
  { filter: [2, 2], strides: [2, 2], pad: 'same' }, // 7 rows: a padded last window row
  { filter: [3, 3], strides: [3, 3], pad: 'same' }, // non-overlapping, not a power of two: the sink path
  { filter: [3, 2], strides: [3, 2], pad: 'valid' }, // 7 rows: one row in no window
  { filter: [3, 3], strides: [2, 2], pad: 'same' },
  { filter: [3, 3], strides: [1, 1], pad: 'same' },
  { filter: [3, 3], strides: [2, 2], pad: 'valid' },
  { filter: [3, 2], strides: [2, 1], pad: 1 },
];

for (const backend of TEST_BACKENDS) {
  describe(`maxPoolTangent vs brute force (${backend})`, () => {
    before(() => setTestBackend(backend));

    for (const { filter, strides, pad } of CASES) {
      it(`${filter.join('×')} stride ${strides.join('×')} pad ${pad}, ties included, k = 2`, async () => {
        const shape = [2, 7, 6, 3];
        const n = shape.reduce((a, b) => a * b);
        // Values on a coarse grid of 5 levels (many ties, negatives included); tangents all distinct.
        const xs = Array.from({ length: n }, (_, i) => ((i * 7919) % 5) - 2);
        const vs = Array.from({ length: 2 * n }, (_, i) => i + 1);
        const x = tf.tensor4d(xs, shape as [number, number, number, number]);
        const v = tf.tensor4d(vs, [4, 7, 6, 3]);
        const got = await expectNoLeak(() => maxPoolTangent(x, v, 2, filter, strides, pad), 'maxPoolTangent');
        void got;
        const t = maxPoolTangent(x, v, 2, filter, strides, pad);
        assert.deepEqual(Array.from(t.dataSync()), reference(xs, vs, 2, shape, filter, strides, pad));
        tf.dispose([x, v, t]);
      });
    }
  });
}
