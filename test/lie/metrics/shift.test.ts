import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { shiftImages } from '../../../src/lie/metrics/shift';
import { setTestBackend } from '../../helpers/backends';
import { expectNoLeak } from '../../helpers/noLeak';

describe('shiftImages', () => {
  before(() => setTestBackend('cpu'));
  // x[b, i, j, c] = 100 i + j: every pixel names its own position.
  const H = 4;
  const W = 5;
  const grid = () =>
    tf.tensor4d(
      Float32Array.from({ length: H * W }, (_, p) => 100 * Math.floor(p / W) + (p % W)),
      [1, H, W, 1],
    );

  it('circular: out[i, j] = x[(i − dy) mod H, (j − dx) mod W] (numpy.roll)', async () => {
    const x = grid();
    for (const [dx, dy] of [
      [1, 0],
      [-2, 1],
      [0, -3],
      [4, 3],
    ]) {
      await expectNoLeak(() => shiftImages(x, dx, dy, 'circular'), 'shiftImages'); // returns one tensor, keeps nothing else
      const y = shiftImages(x, dx, dy, 'circular');
      const v = y.dataSync();
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) {
          const si = (((i - dy) % H) + H) % H;
          const sj = (((j - dx) % W) + W) % W;
          assert.equal(v[i * W + j], 100 * si + sj, `(${dx}, ${dy}) at (${i}, ${j})`);
        }
      y.dispose();
    }
    x.dispose();
  });

  it('crop: content moves the same way, zeros enter, shifted-out pixels are gone', () => {
    const x = tf.add(grid(), 1) as tf.Tensor4D; // +1 so that zero means "came from outside"
    const y = shiftImages(x, 2, -1, 'crop');
    const v = y.dataSync();
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) {
        const si = i + 1;
        const sj = j - 2;
        const want = si < H && sj >= 0 ? 100 * si + sj + 1 : 0;
        assert.equal(v[i * W + j], want, `at (${i}, ${j})`);
      }
    tf.dispose([x, y]);
  });

  it('rejects fractional or too large shifts with a message saying what to use', () => {
    const x = grid();
    assert.throws(() => shiftImages(x, 0.5, 0), /integer pixels.*applyGroup/);
    assert.throws(() => shiftImages(x, 5, 0), /smaller than the image \(5×4\)/);
    x.dispose();
  });
});
