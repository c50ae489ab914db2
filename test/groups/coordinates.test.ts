/**
 * Isotropic coordinates (issue 15, case rotate-nonsquare and its kind): with the paper's normalized
 * coordinates rotation is not rigid on non-square images; `coordinates: 'isotropic'` uses one pixel
 * scale, s = (max(H, W) − 1)/2 px per unit, on both axes. Oracles: closed forms on linear images,
 * integer pixel shifts, the square image of the same blob, and the symmetric quotient of the finite
 * action. The default stays 'normalized', bit for bit (the other test/groups files prove it).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { TEST_BACKENDS, setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';
import { relError } from '../helpers/reference';
import { readImagesNpy } from '../../src/data/npy';
import {
  applyGroup,
  featureTangent,
  GROUP_NAMES,
  gridCoord,
  imageTangent,
  nonSquareWarning,
  pixelsPerUnit,
} from '../../src/groups';
import { UnknownNameError } from '../../src/errors';
import { TOL } from '../helpers/tolerances';

const CASE = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'cases', 'rotate-nonsquare');

/** Max |·| over pixels at least `margin` from every border. */
function interiorMax(t: tf.Tensor4D, margin = 1): number {
  const [, H, W, C] = t.shape;
  return tf.tidy(
    () =>
      t
        .slice([0, margin, margin, 0], [-1, H - 2 * margin, W - 2 * margin, C])
        .abs()
        .max()
        .dataSync()[0],
  );
}

/** [1, H, W, 3] image a·column + b·row + c (every channel). */
function linearImage(H: number, W: number, a: number, b: number, c: number): tf.Tensor4D {
  const d = new Float32Array(H * W * 3);
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++) d.fill(a * j + b * i + c, (i * W + j) * 3, (i * W + j) * 3 + 3);
  return tf.tensor4d(d, [1, H, W, 3]);
}

