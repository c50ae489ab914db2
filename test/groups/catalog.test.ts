import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as math from 'mathjs';
import { COLOR_GROUP_NAMES, flow, getGroup, GROUP_NAMES, meanFlow, SPATIAL_GROUP_NAMES } from '../../src/groups';
import { UnknownNameError } from '../../src/errors';
import { TOL } from '../helpers/tolerances';

const maxAbsDiff = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i][j]))));
const arr = (m: math.Matrix) => m.toArray() as number[][];

/** DESIGN §2's A_t column, written out independently of the catalog. */
const DESIGN_FLOWS: Record<string, (t: number) => number[][]> = {
  'translate-x': (t) => [
    [1, 0, t],
    [0, 1, 0],
  ],
  'translate-y': (t) => [
    [1, 0, 0],
    [0, 1, t],
  ],
  rotate: (t) => [
    [Math.cos(t), Math.sin(t), 0],
    [-Math.sin(t), Math.cos(t), 0],
  ],
  'shear-x': (t) => [
    [1, t, 0],
    [0, 1, 0],
  ],
  'shear-y': (t) => [
    [1, 0, 0],
    [t, 1, 0],
  ],
  'stretch-x': (t) => [
    [Math.exp(t), 0, 0],
    [0, 1, 0],
  ],
  'stretch-y': (t) => [
    [1, 0, 0],
    [0, Math.exp(t), 0],
  ],
  scale: (t) => [
    [Math.exp(-t), 0, 0],
    [0, Math.exp(-t), 0],
  ],
  'hyperbolic-rotate': (t) => [
    [Math.cosh(t), Math.sinh(t), 0],
    [Math.sinh(t), Math.cosh(t), 0],
  ],
};
/** DESIGN §2's field column X(u, v). */
const DESIGN_FIELDS: Record<string, (u: number, v: number) => [number, number]> = {
  'translate-x': () => [1, 0],
  'translate-y': () => [0, 1],
  rotate: (u, v) => [v, -u],
  'shear-x': (u, v) => [v, 0],
  'shear-y': (u) => [0, u],
  'stretch-x': (u) => [u, 0],
  'stretch-y': (u, v) => [0, v],
  scale: (u, v) => [-u, -v],
  'hyperbolic-rotate': (u, v) => [v, u],
};

const w = [0.299, 0.587, 0.114];
const I3 = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];
const oneWt = [w, w, w]; // 1 wᵀ: every row is w
/** Rodrigues rotation by t about k = (1,1,1)/√3: cos t I + sin t [k]× + (1 − cos t) k kᵀ. */
const rodrigues = (t: number) => {
  const s = 1 / Math.sqrt(3);
  const K = [
    [0, -s, s],
    [s, 0, -s],
    [-s, s, 0],
  ];
  return I3.map((r, i) => r.map((v, j) => Math.cos(t) * v + Math.sin(t) * K[i][j] + (1 - Math.cos(t)) / 3));
};
const COLOR_FLOWS: Record<string, (t: number) => number[][]> = {
  hue: rodrigues,
  saturation: (t) => I3.map((r, i) => r.map((v, j) => oneWt[i][j] + Math.exp(t) * (v - oneWt[i][j]))),
  brightness: (t) => I3.map((r) => r.map((v) => Math.exp(t) * v)),
  contrast: (t) => I3.map((r) => r.map((v) => Math.exp(t) * v)), // pixel part; the mean part is saturation's
};

describe('catalog (DESIGN §2 tables)', () => {
  it("names, kinds and order are DESIGN's", () => {
    assert.deepEqual(SPATIAL_GROUP_NAMES, [
      'translate-x',
      'translate-y',
      'rotate',
      'shear-x',
      'shear-y',
      'stretch-x',
      'stretch-y',
      'scale',
      'hyperbolic-rotate',
    ]);
    assert.deepEqual(COLOR_GROUP_NAMES, ['hue', 'saturation', 'brightness', 'contrast']);
    assert.deepEqual(GROUP_NAMES, [...SPATIAL_GROUP_NAMES, ...COLOR_GROUP_NAMES]);
    for (const n of GROUP_NAMES) {
      const g = getGroup(n);
      assert.equal(g.kind, (SPATIAL_GROUP_NAMES as string[]).includes(n) ? 'spatial' : 'color');
      assert.ok(g.latex.length > 0 && g.description.length > 10, n);
    }
  });

  for (const name of SPATIAL_GROUP_NAMES) {
    it(`${name}: expm(tG) is DESIGN's A_t and G p is DESIGN's field`, () => {
      for (const t of [-0.7, 0.3, 1.9]) {
        const A = flow(name, t);
        // mathjs expm (Padé) vs closed forms: agreement to ~1e-15; 1e-12 leaves room for cosh/sinh at t = 1.9.
        assert.ok(maxAbsDiff(A.slice(0, 2), DESIGN_FLOWS[name](t)) < TOL.float64ClosedForm, `t = ${t}`);
        assert.deepEqual(A[2], [0, 0, 1]);
      }
      const G = arr(getGroup(name).generator);
      for (const [u, v] of [
        [0.3, -0.8],
        [-1, 1],
        [0.5, 0.25],
      ]) {
        const X = [0, 1].map((r) => G[r][0] * u + G[r][1] * v + G[r][2]);
        assert.deepEqual(
          X,
          DESIGN_FIELDS[name](u, v).map((c) => c + 0),
        ); // + 0 turns −0 into 0
      }
    });
  }

  for (const name of COLOR_GROUP_NAMES) {
    it(`${name}: expm(tG) is the closed-form action`, () => {
      for (const t of [-0.9, 0.4, (2 * Math.PI) / 3])
        assert.ok(maxAbsDiff(flow(name, t), COLOR_FLOWS[name](t)) < TOL.float64ClosedForm, `t = ${t}`);
    });
  }

  it("contrast: the mean part is saturation's flow (x̄ ↦ m1 + e^t(x̄ − m1))", () => {
    for (const t of [-0.5, 0.8])
      assert.ok(maxAbsDiff(meanFlow('contrast', t), COLOR_FLOWS.saturation(t)) < TOL.float64ClosedForm);
    // Groups without a mean generator: meanFlow = flow.
    assert.ok(maxAbsDiff(meanFlow('hue', 0.4), flow('hue', 0.4)) === 0);
  });

  it('unknown names list the valid ones', () => {
    assert.throws(
      () => getGroup('rot'),
      (e: unknown) =>
        e instanceof UnknownNameError && e.message === `unknown group 'rot'; valid: ${GROUP_NAMES.join(', ')}`,
    );
  });
});
