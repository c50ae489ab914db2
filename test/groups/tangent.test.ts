import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { TEST_BACKENDS, setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';
import { relError } from '../helpers/reference';
import { exactTangent, NEUMANN_COSINES, PLANE_WAVES, relErrorInterior, sampleImage } from '../helpers/groupImages';
import {
  applyGroup,
  COLOR_GROUP_NAMES,
  combineGroups,
  derivativeStencil,
  featureTangent,
  getGroup,
  GROUP_NAMES,
  imageTangent,
  SPATIAL_GROUP_NAMES,
  type Difference,
} from '../../src/groups';
import { InputError, UnknownNameError } from '../../src/errors';
import { rows } from '../../src/groups/generators';
import { TOL } from '../helpers/tolerances';

/** Plain numbers, with −0 (a zero field times a negative difference) read as 0. */
const plain = (a: ArrayLike<number>) => Array.from(a, (v) => v + 0);

/** Max-relative error of the tangent vs the closed form at (H, W) = (16k+1, 20k+1): non-square on purpose. */
function closedFormError(group: string, difference: Difference, k: number, img = NEUMANN_COSINES, margin = 0): number {
  const H = 16 * k + 1;
  const W = 20 * k + 1;
  const x = sampleImage(img, H, W);
  const lx = imageTangent(x, group, { difference });
  const err = relErrorInterior(lx.dataSync(), exactTangent(img, rows(getGroup(group).generator), H, W), H, W, margin);
  tf.dispose([x, lx]);
  return err;
}

for (const backend of TEST_BACKENDS) {
  describe(`imageTangent (${backend})`, () => {
    before(() => setTestBackend(backend));

    // Grid spacing halves from k = 1 to 2 to 4 (W − 1 = 20, 40, 80), so a second-order error drops
    // by 4 each time; [3.5, 4.6] allows the O(h⁴) remainder at the coarsest grid (measured 3.9–4.1).
    for (const group of SPATIAL_GROUP_NAMES) {
      for (const difference of ['central', 'gaussian'] as const) {
        it(`${group} ${difference}: O(h²) against the closed form, every pixel (Neumann cosines)`, (t) => {
          const e = [1, 2, 4].map((k) => closedFormError(group, difference, k));
          t.diagnostic(`${group} ${difference}: ${e.map((v) => v.toExponential(2)).join(' → ')}`);
          for (let i = 0; i < 2; i++) {
            const ratio = e[i] / e[i + 1];
            assert.ok(
              ratio > 3.5 && ratio < 4.6,
              `error ${e.map((v) => v.toExponential(2)).join(' → ')}: ratio ${ratio.toFixed(2)} is not ~4`,
            );
          }
          assert.ok(e[2] < TOL.discreteTangentFinestGrid, `finest-grid error ${e[2]} should be small`);
        });
      }
      it(`${group} central: O(h²) on the issue's plane waves, interior pixels`, () => {
        // The reflection rule zeroes the derivative at border pixels, which is wrong for a plane
        // wave: compare pixels at least 1 px inside.
        const e = [1, 2, 4].map((k) => closedFormError(group, 'central', k, PLANE_WAVES, 1));
        for (let i = 0; i < 2; i++)
          assert.ok(e[i] / e[i + 1] > 3.5 && e[i] / e[i + 1] < 4.6, `ratios of ${e.join(', ')}`);
      });
      it(`${group} forward: only first order (error halves), which is why central is the default`, () => {
        const e = [1, 2, 4].map((k) => closedFormError(group, 'forward', k, PLANE_WAVES, 1));
        for (let i = 0; i < 2; i++)
          assert.ok(e[i] / e[i + 1] > 1.7 && e[i] / e[i + 1] < 2.4, `ratios of ${e.join(', ')}`);
      });
    }

    it('hand-checked 3×3: central [0, 2, 0], forward [1, 3, −3] per row for x = j² (translate-x)', () => {
      // x[j] = 0, 1, 4; (W−1)/2 = 1. central: (x1−x1)/2 = 0, (4−0)/2 = 2, (x1−x1)/2 = 0 (reflection);
      // forward: 1−0 = 1, 4−1 = 3, and at the last column the reflected neighbour x1 − x2 = −3.
      const x = tf.tensor4d([0, 1, 4, 0, 1, 4, 0, 1, 4], [1, 3, 3, 1]);
      assert.deepEqual(plain(imageTangent(x, 'translate-x').dataSync()), [0, 2, 0, 0, 2, 0, 0, 2, 0]);
      assert.deepEqual(
        plain(imageTangent(x, 'translate-x', { difference: 'forward' }).dataSync()),
        [1, 3, -3, 1, 3, -3, 1, 3, -3],
      );
      assert.deepEqual(plain(imageTangent(x, 'translate-y').dataSync()), Array(9).fill(0));
    });

    it('forward on a linear ramp 0→1: +0.5 everywhere except −0.5 in the last column (test/fixtures/reference/PROVENANCE.md)', () => {
      const W = 32;
      const ramp = tf.tidy(() => tf.tile(tf.reshape(tf.linspace(0, 1, W), [1, 1, W, 1]), [1, 4, 1, 3])) as tf.Tensor4D;
      const lx = imageTangent(ramp, 'translate-x', { difference: 'forward' }).arraySync()[0][2];
      // d/dt per normalized unit = (W−1)/2 · (1/(W−1)) = 0.5; tolerance: float32 linspace steps.
      lx.forEach((px, j) =>
        assert.ok(Math.abs(px[0] - (j === W - 1 ? -0.5 : 0.5)) < TOL.float32Reordered, `column ${j}: ${px[0]}`),
      );
    });

    it('gaussian: exact on a ramp away from the border, and → central as σ → 0', () => {
      const W = 40;
      const ramp = tf.tidy(() => tf.tile(tf.reshape(tf.linspace(0, 1, W), [1, 1, W, 1]), [1, 2, 1, 3])) as tf.Tensor4D;
      const lx = imageTangent(ramp, 'translate-x', { difference: 'gaussian', sigma: 2 }).arraySync()[0][0];
      // Stencil radius ceil(3σ) = 6; Σ k·c_k = 1 makes it exact on ramps up to float32 (1e-5).
      for (let j = 6; j < W - 6; j++)
        assert.ok(Math.abs(lx[j][1] - 0.5) < TOL.float32Reordered, `column ${j}: ${lx[j][1]}`);
      assert.deepEqual(derivativeStencil('gaussian', 0.3), [{ plus: 1, minus: -1, coef: 0.5 }]);
      assert.throws(() => imageTangent(ramp, 'rotate', { difference: 'gaussian', sigma: 0 }), InputError);
    });

    it('a linear combination of groups has the combined tangent (shear-x − shear-y = rotate)', () => {
      const x = sampleImage(PLANE_WAVES, 12, 15);
      const combo = combineGroups('rot-as-shears', [
        [1, 'shear-x'],
        [-1, 'shear-y'],
      ]);
      const a = imageTangent(x, combo).dataSync();
      const b = imageTangent(x, 'rotate').dataSync();
      assert.ok(relError(a, b) < TOL.float32FewOps, `rel ${relError(a, b)}`); // same field, float32 rounding only
    });

    // Symmetric quotient through the bilinear sampler: for |shift| < 1 px it is the central
    // difference plus a bilinear cross term of O(t) (when both components move) and float32 noise
    // ~1e-7/t (translations have no cross term: they sit at the noise floor). Colour actions are
    // smooth in t: O(t²) plus noise, so they use larger t. Measured values are in the diagnostics.
    for (const group of GROUP_NAMES) {
      it(`${group}: (T_t x − T_−t x)/2t → L x (central) as t → 0`, (t) => {
        const x = sampleImage(NEUMANN_COSINES, 33, 41);
        const lx = imageTangent(x, group).dataSync();
        const spatial = getGroup(group).kind === 'spatial';
        const errs = (spatial ? [1e-2, 1e-3] : [1e-1, 1e-2]).map((step) => {
          const q = tf.tidy(() => {
            const both = applyGroup(x, group, [step, -step]);
            return tf.div(tf.sub(both.slice(0, 1), both.slice(1, 1)), 2 * step);
          });
          const e = relError(q.dataSync(), lx);
          q.dispose();
          return e;
        });
        // Measured at the smaller t: ≤ 4.1e-4 spatial (scale), ≤ 2.4e-5 colour, on cpu and wasm.
        const tol = spatial ? TOL.discreteTangentSmoothImage : TOL.colourTangentVsQuotient;
        t.diagnostic(`${group}: ${errs.map((e) => e.toExponential(2)).join(', ')}`);
        assert.ok(errs[1] < tol, `errors at t = 1e-2, 1e-3: ${errs.join(', ')}`);
        // Either the error shrinks with t, or both sit at the float32 noise floor (~1e-7/t ≤ 1e-4).
        assert.ok(
          errs[1] < errs[0] || Math.max(...errs) < TOL.colourTangentVsQuotient,
          `no convergence: ${errs.join(', ')}`,
        );
        x.dispose();
      });
    }

    it("one-sided quotient (T_t x − x)/t converges to 'forward', not 'central' (DESIGN §6)", () => {
      const x = sampleImage(PLANE_WAVES, 16, 16);
      const t = 1e-3;
      const q = tf.tidy(() => tf.div(tf.sub(applyGroup(x, 'translate-x', t), x), t)).dataSync();
      // For a shift below one pixel the bilinear sampler is exactly x + δ·(x[j+1] − x[j]).
      assert.ok(
        relError(q, imageTangent(x, 'translate-x', { difference: 'forward' }).dataSync()) <
          TOL.oneSidedQuotientVsForward,
      );
      assert.ok(relError(q, imageTangent(x, 'translate-x').dataSync()) > TOL.mustDifferLarge);
    });

    it('hue: a grey image has zero tangent; hue tangent is K x per pixel', () => {
      const grey = tf.fill([2, 4, 5, 3], 0.37) as tf.Tensor4D;
      assert.deepEqual(plain(imageTangent(grey, 'hue').dataSync()), Array(2 * 4 * 5 * 3).fill(0));
      const px = tf.tensor4d([0.9, 0.2, 0.4], [1, 1, 1, 3]);
      const s = 1 / Math.sqrt(3); // K (r, g, b) = s·(b − g, r − b, g − r)
      const want = [s * (0.4 - 0.2), s * (0.9 - 0.4), s * (0.2 - 0.9)];
      assert.ok(relError(imageTangent(px, 'hue').dataSync(), want) < TOL.float32FewOps);
    });

    it('colour tangents: brightness x, saturation x − g, contrast x − m (closed forms)', () => {
      const data = [0.1, 0.5, 0.9, 0.3, 0.3, 0.8, 0.6, 0.2, 0.0, 1.0, 0.7, 0.4];
      const x = tf.tensor4d(data, [1, 2, 2, 3]);
      const luma = (k: number) => 0.299 * data[3 * k] + 0.587 * data[3 * k + 1] + 0.114 * data[3 * k + 2];
      const m = [0, 1, 2, 3].reduce((acc, k) => acc + luma(k), 0) / 4;
      assert.ok(relError(imageTangent(x, 'brightness').dataSync(), data) < TOL.float32FewOps);
      assert.ok(
        relError(
          imageTangent(x, 'saturation').dataSync(),
          data.map((v, i) => v - luma(Math.floor(i / 3))),
        ) < TOL.float32FewOps,
      );
      assert.ok(
        relError(
          imageTangent(x, 'contrast').dataSync(),
          data.map((v) => v - m),
        ) < TOL.float32FewOps,
      );
    });

    it('input checks: unknown group lists the valid names; colour groups need 3 channels; unknown difference', () => {
      const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
      assert.throws(
        () => imageTangent(x, 'rotation'),
        (e: unknown) => e instanceof UnknownNameError && /valid: translate-x, translate-y, rotate/.test(e.message),
      );
      assert.throws(
        () => imageTangent(x, 'rotate', { difference: 'backward' as Difference }),
        /unknown difference 'backward'; valid: central, forward, gaussian/,
      );
      assert.throws(
        () => imageTangent(tf.zeros([1, 4, 4, 1]) as tf.Tensor4D, 'hue'),
        /must have shape \[B, H, W, 3\], got \[1, 4, 4, 1\]/,
      );
      assert.throws(() => imageTangent(tf.zeros([4, 4, 3]) as unknown as tf.Tensor4D, 'rotate'), InputError);
      // Spatial groups take any channel count (grey MNIST digits).
      assert.deepEqual(imageTangent(tf.zeros([2, 4, 4, 1]) as tf.Tensor4D, 'rotate').shape, [2, 4, 4, 1]);
    });
  });

  describe(`featureTangent (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('NHWC maps of any channel count: same operator per channel as on images', () => {
      const a = sampleImage(PLANE_WAVES, 9, 11);
      const b = sampleImage(NEUMANN_COSINES, 9, 11);
      const h = tf.concat([a, b], 3); // [1, 9, 11, 6]
      for (const g of SPATIAL_GROUP_NAMES) {
        const got = featureTangent(h, g);
        const want = tf.concat([imageTangent(a, g), imageTangent(b, g)], 3);
        assert.deepEqual(got.shape, [1, 9, 11, 6]);
        assert.ok(relError(got.dataSync(), want.dataSync()) < TOL.float32Ulp, g);
      }
    });

    it('hand-checked tokens [B, 1 + 3·3, 1] with a class token: class token fixed, patches as a 3×3 grid', () => {
      // Patch grid rows [0, 1, 4] (x = j²): central translate-x gives [0, 2, 0] per row; the class token (7) gets 0.
      const tokens = tf.tensor3d([7, 0, 1, 4, 0, 1, 4, 0, 1, 4], [1, 10, 1]);
      assert.deepEqual(plain(featureTangent(tokens, 'translate-x').dataSync()), [0, 0, 2, 0, 0, 2, 0, 0, 2, 0]);
      assert.deepEqual(
        plain(featureTangent(tokens, 'translate-x', { leadingTokens: 1, difference: 'forward' }).dataSync()),
        [0, 1, 3, -3, 1, 3, -3, 1, 3, -3],
      );
      // Without a class token, 9 tokens are the grid itself.
      assert.deepEqual(
        plain(featureTangent(tokens.slice([0, 1, 0], [1, 9, 1]), 'translate-x').dataSync()),
        [0, 2, 0, 0, 2, 0, 0, 2, 0],
      );
    });

    it('tokens with several register tokens match the NHWC tangent of the patch grid', () => {
      const grid = tf.concat([sampleImage(PLANE_WAVES, 4, 4), sampleImage(NEUMANN_COSINES, 4, 4)], 3); // [1, 4, 4, 6]
      const lead = tf.randomUniform([1, 5, 6]);
      const tokens = tf.concat([lead, tf.reshape(grid, [1, 16, 6])], 1);
      const lx = featureTangent(tokens, 'rotate', { leadingTokens: 5 });
      assert.deepEqual(Array.from(lx.slice([0, 0, 0], [1, 5, 6]).dataSync()), Array(30).fill(0));
      assert.ok(
        relError(lx.slice([0, 5, 0], [1, 16, 6]).dataSync(), featureTangent(grid, 'rotate').dataSync()) <
          TOL.float32Ulp,
      );
      assert.throws(() => featureTangent(tf.zeros([1, 12, 2]), 'rotate'), /pass leadingTokens/);
      assert.throws(() => featureTangent(tokens, 'rotate', { leadingTokens: 2 }), /not a square patch grid/);
    });

    it('non-spatial [B, D] and colour groups on features give zeros; other ranks are an error', () => {
      const v = tf.randomUniform([3, 7]);
      assert.deepEqual(plain(featureTangent(v, 'rotate').dataSync()), Array(21).fill(0));
      const h = tf.randomUniform([2, 5, 5, 8]);
      for (const g of COLOR_GROUP_NAMES) assert.equal(tf.abs(featureTangent(h, g)).max().dataSync()[0], 0);
      assert.throws(() => featureTangent(tf.zeros([1, 2, 2, 2, 2]), 'rotate'), /rank 5/);
    });
  });

  describe(`no tensor leaks (${backend})`, () => {
    before(() => setTestBackend(backend));
    it('imageTangent, featureTangent and applyGroup leave numTensors unchanged (except their result)', async () => {
      const x = sampleImage(PLANE_WAVES, 8, 10);
      for (const g of GROUP_NAMES) {
        for (const difference of ['central', 'forward', 'gaussian'] as const)
          await expectNoLeak(() => imageTangent(x, g, { difference }), `imageTangent ${g} ${difference}`);
        await expectNoLeak(() => applyGroup(x, g, 0.1), `applyGroup ${g}`);
        await expectNoLeak(() => applyGroup(x, g, [0.1, -0.2, 0]), `applyGroup ${g} t-vector`);
        await expectNoLeak(() => featureTangent(x, g), `featureTangent ${g} NHWC`);
      }
      const tokens = tf.randomUniform([2, 17, 4]);
      await expectNoLeak(() => featureTangent(tokens, 'rotate'), 'featureTangent tokens');
      await expectNoLeak(() => featureTangent(tokens, 'hue'), 'featureTangent tokens colour');
      const flat = tf.randomUniform([2, 9]);
      await expectNoLeak(() => featureTangent(flat, 'rotate'), 'featureTangent rank 2');
      // A failing call must not leak either.
      await expectNoLeak(
        () => assert.throws(() => featureTangent(tokens, 'rotate', { leadingTokens: 3 })),
        'failed featureTangent',
      );
      tf.dispose([x, tokens, flat]);
    });
  });
}
