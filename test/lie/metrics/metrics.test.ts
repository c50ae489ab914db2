import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyGroup } from '../../../src/groups';
import { eqT, EQ_MAX_DB } from '../../../src/lie/metrics/eqT';
import { finiteQuotientErrors } from '../../../src/lie/metrics/finiteQuotient';
import { sampleInvariance } from '../../../src/lie/metrics/sampleInvariance';
import { shiftImages } from '../../../src/lie/metrics/shift';
import { shiftConsistency } from '../../../src/lie/metrics/shiftConsistency';
import { TEST_BACKENDS, setTestBackend } from '../../helpers/backends';
import { expectNoLeak } from '../../helpers/noLeak';
import { gapModel, identityModel, linearModel, smoothImages } from './fixtures';
import { TOL } from '../../helpers/tolerances';

const H = 12;
const W = 12;

for (const backend of TEST_BACKENDS) {
  describe(`discrete metrics (${backend})`, () => {
    let x: tf.Tensor4D;
    before(async () => {
      await setTestBackend(backend);
      x = smoothImages(3, H, W);
    });
    after(() => x.dispose());

    it('shiftConsistency: 1 for a circular-shift-invariant model; a position-reading model flips', async () => {
      const gap = gapModel(H, W);
      const res = await expectNoLeak(() => shiftConsistency(gap, x, { shiftsPx: [1, 3, 5] }), 'shiftConsistency');
      assert.equal(res.consistency, 1);
      // Logit 0 = brightness of the left half, logit 1 = right half; one bright column at j = 2.
      const m = tf.sequential({
        layers: [tf.layers.flatten({ inputShape: [H, W, 3] }), tf.layers.dense({ units: 2, useBias: false })],
      });
      const w = new Float32Array(H * W * 3 * 2);
      for (let p = 0; p < H * W * 3; p++) w[p * 2 + (Math.floor(p / 3) % W < W / 2 ? 0 : 1)] = 1;
      m.layers[1].setWeights([tf.tensor2d(w, [H * W * 3, 2])]);
      const img = tf.tidy(
        () =>
          tf.mul(
            tf
              .oneHot(tf.fill([H], 2, 'int32'), W)
              .reshape([1, H, W, 1])
              .tile([1, 1, 1, 3]),
            1,
          ) as tf.Tensor4D,
      );
      // Shifts 1, 3 keep the column in the left half (j = 3, 5); 4, 6 move it right (j = 6, 8): 2 of 4 consistent.
      const flips = await shiftConsistency(m, img, { shiftsPx: [1, 3, 4, 6], mode: 'crop' });
      assert.deepEqual(
        flips.perShift.map((s) => s.consistency),
        [1, 1, 0, 0],
      );
      assert.equal(flips.consistency, 0.5);
      tf.dispose([img]);
      gap.dispose();
      m.dispose();
    });

    it('sampleInvariance: closed form (e^t − 1)²‖f(x)‖² for brightness on a linear model without bias', async () => {
      const m = tf.sequential({
        layers: [
          tf.layers.flatten({ inputShape: [H, W, 3] }),
          tf.layers.dense({ units: 4, useBias: false, kernelInitializer: tf.initializers.randomNormal({ seed: 3 }) }),
        ],
      });
      const eta = 0.2;
      const samples = 5; // t = −0.2, −0.1, 0, 0.1, 0.2
      const got = await expectNoLeak(
        () => sampleInvariance(m, x, 'brightness', { eta, samples, output: 'logits' }),
        'sampleInvariance',
      );
      const f = m.predict(x) as tf.Tensor2D;
      const sq = tf.sum(tf.square(f), 1).dataSync();
      const factor = [-0.2, -0.1, 0, 0.1, 0.2].reduce((a, t) => a + (Math.exp(t) - 1) ** 2, 0) / samples;
      // float32: f(T_t x) − f(x) loses ~1e-7·‖f‖/(|e^t − 1|‖f‖) ≈ 1e-6 relative per term.
      got.forEach((v, i) =>
        assert.ok(
          Math.abs(v - factor * sq[i]) <= TOL.float32DeepRel * factor * sq[i],
          `image ${i}: ${v} vs ${factor * sq[i]}`,
        ),
      );
      tf.dispose([f]);
      m.dispose();
    });

    it('eqT: PSNR of the output equals that of the pixels for f = identity (computed independently here)', async () => {
      const id = identityModel(H, W);
      const shifts = [1, 2];
      const psnr = await expectNoLeak(() => eqT(id, x, { shiftsPx: shifts, output: 'logits' }), 'eqT');
      // Independent reference: pixel loops over the rolled images.
      const v = x.dataSync();
      let se = 0;
      let n = 0;
      for (const s of shifts)
        for (let b = 0; b < 3; b++)
          for (let i = 0; i < H; i++)
            for (let j = 0; j < W; j++)
              for (let c = 0; c < 3; c++) {
                const a = v[((b * H + i) * W + j) * 3 + c];
                const r = v[((b * H + i) * W + ((((j - s) % W) + W) % W)) * 3 + c];
                se += (a - r) ** 2;
                n++;
              }
      const want = 10 * Math.log10(1 / (se / n));
      assert.ok(Math.abs(psnr - want) < TOL.eqtVsPixelLoopsDb, `${psnr} vs ${want} dB`);
      // A circular-shift-invariant model hits the ceiling; fractional shifts of a smooth image lose less than integer ones.
      const gap = gapModel(H, W);
      assert.equal(await eqT(gap, x, { output: 'logits' }), EQ_MAX_DB);
      const frac = await eqT(id, x, { fractional: true, shiftsPx: [0.25], output: 'logits' });
      assert.ok(frac > psnr, `fractional 0.25 px (${frac} dB) must be closer than integer 1–2 px (${psnr} dB)`);
      gap.dispose();
      id.dispose();
    });

    it('finiteQuotientErrors: symmetric → central L f and one-sided → forward L f (exact for a linear model, |t| < 1 px)', async () => {
      const m = linearModel(H, W);
      const tPx = 0.3;
      const t = (2 * tPx) / (W - 1);
      const rows = await expectNoLeak(
        () => finiteQuotientErrors(m, x, 'translate-x', [t], { output: 'logits' }),
        'finiteQuotientErrors',
      );
      const get = (q: string, d: string) => rows.find((r) => r.quotient === q && r.derivative === d)!.relError;
      // Bilinear resampling is linear in t within one pixel, so both identities hold up to float32
      // cancellation in f(T_t x) − f(T_−t x), ~1e-7 / 0.03 relative.
      assert.ok(
        get('symmetric', 'central') < TOL.float32DeepRel,
        `symmetric vs central ${get('symmetric', 'central')}`,
      );
      assert.ok(
        get('one-sided', 'forward') < TOL.float32DeepRel,
        `one-sided vs forward ${get('one-sided', 'forward')}`,
      );
      assert.ok(
        get('one-sided', 'central') > TOL.mustDiffer,
        `one-sided vs central must differ, got ${get('one-sided', 'central')}`,
      );
      m.dispose();
    });

    it('circular integer shifts agree with the sampler at whole pixels away from the border', () => {
      // applyGroup translate-x by −1 px samples x(u − 1 px): content moves right by one pixel.
      const a = tf.tidy(() => tf.slice(shiftImages(x, 1, 0, 'circular'), [0, 0, 1, 0], [-1, -1, W - 1, -1]));
      const b = tf.tidy(() =>
        tf.slice(applyGroup(x, 'translate-x', -1, { units: 'pixels' }), [0, 0, 1, 0], [-1, -1, W - 1, -1]),
      );
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
      assert.ok(d < TOL.float32Reordered, `max difference ${d}`);
      tf.dispose([a, b]);
    });
  });
}
