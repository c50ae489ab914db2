import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as math from 'mathjs';
import {
  combineGroups,
  commutator,
  commutatorGroup,
  defineGroup,
  flow,
  generatorLatex,
  getGroup,
  GROUP_NAMES,
  spatialCoefficients,
} from '../../src/groups';
import { InputError } from '../../src/errors';
import { TOL } from '../helpers/tolerances';

const maxAbsDiff = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i][j]))));
const arr = (m: math.Matrix) => m.toArray() as number[][];

const w = [0.299, 0.587, 0.114];

describe('generator algebra (mathjs)', () => {
  for (const name of GROUP_NAMES) {
    it(`${name}: d/dt expm(tG)|₀ = G and expm(sG)·expm(tG) = expm((s+t)G)`, () => {
      const G = arr(getGroup(name).generator);
      const h = 1e-5; // central difference: O(h²·|G|³) ≈ 1e-10 truncation, ~1e-11 round-off
      const d = flow(name, h).map((r, i) => r.map((v, j) => (v - flow(name, -h)[i][j]) / (2 * h)));
      assert.ok(maxAbsDiff(d, G) < TOL.float64CentralDifference, `derivative error ${maxAbsDiff(d, G)}`);
      const [s, t] = [0.37, -1.2];
      const composed = math.multiply(math.matrix(flow(name, s)), math.matrix(flow(name, t))) as math.Matrix;
      assert.ok(maxAbsDiff(arr(composed), flow(name, s + t)) < TOL.float64ClosedForm);
    });
  }

  it('[rotate, translate-x] = −translate-y (matrix commutator AB − BA of the generators)', () => {
    // R = [[0,1,0],[−1,0,0],0], T = e₀e₂ᵀ: RT = −e₁e₂ᵀ, TR = 0 (R's last row is 0).
    const c = commutator('rotate', 'translate-x');
    assert.deepEqual(
      arr(c).map((r) => r.map((v) => v + 0)),
      [
        [0, 0, 0],
        [0, 0, -1],
        [0, 0, 0],
      ],
    );
    assert.deepEqual(spatialCoefficients(c), [[-1, 'translate-y']]);
    assert.deepEqual(spatialCoefficients(commutator('rotate', 'translate-y')), [[1, 'translate-x']]);
  });

  it('other brackets: [shear-x, shear-y] = stretch-x − stretch-y, [stretch-x, translate-x] = translate-x, [rotate, scale] = 0', () => {
    // hand-checked: R·H = diag(1, −1), H·R = diag(−1, 1) for R = [[0,1],[−1,0]], H = [[0,1],[1,0]].
    assert.deepEqual(spatialCoefficients(commutator('shear-x', 'shear-y')), [
      [1, 'stretch-x'],
      [-1, 'stretch-y'],
    ]);
    assert.deepEqual(spatialCoefficients(commutator('stretch-x', 'translate-x')), [[1, 'translate-x']]);
    assert.deepEqual(spatialCoefficients(commutator('rotate', 'scale')), []);
    assert.deepEqual(spatialCoefficients(commutator('rotate', 'hyperbolic-rotate')), [
      [2, 'stretch-x'],
      [-2, 'stretch-y'],
    ]);
  });

  it('colour brackets: hue commutes with brightness, not with Rec.601 saturation; contrast needs commutatorGroup', () => {
    assert.ok(Math.max(...arr(commutator('hue', 'brightness')).flat().map(Math.abs)) === 0);
    // [K, I − 1wᵀ] = 1(wᵀK) − (K1)wᵀ = 1(wᵀK): zero only for uniform weights (K1 = 0, wᵀK ∝ (w_g − w_b, w_b − w_r, w_r − w_g)).
    const s = 1 / Math.sqrt(3);
    const wK = [s * (w[1] - w[2]), s * (w[2] - w[0]), s * (w[0] - w[1])];
    assert.ok(maxAbsDiff(arr(commutator('hue', 'saturation')), [wK, wK, wK]) < TOL.float64FewOps);
    assert.throws(() => commutator('contrast', 'hue'), /use commutatorGroup/);
    const g = commutatorGroup('contrast', 'hue');
    // Pixel parts commute ([I, K] = 0); mean parts [I − 1wᵀ, K] = −1(wᵀK) ≠ 0 since K1 = 0.
    assert.ok(Math.max(...arr(g.generator).flat().map(Math.abs)) === 0);
    assert.ok(Math.max(...arr(g.meanGenerator!).flat().map(Math.abs)) > 0.1);
    assert.throws(() => commutator('rotate', 'hue'), InputError);
  });

  it('combineGroups: shear-x − shear-y is rotate; scale = −stretch-x − stretch-y; kinds must match', () => {
    assert.deepEqual(
      arr(
        combineGroups('r', [
          [1, 'shear-x'],
          [-1, 'shear-y'],
        ]).generator,
      ),
      arr(getGroup('rotate').generator),
    );
    assert.deepEqual(
      arr(
        combineGroups('s', [
          [-1, 'stretch-x'],
          [-1, 'stretch-y'],
        ]).generator,
      ),
      arr(getGroup('scale').generator),
    );
    const mixed = combineGroups('c+h', [
      [1, 'contrast'],
      [0.5, 'hue'],
    ]);
    assert.ok(mixed.meanGenerator, 'a combination with contrast keeps a mean part');
    assert.throws(
      () =>
        combineGroups('bad', [
          [1, 'rotate'],
          [1, 'hue'],
        ]),
      /one kind/,
    );
    assert.throws(() => combineGroups('bad', []), InputError);
    assert.throws(() => combineGroups('bad', [[NaN, 'rotate']]), /finite/);
  });

  it('defineGroup: 2×3 affine → spatial; 3×3 → colour unless kind = spatial (last row must be 0)', () => {
    const g = defineGroup('rot+tx', [
      [0, 1, 1],
      [-1, 0, 0],
    ]);
    assert.equal(g.kind, 'spatial');
    assert.deepEqual(arr(g.generator), [
      [0, 1, 1],
      [-1, 0, 0],
      [0, 0, 0],
    ]);
    assert.match(g.description, /field X = \(v \+ 1, -u\)/);
    assert.equal(
      defineGroup('swap-rg', [
        [0, 1, 0],
        [1, 0, 0],
        [0, 0, 0],
      ]).kind,
      'color',
    );
    assert.equal(
      defineGroup(
        'tx3',
        [
          [0, 0, 1],
          [0, 0, 0],
          [0, 0, 0],
        ],
        'spatial',
      ).kind,
      'spatial',
    );
    assert.throws(
      () =>
        defineGroup(
          'bad',
          [
            [0, 0, 1],
            [0, 0, 0],
            [0, 0, 1],
          ],
          'spatial',
        ),
      /last row \[0, 0, 0\]/,
    );
    assert.throws(
      () =>
        defineGroup('bad', [
          [0, 1],
          [1, 0],
        ]),
      /two rows of three finite numbers, got 2×2/,
    );
    assert.throws(
      () =>
        defineGroup('bad', [
          [0, 1, 0, 0],
          [1, 0, 0, 0],
          [0, 0, 0, 0],
          [0, 0, 0, 0],
        ]),
      /2×3 affine or 3×3/,
    );
    assert.throws(
      () =>
        defineGroup('bad', [
          [0, 1, NaN],
          [1, 0, 0],
        ]),
      /finite/,
    );
    assert.throws(
      () =>
        defineGroup(
          'bad',
          [
            [0, 1, 0],
            [1, 0, 0],
          ],
          'color',
        ),
      /3×3 on RGB/,
    );
    assert.throws(
      () =>
        defineGroup('', [
          [0, 1, 0],
          [1, 0, 0],
        ]),
      /name/,
    );
    // A Group object passes through getGroup; a malformed one is refused.
    assert.equal(getGroup(g), g);
    assert.throws(() => getGroup({ name: 'x', kind: 'spatial', generator: [[1]] } as never), InputError);
  });

  it('LaTeX of each generator', () => {
    assert.equal(getGroup('rotate').latex, String.raw`\begin{pmatrix}0&1&0\\-1&0&0\\0&0&0\end{pmatrix}`);
    assert.equal(
      generatorLatex([
        [0, 0.5, 0],
        [1 / 3, 0, 0],
        [0, 0, 0],
      ]),
      String.raw`\begin{pmatrix}0&0.5&0\\0.3333&0&0\\0&0&0\end{pmatrix}`,
    );
    assert.match(getGroup('hue').latex, /sqrt\{3\}/);
  });
});
