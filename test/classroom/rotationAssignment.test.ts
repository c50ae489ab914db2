import * as tf from '@tensorflow/tfjs';
import * as math from 'mathjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AssignmentCheckError } from '../../src/classroom/assignmentCheckError';
import {
  centredRotationGenerator,
  checkCommutator,
  checkFlow,
  checkRotationGenerator,
  checkTangent,
  ROTATION_ASSIGNMENT,
  type RotationVariant,
} from '../../src/classroom/rotationAssignment';
import { checkRng, studentSeed, variantRng } from '../../src/classroom/variant';
import { defineGroup, flow, getGroup, imageTangent } from '../../src/groups';
import { rows } from '../../src/groups/generators';
import { LiederivError } from '../../src/errors';
import { setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';
import { TOL } from '../helpers/tolerances';

const STUDENTS = ['s001', 'ada.lovelace', 'student-42', 'x'];
const variantOf = (id: string): RotationVariant =>
  ROTATION_ASSIGNMENT.variant(variantRng(studentSeed(id), ROTATION_ASSIGNMENT.id));
const ctx = (id: string, draw = 1) => ({ variant: variantOf(id), rand: checkRng(draw).rand });

/** Asserts the check throws an AssignmentCheckError whose feedback matches `feedback` and does not contain `notContaining`. */
function rejects(fn: () => unknown, feedback: RegExp, notContaining: string[] = []): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(
      err instanceof AssignmentCheckError && err instanceof LiederivError,
      `expected AssignmentCheckError, got ${String(err)}`,
    );
    assert.match((err as Error).message, /^✗ Q\d /);
    assert.match((err as Error).message, feedback);
    for (const s of notContaining)
      assert.ok(!(err as Error).message.includes(s), `feedback gives away '${s}': ${(err as Error).message}`);
    return true;
  });
}

// The solutions, written by hand from DESIGN §2 (not from the library).
/** Field of a rotation about (a, b): X(u, v) = (v − b, a − u). */
const generatorByHand = ([a, b]: [number, number]) => [
  [0, 1, -b],
  [-1, 0, a],
  [0, 0, 0],
];
/** expm by a Taylor series with scaling and squaring (independent of mathjs' Padé). */
function expmByHand(G: number[][], t: number): number[][] {
  const mul = (A: number[][], B: number[][]) =>
    A.map((r, i) => B[0].map((_, j) => r.reduce((s, _v, k) => s + A[i][k] * B[k][j], 0)));
  const s = 8;
  const M = G.map((r) => r.map((v) => (v * t) / 2 ** s));
  let term = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  let sum = term.map((r) => [...r]);
  for (let k = 1; k < 20; k++) {
    term = mul(term, M).map((r) => r.map((v) => v / k));
    sum = sum.map((r, i) => r.map((v, j) => v + term[i][j]));
  }
  for (let k = 0; k < s; k++) sum = mul(sum, sum);
  return sum;
}
/** A hand-written central-difference tangent in pixel loops (reflect borders ⇒ 0 there). */
function tangentByHand(x: tf.Tensor4D, G: number[][], { swapHW = false } = {}): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const v = x.dataSync();
  const out = new Float32Array(v.length);
  const at = (b: number, i: number, j: number, c: number) => v[((b * H + i) * W + j) * C + c];
  const [sH, sW] = swapHW ? [W, H] : [H, W];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < C; c++) {
          const du = j === 0 || j === W - 1 ? 0 : ((at(b, i, j + 1, c) - at(b, i, j - 1, c)) / 2) * ((sW - 1) / 2);
          const dv = i === 0 || i === H - 1 ? 0 : ((at(b, i + 1, j, c) - at(b, i - 1, j, c)) / 2) * ((sH - 1) / 2);
          const u = -1 + (2 * j) / (sW - 1);
          const vv = -1 + (2 * i) / (sH - 1);
          const Xu = G[0][0] * u + G[0][1] * vv + G[0][2];
          const Xv = G[1][0] * u + G[1][1] * vv + G[1][2];
          out[((b * H + i) * W + j) * C + c] = Xu * du + Xv * dv;
        }
  return tf.tensor4d(out, x.shape);
}

