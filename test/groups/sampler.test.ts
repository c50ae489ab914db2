import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { TEST_BACKENDS, setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';
import { normalizedCoord, reflectIndex, sampleAffine } from '../../src/groups';

describe('reflectIndex and normalizedCoord', () => {
  it('reflects about the border pixel centres: −1 → 1, W → W−2, periodic beyond', () => {
    assert.deepEqual(
      [-3, -2, -1, 0, 4, 5, 6, 7, 8, 9].map((k) => reflectIndex(k, 5)),
      [3, 2, 1, 0, 4, 3, 2, 1, 0, 1],
    );
    assert.deepEqual(
      [-1, 0, 1, 7].map((k) => reflectIndex(k, 1)),
      [0, 0, 0, 0],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((k) => normalizedCoord(k, 5)),
      [-1, -0.5, 0, 0.5, 1],
    );
    assert.equal(normalizedCoord(0, 1), 0);
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`sampleAffine (${backend})`, () => {
    before(() => setTestBackend(backend));
    const ID = [
      [1, 0, 0],
      [0, 1, 0],
    ];

    it('identity returns the input bit for bit', () => {
      const x = tf.randomUniform([2, 7, 9, 4]) as tf.Tensor4D;
      assert.deepEqual(sampleAffine(x, [ID]).dataSync(), x.dataSync());
    });

    it('a one-pixel shift (t = 2/(W−1)) moves columns by one, reflecting at the right border', () => {
      // hand-checked: out[j] = in[j+1]; out[W−1] = in[W] → in[W−2].
      const x = tf.tensor4d([10, 11, 12, 13, 20, 21, 22, 23], [1, 2, 4, 1]);
      assert.deepEqual(
        Array.from(
          sampleAffine(x, [
            [
              [1, 0, 2 / 3],
              [0, 1, 0],
            ],
          ]).dataSync(),
        ),
        [11, 12, 13, 12, 21, 22, 23, 22],
      );
      // Half a pixel: the average of neighbours (0.5 and 0.5 are exact in float32).
      assert.deepEqual(
        Array.from(
          sampleAffine(x, [
            [
              [1, 0, 1 / 3],
              [0, 1, 0],
            ],
          ]).dataSync(),
        ),
        [10.5, 11.5, 12.5, 12.5, 20.5, 21.5, 22.5, 22.5],
      );
    });

    it('rotation by π/2 of a square image is an exact index permutation out[i][j] = in[W−1−j][i]', () => {
      // A = [[0, 1], [−1, 0]]: output (u_j, v_i) samples (v_i, −u_j) → column i, row W−1−j.
      const W = 6;
      const x = tf.randomUniform([1, W, W, 2]) as tf.Tensor4D;
      const got = sampleAffine(x, [
        [
          [Math.cos(Math.PI / 2), Math.sin(Math.PI / 2), 0],
          [-Math.sin(Math.PI / 2), Math.cos(Math.PI / 2), 0],
        ],
      ]).arraySync()[0];
      const src = x.arraySync()[0];
      for (let i = 0; i < W; i++) for (let j = 0; j < W; j++) assert.deepEqual(got[i][j], src[W - 1 - j][i]);
    });

    it('several maps stack t-major: [T·B, H, W, C]', () => {
      const x = tf.randomUniform([3, 4, 5, 2]) as tf.Tensor4D;
      const shift = [
        [1, 0, 0.5],
        [0, 1, 0],
      ];
      const out = sampleAffine(x, [ID, shift]);
      assert.deepEqual(out.shape, [6, 4, 5, 2]);
      assert.deepEqual(out.slice(0, 3).dataSync(), x.dataSync());
      assert.deepEqual(out.slice(3, 3).dataSync(), sampleAffine(x, [shift]).dataSync());
    });

    it('no leaks', async () => {
      const x = tf.randomUniform([2, 5, 5, 3]) as tf.Tensor4D;
      await expectNoLeak(() => sampleAffine(x, [ID]), 'one map');
      await expectNoLeak(
        () =>
          sampleAffine(x, [
            ID,
            [
              [0.9, 0.1, 0.2],
              [-0.1, 1.1, 0],
            ],
          ]),
        'two maps',
      );
      x.dispose();
    });
  });
}
