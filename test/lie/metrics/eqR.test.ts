import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../../src/errors';
import { lieDerivative } from '../../../src/lie/lieDerivative';
import { eqR, eqRAngles, eqRByAngle, psnrDb, rotateWithMask } from '../../../src/lie/metrics/eqR';
import { EQ_MAX_DB } from '../../../src/lie/metrics/eqT';
import { reduceLie } from '../../../src/lie/reductions';
import { TEST_BACKENDS, setTestBackend } from '../../helpers/backends';
import { expectNoLeak } from '../../helpers/noLeak';
import { TOL } from '../../helpers/tolerances';
import { gapModel, identityModel, smoothImages } from './fixtures';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(repoRoot(), 'scripts', 'eqr', 'eqr_reference.py');

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

interface Reference {
  db: number | null;
  mse: number;
  perAngle: Array<{ angle: number; sse: number; count: number }>;
}

/** Runs the torch reference; fails (never skips) with what to install when python3 or torch is missing. */
function torchReference(request: object): Reference {
  if (!fs.existsSync(PYTHON))
    assert.fail(
      `EQ-R reference needs ${PYTHON} with torch (Debian: apt-get install python3 python3-torch); it is missing`,
    );
  const r = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 << 20,
  });
  if (r.error) assert.fail(`EQ-R reference: could not run ${PYTHON} ${SCRIPT}: ${r.error.message}`);
  if (r.status !== 0) {
    const hint = /No module named 'torch'/.test(r.stderr)
      ? ` — ${PYTHON} has no torch (Debian: apt-get install python3-torch)`
      : '';
    assert.fail(`EQ-R reference exited ${r.status}${hint}:\n${r.stderr}`);
  }
  return JSON.parse(r.stdout) as Reference;
}

/** Square images of smooth content that vanishes on a 2-pixel border (zero padding = reflection there). */
function windowedImages(n: number, s: number): tf.Tensor4D {
  return tf.tidy(() => {
    const win = new Float32Array(s * s);
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++)
        win[i * s + j] =
          i >= 2 && i < s - 2 && j >= 2 && j < s - 2
            ? Math.sin((Math.PI * (i - 1.5)) / (s - 3)) * Math.sin((Math.PI * (j - 1.5)) / (s - 3))
            : 0;
    return tf.mul(smoothImages(n, s, s), tf.tensor4d(win, [1, s, s, 1])) as tf.Tensor4D;
  });
}

