import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { expectNoLeak } from '../helpers/noLeak';
import { applyGroup, imageTangent } from '../../src/groups';
import { mulberry32 } from '../../src/data/rng';
import { InputError } from '../../src/errors';
import { bracketFindings, noisyBackground, upwindTangent } from '../../src/science/mathFindings';
import { TOL } from '../helpers/tolerances';

const interiorRel = (a: tf.Tensor4D, b: tf.Tensor4D) =>
  tf.tidy(() => {
    const s = (t: tf.Tensor4D) => tf.slice(t, [0, 2, 2, 0], [-1, t.shape[1] - 4, t.shape[2] - 4, -1]);
    return tf.div(tf.norm(tf.sub(s(a), s(b))), tf.norm(s(b))).dataSync()[0];
  });

describe('notebook 07 mathematics (src/science/mathFindings)', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('the upwind tangent is the one-sided limit of (T_t x − x)/t, the forward one is not for rotate', () => {
    const r = mulberry32(3);
    // A smooth random image (non-square, so H/W mix-ups fail): sums of low-frequency waves.
    const [H, W] = [20, 26];
    const img = Float32Array.from({ length: H * W * 3 }, (_, k) => {
      const i = Math.floor(k / (3 * W));
      const j = Math.floor(k / 3) % W;
      return 0.5 + 0.2 * Math.sin(0.4 * i + (k % 3)) * Math.cos(0.3 * j) + 0.05 * r();
    });
    const x = tf.tensor4d(img, [1, H, W, 3]);
    for (const g of ['translate-x', 'rotate']) {
      const before = tf.memory().numTensors;
      const up = upwindTangent(x, g);
      assert.equal(tf.memory().numTensors, before + 1, 'upwindTangent keeps only its result');
      const q = tf.tidy(() => tf.div(tf.sub(applyGroup(x, g, 1e-3), x), 1e-3)) as tf.Tensor4D;
      const fw = imageTangent(x, g, { difference: 'forward' });
      assert.ok(
        interiorRel(q, up) < TOL.oneSidedVsUpwindInterior,
        `${g}: one-sided quotient vs upwind ${interiorRel(q, up)}`,
      );
      if (g === 'translate-x')
        assert.ok(
          interiorRel(up, fw) < TOL.float32Reordered,
          'translate-x: the field is +1 everywhere, upwind = forward',
        );
      else
        assert.ok(
          interiorRel(q, fw) > 0.1,
          `rotate: the field changes sign, the forward tangent is not the limit (${interiorRel(q, fw)})`,
        );
      tf.dispose([up, q, fw]);
    }
    assert.throws(() => upwindTangent(x, 'hue'), InputError);
    x.dispose();
  });

  it('the image bracket [L_rot, L_tx] x is −L_[G_rot, G_tx] x = +L_ty x on smooth images', async () => {
    const r = mulberry32(5);
    const x = tf.tensor4d(
      Float32Array.from({ length: 4 * 28 * 28 * 3 }, () => r()),
      [4, 28, 28, 3],
    );
    const b = await expectNoLeak(() => bracketFindings(x), 'bracketFindings');
    assert.equal(b.matrixLine, '-1 · G_translate-y');
    assert.ok(b.opposite && b.coef > 0.8 && b.coef < 1.2 && b.cosine > 0.95, JSON.stringify(b));
    const n = noisyBackground(x, 0);
    const [lo, hi] = tf.tidy(() => [tf.min(tf.sub(n, tf.mul(x, 0.95))).dataSync()[0], tf.max(n).dataSync()[0]]);
    assert.ok(lo >= 0 && hi <= 1, `noisy background stays in [0, 1]: ${lo}, ${hi}`);
    tf.dispose([x, n]);
  });
});