for (const backend of TEST_BACKENDS) {
  describe(`coordinates 'isotropic' vs 'normalized' (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('case rotate-nonsquare: the round blob on 16×32 has interior rotate tangent 0.564 normalized, ≤ 0.0036 isotropic (= the square image)', () => {
      const { images: wide } = readImagesNpy(path.join(CASE, 'radial.npy'));
      const { images: square } = readImagesNpy(path.join(CASE, 'radial_square.npy'));
      const n = imageTangent(wide, 'rotate');
      const iso = imageTangent(wide, 'rotate', { coordinates: 'isotropic' });
      const sq = imageTangent(square, 'rotate');
      const [nMax, isoMax, sqMax] = [interiorMax(n), interiorMax(iso), interiorMax(sq)];
      assert.ok(
        Math.abs(nMax - 0.5644) < TOL.casesReadme3Digits,
        `normalized interior max ${nMax} (test/fixtures/cases/README.md: 0.564)`,
      );
      assert.ok(
        Math.abs(sqMax - 0.0035) < TOL.casesReadme2Digits,
        `square interior max ${sqMax} (test/fixtures/cases/README.md: 0.0035)`,
      );
      // Measured: 0.0035195 on both — the blob is as round in isotropic pixels as on the square grid.
      assert.ok(isoMax <= 1.05 * sqMax, `isotropic interior max ${isoMax} vs square ${sqMax}`);
      tf.dispose([wide, square, n, iso, sq]);
    });

    it('rotate on a linear image a·col + b·row: L x = (i − ci)·a − (j − cj)·b isotropic (rigid), stretched by (W−1)/(H−1) normalized', () => {
      const [H, W, a, b] = [9, 17, 0.03, -0.05];
      const x = linearImage(H, W, a, b, 0.5);
      const ci = (H - 1) / 2;
      const cj = (W - 1) / 2;
      const iso = imageTangent(x, 'rotate', { coordinates: 'isotropic' }).arraySync()[0];
      const nor = imageTangent(x, 'rotate').arraySync()[0];
      for (let i = 1; i < H - 1; i++) {
        for (let j = 1; j < W - 1; j++) {
          const rigid = (i - ci) * a - (j - cj) * b;
          const stretched = ((i - ci) * a * (W - 1)) / (H - 1) - ((j - cj) * b * (H - 1)) / (W - 1);
          assert.ok(
            Math.abs(iso[i][j][0] - rigid) < TOL.float32Reordered,
            `isotropic (${i}, ${j}): ${iso[i][j][0]} vs ${rigid}`,
          );
          assert.ok(
            Math.abs(nor[i][j][0] - stretched) < TOL.float32Reordered,
            `normalized (${i}, ${j}): ${nor[i][j][0]} vs ${stretched}`,
          );
        }
      }
      x.dispose();
    });

    it('translate-x and translate-y: t = 1/s moves one pixel on both axes (isotropic), the applyGroup shift is an exact row/column shift', () => {
      const [H, W] = [6, 11];
      const s = pixelsPerUnit(H, H, W, 'isotropic');
      assert.equal(s, 5);
      assert.equal(pixelsPerUnit(W, H, W, 'isotropic'), 5);
      const x = tf.randomUniform([2, H, W, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
      const down = applyGroup(x, 'translate-y', 1 / s, { coordinates: 'isotropic' }); // out(i) = in(i + 1)
      const want = tf.concat(
        [x.slice([0, 1, 0, 0], [-1, H - 1, -1, -1]), x.slice([0, H - 2, 0, 0], [-1, 1, -1, -1])],
        1,
      );
      assert.ok(relError(down.dataSync(), want.dataSync()) < TOL.float32FewOps);
      // units 'pixels' count along the longer side for both axes under isotropic coordinates.
      const byPixels = applyGroup(x, 'translate-y', 1, { coordinates: 'isotropic', units: 'pixels' });
      assert.ok(relError(byPixels.dataSync(), want.dataSync()) < TOL.float32FewOps);
      tf.dispose([x, down, want, byPixels]);
    });

    it('the finite action and the tangent agree: (T_h x − T_−h x)/2h → L x (isotropic, non-square, smooth image)', (t) => {
      const { images } = readImagesNpy(path.join(CASE, 'radial.npy'));
      const smooth = tf.tidy(() =>
        tf.add(images, linearImage(16, 32, 0.01, 0.02, 0)).clipByValue(0, 10),
      ) as tf.Tensor4D;
      for (const g of ['rotate', 'shear-x', 'translate-y', 'scale']) {
        const h = 1e-3;
        const [plus, minus] = [
          applyGroup(smooth, g, h, { coordinates: 'isotropic' }),
          applyGroup(smooth, g, -h, { coordinates: 'isotropic' }),
        ];
        const quotient = tf.tidy(() => tf.sub(plus, minus).div(2 * h)) as tf.Tensor4D;
        const lx = imageTangent(smooth, g, { coordinates: 'isotropic' });
        // Interior only: at the border the reflected sampler has a kink. Bilinear interpolation of a
        // smooth image: the quotient is the central difference up to O(h) — measured ≤ 3.4e-4 relative.
        const err = tf.tidy(
          () => interiorMax(tf.sub(quotient, lx) as tf.Tensor4D, 2) / Math.max(interiorMax(lx, 2), 1e-12),
        );
        t.diagnostic(`${g}: ${err.toExponential(2)}`);
        assert.ok(err < TOL.discreteTangentSmoothImage, `${g}: ${err}`);
        tf.dispose([plus, minus, quotient, lx]);
      }
      tf.dispose([images, smooth]);
    });

    it('square images: isotropic is bit-identical to normalized for every group (tangent, feature tangent, finite action)', () => {
      const x = tf.randomUniform([2, 7, 7, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
      for (const g of GROUP_NAMES) {
        for (const difference of ['central', 'forward', 'gaussian'] as const) {
          assert.deepEqual(
            imageTangent(x, g, { difference, coordinates: 'isotropic' }).dataSync(),
            imageTangent(x, g, { difference }).dataSync(),
            `${g} ${difference}`,
          );
        }
        assert.deepEqual(
          featureTangent(x, g, { coordinates: 'isotropic' }).dataSync(),
          featureTangent(x, g).dataSync(),
          g,
        );
        assert.deepEqual(
          applyGroup(x, g, 0.1, { coordinates: 'isotropic' }).dataSync(),
          applyGroup(x, g, 0.1).dataSync(),
          g,
        );
      }
      assert.equal(gridCoord(3, 7, 7, 7, 'isotropic'), gridCoord(3, 7, 7, 7, 'normalized'));
      x.dispose();
    });

    it('no leaks; an unknown coordinates name is an UnknownNameError listing the valid ones', async () => {
      const x = tf.randomUniform([1, 4, 6, 3]) as tf.Tensor4D;
      await expectNoLeak(() => imageTangent(x, 'rotate', { coordinates: 'isotropic' }), 'imageTangent');
      await expectNoLeak(() => applyGroup(x, 'rotate', [0.1, 0.2], { coordinates: 'isotropic' }), 'applyGroup');
      await expectNoLeak(() => featureTangent(x, 'rotate', { coordinates: 'isotropic' }), 'featureTangent');
      assert.throws(
        () => imageTangent(x, 'rotate', { coordinates: 'pixel' as never }),
        (e: unknown) =>
          e instanceof UnknownNameError &&
          /unknown coordinates 'pixel'; valid: normalized, isotropic/.test((e as Error).message),
      );
      assert.throws(() => applyGroup(x, 'rotate', 0.1, { coordinates: 'square' as never }), UnknownNameError);
      x.dispose();
    });
  });
}

describe('nonSquareWarning', () => {
  it('says why and what to do for non-square images in normalized coordinates; nothing otherwise', () => {
    const w = nonSquareWarning(16, 32);
    assert.ok(w);
    assert.match(w!, /16×32/);
    assert.match(w!, /\(W−1\)\/2 = 15\.5 px across but \(H−1\)\/2 = 7\.5 px down/);
    assert.match(w!, /'rotate'.*not rigid/);
    assert.match(w!, /coordinates 'isotropic'/);
    assert.equal(nonSquareWarning(16, 32, 'normalized'), w);
    assert.equal(nonSquareWarning(28, 28), undefined);
    assert.equal(nonSquareWarning(16, 32, 'isotropic'), undefined);
  });
});