describe('assignment 01: the rotation generator', () => {
  before(() => setTestBackend('cpu'));

  it('variants differ between students and repeat for one student', () => {
    const vs = STUDENTS.map((s) => JSON.stringify(variantOf(s)));
    assert.ok(new Set(vs).size >= 3, `variants: ${vs.join(' | ')}`);
    assert.deepEqual(variantOf('s001'), variantOf('s001'));
    for (const s of STUDENTS)
      assert.ok(
        variantOf(s).centre.every((c) => Math.abs(c) >= 0.2),
        'the centre is never the image centre',
      );
  });

  it('Q1 accepts the hand-derived generator of every student, and the library agrees with it', () => {
    for (const s of STUDENTS) {
      const v = variantOf(s);
      assert.deepEqual(
        centredRotationGenerator(v.centre)
          .flat()
          .map((x) => x + 0),
        generatorByHand(v.centre)
          .flat()
          .map((x) => x + 0),
      );
      assert.equal(checkRotationGenerator(generatorByHand(v.centre), { variant: v }).status, 'pass');
      assert.equal(checkRotationGenerator(math.matrix(generatorByHand(v.centre)), { variant: v }).status, 'pass');
    }
  });

  it("Q1 shortcut: copying getGroup('rotate').generator fails, and no feedback states the answer", () => {
    for (const s of STUDENTS) {
      const v = variantOf(s);
      const want = generatorByHand(v.centre);
      const hide = [JSON.stringify(want), `${-v.centre[1]}, ${v.centre[0]}`];
      rejects(
        () => checkRotationGenerator(rows(getGroup('rotate').generator), { variant: v }),
        /leaves that point fixed.*rotates about the image centre/,
        hide,
      );
      rejects(
        () =>
          checkRotationGenerator(
            [
              [0, 0, 0],
              [0, 0, 0],
              [0, 0, 0],
            ],
            { variant: v },
          ),
        /all zeros.*trivial group/,
        hide,
      );
      rejects(
        () =>
          checkRotationGenerator(
            want.map((r) => r.map((x) => -x)),
            { variant: v },
          ),
        /turns the other way/,
        hide,
      );
      rejects(
        () =>
          checkRotationGenerator(
            want.map((r) => r.map((x, j) => (j < 2 ? 2 * x : x))),
            { variant: v },
          ),
        /wrong speed/,
        hide,
      );
      rejects(
        () =>
          checkRotationGenerator(
            [
              [0, 1, 0],
              [1, 0, 0],
              [0, 0, 0],
            ],
            { variant: v },
          ),
        /antisymmetric/,
        hide,
      );
      rejects(
        () =>
          checkRotationGenerator(
            [
              [0, 1, -v.centre[1]],
              [-1, 0, -v.centre[0]],
              [0, 0, 0],
            ],
            { variant: v },
          ),
        /leaves that point fixed/,
        hide,
      );
      rejects(
        () => checkRotationGenerator([...want.slice(0, 2), [0, 0, 1]], { variant: v }),
        /last row must be all zeros/,
        hide,
      );
      rejects(
        () =>
          checkRotationGenerator(
            [
              [0, 1],
              [-1, 0],
            ],
            { variant: v },
          ),
        /3×3 array/,
      );
    }
  });

  it('Q2 accepts expm(tG) (mathjs or hand-written) for every student and several draws', () => {
    for (const s of STUDENTS)
      for (const draw of [1, 2, 3]) {
        assert.equal(
          checkFlow((G, t) => math.expm(math.multiply(t, math.matrix(G)) as math.Matrix), ctx(s, draw)).status,
          'pass',
        );
        assert.equal(checkFlow((G, t) => expmByHand(G, t), ctx(s, draw)).status, 'pass');
      }
  });

  it('Q2 shortcuts fail: the hard-coded cos/sin matrix, a lookup table at the old five t, I + tG, the inverse, calling the library', () => {
    const cosSin = (_G: number[][], t: number) => [
      [Math.cos(t), Math.sin(t), 0],
      [-Math.sin(t), Math.cos(t), 0],
      [0, 0, 1],
    ];
    const oldTs = [0, 0.3, -1, Math.PI / 2, 2.5];
    const table = new Map(oldTs.map((t) => [t, cosSin([], t)]));
    const lookup = (_G: number[][], t: number) =>
      table.get(t) ?? [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ];
    for (const s of STUDENTS)
      for (const draw of [1, 2]) {
        const c = ctx(s, draw);
        rejects(() => checkFlow(cosSin, c), /ignores its G argument/);
        rejects(() => checkFlow(lookup, c), /ignores its G argument|identity|group law|flow/);
        rejects(
          () => checkFlow((G, t) => G.map((r, i) => r.map((x, j) => (i === j ? 1 : 0) + t * x)), c),
          /first-order approximation/,
        );
        rejects(
          () => checkFlow((G, t) => math.expm(math.multiply(-t, math.matrix(G)) as math.Matrix), c),
          /inverse map/,
        );
        rejects(
          () =>
            checkFlow(
              () => [
                [0, 0, 0],
                [0, 0, 0],
                [0, 0, 0],
              ],
              c,
            ),
          /t = 0 the flow must be the identity/,
        );
        rejects(
          () =>
            checkFlow(() => {
              throw new Error('TODO');
            }, c),
          /threw "TODO"/,
        );
      }
    // A lookup table built from the inputs of one run fails the next run (fresh inputs per check).
    const seen = new Map<string, number[][]>();
    const record = (G: number[][], t: number) => {
      const A = expmByHand(G, t);
      seen.set(JSON.stringify([G, t]), A);
      return A;
    };
    assert.equal(checkFlow(record, ctx('s001', 7)).status, 'pass');
    const replay = (G: number[][], t: number) =>
      seen.get(JSON.stringify([G, t])) ??
      (t === 0
        ? [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ]
        : [
            [0, 0, 0],
            [0, 0, 0],
            [0, 0, 0],
          ]);
    rejects(() => checkFlow(replay, ctx('s001', 8)), /./);
    rejects(
      () => checkFlow((G, t) => flow(defineGroup('mine', G, 'spatial'), t), ctx('s001')),
      /calls liederiv's own defineGroup, flow/,
    );
  });

  it("Q3 accepts each student's bracket as basis coefficients and diagnoses sign and term mistakes without the answer", () => {
    const byHand = (A: number[][], B: number[][]) => {
      const AB = rows(math.multiply(math.matrix(A), math.matrix(B)) as math.Matrix);
      const BA = rows(math.multiply(math.matrix(B), math.matrix(A)) as math.Matrix);
      return AB.map((r, i) => r.map((x, j) => x - BA[i][j]));
    };
    const asBasis = (m: number[][]) =>
      Object.fromEntries(
        (
          [
            [m[0][2], 'translate-x'],
            [m[1][2], 'translate-y'],
            [m[0][0], 'stretch-x'],
            [m[1][1], 'stretch-y'],
            [m[0][1], 'shear-x'],
            [m[1][0], 'shear-y'],
          ] as Array<[number, string]>
        )
          .filter(([c]) => c !== 0)
          .map(([c, g]) => [g, c]),
      );
    for (const s of [...STUDENTS, 'b1', 'b2', 'b3', 'b4']) {
      const v = variantOf(s);
      const [A, B] = v.pair.map((g) => rows(getGroup(g).generator));
      const answer = asBasis(byHand(A, B));
      assert.equal(
        checkCommutator(answer, { variant: v }).status,
        'pass',
        `${s}: ${JSON.stringify(v.pair)} → ${JSON.stringify(answer)}`,
      );
      if (Object.keys(answer).length) {
        const hide = Object.keys(answer).map((k) => `'${k}'`);
        rejects(
          () => checkCommutator(Object.fromEntries(Object.entries(answer).map(([k, c]) => [k, -c])), { variant: v }),
          /sign is flipped/,
          hide,
        );
        rejects(() => checkCommutator({ 'stretch-y': 3 }, { variant: v }), /not the basis terms|commute|compute/, hide);
      }
      rejects(() => checkCommutator({ rotate: 1 }, { variant: v }), /not one of the basis groups/);
      rejects(() => checkCommutator('translate-y', { variant: v }), /expected an object/);
    }
  });

  it('Q4 accepts a hand-written tangent on random non-square images for every student and several draws; no leak', async () => {
    for (const s of STUDENTS)
      for (const draw of [1, 2]) {
        assert.equal(checkTangent((x, G) => tangentByHand(x, G), ctx(s, draw)).status, 'pass');
      }
    await expectNoLeak(() => checkTangent((x, G) => tangentByHand(x, G), ctx('s001')), 'checkTangent');
    await expectNoLeak(() => {
      try {
        checkTangent((x) => tf.zerosLike(x), ctx('s001'));
      } catch {
        /* expected */
      }
    }, 'checkTangent (failing)');
  });

  it('Q4 shortcuts fail: the library imageTangent, the origin rotation, H/W swapped (passes only on squares), sign, borders', () => {
    for (const s of STUDENTS)
      for (const draw of [1, 2]) {
        const c = ctx(s, draw);
        rejects(() => checkTangent((x) => imageTangent(x, 'rotate'), c), /calls liederiv's own imageTangent/);
        rejects(
          () =>
            checkTangent(
              (x) =>
                tangentByHand(x, [
                  [0, 1, 0],
                  [-1, 0, 0],
                  [0, 0, 0],
                ]),
              c,
            ),
          /wrong on a \d+×\d+ test image/,
        );
        rejects(() => checkTangent((x, G) => tangentByHand(x, G, { swapHW: true }), c), /not square/);
        rejects(() => checkTangent((x, G) => tf.neg(tangentByHand(x, G)), c), /opposite sign/);
        rejects(() => checkTangent((x) => tf.zerosLike(x), c), /zero everywhere/);
        rejects(() => checkTangent((x) => tf.slice(x, [0, 0, 0, 0], [-1, 4, -1, -1]), c), /shape of x/);
        rejects(
          () =>
            checkTangent(
              (x, G) =>
                tf.tidy(() => {
                  const [, H, W] = x.shape;
                  return tf.pad(
                    tf.slice(tangentByHand(x, G), [0, 1, 1, 0], [-1, H - 2, W - 2, -1]),
                    [
                      [0, 0],
                      [1, 1],
                      [1, 1],
                      [0, 0],
                    ],
                    1,
                  );
                }),
              c,
            ),
          /wrong on the border pixels/,
        );
      }
    // The swapped-H/W answer is right on a square image, which is why the checks never use one.
    const sq = tf.randomUniform([1, 12, 12, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const G = generatorByHand([0.3, -0.2]);
    const a = tangentByHand(sq, G, { swapHW: true });
    const b = tangentByHand(sq, G);
    assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]) < TOL.float32FewOps);
    tf.dispose([sq, a, b]);
  });
});