for (const backend of TEST_BACKENDS) {
  describe(`eqR (${backend})`, () => {
    const S = 9;
    let x: tf.Tensor4D;
    before(async () => {
      await setTestBackend(backend);
      x = smoothImages(2, S, S);
    });
    after(() => x.dispose());

    it('the default angles are the 16-point midpoint grid on [−π, π], symmetric, no multiple of 90°', () => {
      const a = eqRAngles();
      assert.equal(a.length, 16);
      assert.equal(a[0], (-15 * Math.PI) / 16);
      a.forEach((v, k) => assert.equal(v, -a[15 - k]));
      a.forEach((v) => assert.notEqual((((v / (Math.PI / 2)) % 1) + 1) % 1, 0));
    });

    it('an exactly equivariant model (identity, outputs rotated back) gives the cap at any angle', async () => {
      const id = identityModel(S, S);
      const db = await expectNoLeak(
        () => eqR(id, x, { compare: 'rotated-outputs', output: 'logits', anglesRad: [0.3, -1.1, 2.5] }),
        'eqR',
      );
      assert.equal(db, EQ_MAX_DB);
      id.dispose();
    });

    it('an exactly rotation-invariant model (global average) at multiples of 90° gives the cap', async () => {
      const gap = gapModel(S, S);
      assert.equal(
        await expectNoLeak(
          () => eqR(gap, x, { output: 'logits', anglesRad: [Math.PI / 2, Math.PI, -Math.PI / 2] }),
          'eqR',
        ),
        EQ_MAX_DB,
      );
      gap.dispose();
    });

    it('a known pixel shuffle: the identity at 90° and 180° gives the PSNR of the permuted pixels, summed by hand', async () => {
      const id = identityModel(S, S);
      const v = x.dataSync();
      const at = (b: number, i: number, j: number, c: number) => v[((b * S + i) * S + j) * 3 + c];
      // θ = π/2: output (i, j) samples source (x = i, y = S−1−j); θ = π: source (S−1−j, S−1−i) (A p about the centre).
      const maps: Array<[number, (i: number, j: number) => [number, number]]> = [
        [Math.PI / 2, (i, j) => [S - 1 - j, i]],
        [Math.PI, (i, j) => [S - 1 - i, S - 1 - j]],
      ];
      let se = 0;
      for (const [, src] of maps)
        for (let b = 0; b < 2; b++)
          for (let i = 0; i < S; i++)
            for (let j = 0; j < S; j++)
              for (let c = 0; c < 3; c++) {
                const [si, sj] = src(i, j);
                se += (at(b, si, sj, c) - at(b, i, j, c)) ** 2;
              }
      const mse = se / (2 * 2 * S * S * 3);
      const rows = await expectNoLeak(
        () => eqRByAngle(id, x, { output: 'logits', anglesRad: maps.map((m) => m[0]) }),
        'eqRByAngle',
      );
      const got = (rows[0].sse + rows[1].sse) / (rows[0].count + rows[1].count);
      assert.ok(Math.abs(got - mse) <= TOL.eqrHandMseRel * mse, `MSE ${got} vs hand ${mse}`);
      const db = await eqR(id, x, { output: 'logits', anglesRad: maps.map((m) => m[0]) });
      assert.ok(
        Math.abs(db - 10 * Math.log10(1 / mse)) <= TOL.eqrHandMseRel * 10,
        `${db} dB vs ${10 * Math.log10(1 / mse)} dB`,
      );
      id.dispose();
    });

    it('a constant offset c gives 20·log10(peak/c) dB; peak scales it by 20·log10(peak)', () => {
      // MSE = c² for an output off by c everywhere.
      assert.equal(psnrDb(0.1 ** 2), 20 * Math.log10(1 / 0.1));
      assert.equal(psnrDb(0.01 ** 2, 2), 20 * Math.log10(2 / 0.01));
      assert.equal(psnrDb(0), EQ_MAX_DB);
      assert.throws(() => psnrDb(Number.NaN), InputError);
    });

    it('rotateWithMask: θ = 0 is the identity; the mask is the image with its 1-pixel border cleared; no leaks', async () => {
      await expectNoLeak(() => {
        const { rotated, mask } = rotateWithMask(x, 0);
        assert.deepEqual(Array.from(rotated.dataSync()), Array.from(x.dataSync()));
        const m = mask.dataSync();
        for (let i = 0; i < S; i++)
          for (let j = 0; j < S; j++) assert.equal(m[i * S + j], i >= 1 && i <= S - 2 && j >= 1 && j <= S - 2 ? 1 : 0);
        tf.dispose([rotated, mask]);
      }, 'rotateWithMask');
    });

    it('as θ → 0: MSE ∝ θ², the symmetric quotient of the rotation is the central Lie derivative of rotate, and the central LEE bounds EQ-R', async () => {
      const s = S + 4;
      const id = identityModel(s, s);
      const img = windowedImages(2, s);
      const lie = await lieDerivative(id, img, ['rotate'], { output: 'logits' });
      const meanSq = reduceLie(lie[0].lie, 'mean-sq');
      const lee = (meanSq[0] + meanSq[1]) / 2;
      const th = 1e-3;
      // (R_θ x − R_−θ x)/2θ is the central difference of the bilinear rotation: exactly the tangent the LEE uses (same map, sign, units).
      const quotient = tf.tidy(() => {
        const p = rotateWithMask(img, th);
        const m = rotateWithMask(img, -th);
        return tf.mean(
          tf.square(tf.sub(tf.reshape(tf.div(tf.sub(p.rotated, m.rotated), 2 * th), [2, -1]), lie[0].lie)),
        );
      });
      const rel = quotient.dataSync()[0] / lee;
      tf.dispose([quotient, lie[0].lie]);
      assert.ok(rel <= TOL.rotationQuotientVsLeeRelSq, `mean-sq of (symmetric quotient − L f) / mean-sq L f = ${rel}`);
      const [a, b, c] = await eqRByAngle(id, img, { output: 'logits', anglesRad: [3e-3, th, -th] });
      // Bilinear resampling is linear in θ while no source crosses a pixel: MSE ∝ θ² up to the O(θ) second-order term.
      assert.ok(
        Math.abs(b.db - a.db - 20 * Math.log10(3)) <= TOL.eqrSmallAngleScalingDb,
        `${a.db} dB at 3e-3, ${b.db} dB at 1e-3`,
      );
      // One-sided differences D± = D_c ± A, so ½(MSE(θ) + MSE(−θ)) = θ²(mean-sq(J D_c x) + mean-sq(J A x)) ≥ θ²·mean-sq LEE.
      const bound = 10 * Math.log10(1 / (th * th * lee));
      const sym = psnrDb((b.mse + c.mse) / 2);
      assert.ok(
        sym <= bound + TOL.eqrSmallAngleScalingDb,
        `EQ-R at ±θ ${sym} dB must not exceed the central-LEE bound ${bound} dB`,
      );
      tf.dispose([img]);
      id.dispose();
    });

    it('errors name the option: empty angles, unknown compare, image comparison of a class output, bad peak', async () => {
      const gap = gapModel(S, S);
      await assert.rejects(eqR(gap, x, { anglesRad: [] }), /anglesRad must list at least one angle/);
      await assert.rejects(eqR(gap, x, { anglesRad: [Number.NaN] }), /anglesRad must be finite/);
      await assert.rejects(
        eqR(gap, x, { compare: 'pixels' as never }),
        /compare must be one of outputs, rotated-outputs/,
      );
      await assert.rejects(
        eqR(gap, x, { compare: 'rotated-outputs', output: 'logits' }),
        (e: Error) => e instanceof InputError && /H·W·C = 9·9·C/.test(e.message) && /compare 'outputs'/.test(e.message),
      );
      await assert.rejects(eqR(gap, x, { peak: 0 }), /peak must be a positive number/);
      gap.dispose();
    });
  });
}

describe('eqR vs the float64 torch reference (scripts/eqr/eqr_reference.py)', () => {
  const S = 10;
  before(() => setTestBackend('cpu'));

  it('class outputs (softmax of a dense layer), the default 16 angles, compared directly', async () => {
    const x = smoothImages(2, S, S);
    const K = 4;
    const kernel = Float32Array.from({ length: S * S * 3 * K }, (_, i) => Math.sin(0.37 * i) * 0.3);
    const bias = [0.1, -0.2, 0.05, 0];
    const m = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [S, S, 3] }), tf.layers.dense({ units: K, activation: 'softmax' })],
    });
    m.layers[1].setWeights([tf.tensor2d(kernel, [S * S * 3, K]), tf.tensor1d(bias)]);
    const ref = torchReference({
      images: Array.from(x.dataSync()),
      shape: [2, S, S, 3],
      angles: eqRAngles(),
      compare: 'outputs',
      peak: 1,
      model: { kind: 'dense', kernel: Array.from(kernel), bias, softmax: true },
    });
    for (const backend of TEST_BACKENDS) {
      await setTestBackend(backend);
      const rows = await expectNoLeak(() => eqRByAngle(m, x), `eqRByAngle (${backend})`);
      rows.forEach((r, k) =>
        assert.ok(
          Math.abs(r.sse - ref.perAngle[k].sse) <= TOL.eqrVsTorchSseRel * ref.perAngle[k].sse,
          `${backend} angle ${r.angleRad}: sse ${r.sse} vs torch ${ref.perAngle[k].sse}`,
        ),
      );
      const db = await eqR(m, x);
      assert.ok(Math.abs(db - ref.db!) <= TOL.eqrVsTorchDb, `${backend}: ${db} dB vs torch ${ref.db} dB`);
    }
    await setTestBackend('cpu');
    x.dispose();
    m.dispose();
  });

  it('image outputs (3×3 conv, same padding), rotated back and masked as StyleGAN3', async () => {
    const x = smoothImages(2, S, S);
    const Cout = 2;
    const kernel = Float32Array.from({ length: 3 * 3 * 3 * Cout }, (_, i) => Math.cos(0.91 * i) * 0.4);
    const bias = [0.05, -0.1];
    const m = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [S, S, 3], filters: Cout, kernelSize: 3, padding: 'same' })],
    });
    m.layers[0].setWeights([tf.tensor4d(kernel, [3, 3, 3, Cout]), tf.tensor1d(bias)]);
    const angles = [0.2, -0.7, 1.9, Math.PI / 2];
    const ref = torchReference({
      images: Array.from(x.dataSync()),
      shape: [2, S, S, 3],
      angles,
      compare: 'rotated-outputs',
      peak: 2,
      model: { kind: 'conv3x3', kernel: Array.from(kernel), bias },
    });
    for (const backend of TEST_BACKENDS) {
      await setTestBackend(backend);
      const rows = await expectNoLeak(
        () => eqRByAngle(m, x, { compare: 'rotated-outputs', output: 'logits', anglesRad: angles, peak: 2 }),
        `eqRByAngle (${backend})`,
      );
      rows.forEach((r, k) => {
        assert.equal(r.count, ref.perAngle[k].count, `${backend} angle ${r.angleRad}: mask sizes differ`);
        assert.ok(
          Math.abs(r.sse - ref.perAngle[k].sse) <= TOL.eqrVsTorchSseRel * ref.perAngle[k].sse,
          `${backend} angle ${r.angleRad}: sse ${r.sse} vs torch ${ref.perAngle[k].sse}`,
        );
      });
      const db = await eqR(m, x, { compare: 'rotated-outputs', output: 'logits', anglesRad: angles, peak: 2 });
      assert.ok(Math.abs(db - ref.db!) <= TOL.eqrVsTorchDb, `${backend}: ${db} dB vs torch ${ref.db} dB`);
    }
    await setTestBackend('cpu');
    x.dispose();
    m.dispose();
  });
});
