/**
 * Assignment 01 (the rotation generator): the generator of a rotation about the student's own
 * centre, the flow expm(tG) of any generator, a commutator of the student's pair of groups, and the
 * image tangent L x of any affine generator. Expected answers come from the library (src/groups);
 * the student's notebook does not import it. Inputs are drawn per check: random non-square images,
 * random t, several generators, so an answer that ignores an argument or memorises values fails.
 */
import * as tf from '@tensorflow/tfjs';
import * as math from 'mathjs';
import { AFFINE_BASIS, commutator, defineGroup, getGroup, imageTangent, spatialCoefficients } from '../groups';
import { rows } from '../groups/generators';
import {
  AssignmentCheckError,
  asRows,
  callStudent,
  matrixText,
  passed,
  refuseReferenceCalls,
  type CheckOutcome,
} from './assignmentCheckError';
import type { AssignmentSpec, CheckContext } from './session';
import { pick, randomImages, uniform, type Rand } from './variant';

export interface RotationVariant {
  /** Rotation centre (u, v) in normalized coordinates (u right, v down, both in [−1, 1]). */
  centre: [number, number];
  /** The pair [A, B] whose commutator the student computes. */
  pair: [string, string];
}

const PAIRS: Array<[string, string]> = [
  ['rotate', 'translate-x'],
  ['rotate', 'translate-y'],
  ['scale', 'translate-x'],
  ['scale', 'translate-y'],
  ['shear-x', 'translate-y'],
  ['stretch-x', 'shear-x'],
  ['rotate', 'stretch-x'],
  ['shear-x', 'shear-y'],
];

const coord = (rand: Rand) => ((rand() < 0.5 ? -1 : 1) * (2 + Math.floor(rand() * 5))) / 10; // ±0.2 … ±0.6

export const ROTATION_ASSIGNMENT: AssignmentSpec<RotationVariant> = {
  id: '01-rotation-generator',
  title: 'The rotation generator',
  checks: [
    { id: 'Q1', title: 'rotation generator', points: 2 },
    { id: 'Q2', title: 'the flow expm(tG)', points: 2 },
    { id: 'Q3', title: 'the commutator', points: 2 },
    { id: 'Q4', title: 'the image tangent', points: 4 },
  ],
  variant: (rand) => ({ centre: [coord(rand), coord(rand)], pair: pick(rand, PAIRS) }),
};

/** Liederiv functions a student's answer may not call (the grader compares against them). */
export const ROTATION_REFERENCES = [
  'imageTangent',
  'featureTangent',
  'applyGroup',
  'lieDerivative',
  'getGroup',
  'defineGroup',
  'combineGroups',
  'flow',
  'commutator',
  'spatialCoefficients',
];

const close = (a: number[][], b: number[][], tol = 1e-6) =>
  a.length === b.length &&
  a.every(
    (r, i) =>
      r.length === b[i].length && r.every((v, j) => Math.abs(v - b[i][j]) <= tol * Math.max(1, Math.abs(b[i][j]))),
  );
const expm = (G: number[][], t: number) => rows(math.expm(math.multiply(t, math.matrix(G)) as math.Matrix));

/** The generator of the rotation about `centre`: T_c G_rotate T_c⁻¹ (conjugation by the translation to c). */
export function centredRotationGenerator([a, b]: [number, number]): number[][] {
  const Tc = math.matrix([
    [1, 0, a],
    [0, 1, b],
    [0, 0, 1],
  ]);
  const TcInv = math.matrix([
    [1, 0, -a],
    [0, 1, -b],
    [0, 0, 1],
  ]);
  return rows(math.multiply(math.multiply(Tc, getGroup('rotate').generator), TcInv) as math.Matrix).map((r) =>
    r.map((v) => (Math.abs(v) < 1e-15 ? 0 : v)),
  );
}

/** Q1: the 3×3 homogeneous generator of the rotation about the student's centre. */
export function checkRotationGenerator(
  answer: unknown,
  { variant }: Pick<CheckContext<RotationVariant>, 'variant'>,
): CheckOutcome {
  const q = 'Q1 rotation generator';
  const G = asRows(answer);
  if (!G || G.length !== 3 || G.some((r) => r.length !== 3) || G.flat().some((v) => !Number.isFinite(v))) {
    throw new AssignmentCheckError(
      q,
      `expected a 3×3 array of numbers (homogeneous form: rows for u, v and a last row of zeros), got ${JSON.stringify(answer)}`,
    );
  }
  const want = centredRotationGenerator(variant.centre);
  const [a, b] = variant.centre;
  if (G.flat().every((v) => v === 0)) {
    throw new AssignmentCheckError(
      q,
      'your matrix is all zeros: that generates the trivial group (T_t = identity for every t). Write the field of a rotation, X(u, v), as G·(u, v, 1): which entries multiply u and v, and which constants move the centre?',
    );
  }
  if (G[2].some((v) => v !== 0))
    throw new AssignmentCheckError(q, 'the last row must be all zeros (homogeneous coordinates: the 1 never changes).');
  const lin = [
    [G[0][0], G[0][1]],
    [G[1][0], G[1][1]],
  ];
  const wantLin = [
    [want[0][0], want[0][1]],
    [want[1][0], want[1][1]],
  ];
  if (Math.abs(lin[0][1] + lin[1][0]) + Math.abs(lin[0][0]) + Math.abs(lin[1][1]) > 1e-9) {
    throw new AssignmentCheckError(
      q,
      'the 2×2 part of a rotation generator is antisymmetric with a zero diagonal (its flow preserves lengths and angles); yours stretches or shears.',
    );
  }
  if (lin[0][1] === 0)
    throw new AssignmentCheckError(
      q,
      'your 2×2 part is zero: that is a pure translation, which moves every point, not a rotation.',
    );
  const c = lin[0][1] / wantLin[0][1];
  if (Math.abs(c + 1) < 1e-9) {
    throw new AssignmentCheckError(
      q,
      "your rotation turns the other way. In liederiv's coordinates v points DOWN and the output pixel at p samples the input at A_t p (DESIGN §2); differentiate A_t at t = 0 with that orientation.",
    );
  }
  if (Math.abs(c - 1) > 1e-9)
    throw new AssignmentCheckError(
      q,
      `your rotation has the wrong speed (${Number(c.toPrecision(3))}× a unit one): t is the angle in radians, so t = 1 must turn by one radian.`,
    );
  const atCentre = [G[0][0] * a + G[0][1] * b + G[0][2], G[1][0] * a + G[1][1] * b + G[1][2]];
  if (Math.hypot(atCentre[0], atCentre[1]) > 1e-9) {
    const why =
      G[0][2] === 0 && G[1][2] === 0
        ? ' Your matrix rotates about the image centre (0, 0); yours is a different point.'
        : '';
    throw new AssignmentCheckError(
      q,
      `a rotation about your centre (u, v) = (${a}, ${b}) leaves that point fixed, so its field vanishes there: G·(${a}, ${b}, 1) must be 0, and yours is not.${why}`,
    );
  }
  if (!close(G, want, 1e-9))
    throw new AssignmentCheckError(
      q,
      'not the generator of a unit-speed rotation about your centre; compare the field G·(u, v, 1) with the velocity of a point turning about it.',
    );
  return passed(`G = ${matrixText(G)}: the field of a rotation about (${a}, ${b}), t in radians.`);
}

/** A random affine generator with entries in [−1, 1] (last row 0). */
function randomGenerator(rand: Rand): number[][] {
  return [[0, 1, 2].map(() => uniform(rand, -1, 1)), [0, 1, 2].map(() => uniform(rand, -1, 1)), [0, 0, 0]];
}

/** Q2: flowOf(G, t) = expm(tG), for the student's generator and random ones, at random t. */
export function checkFlow(
  flowFn: (G: number[][], t: number) => unknown,
  { variant, rand }: Pick<CheckContext<RotationVariant>, 'variant' | 'rand'>,
): CheckOutcome {
  const q = 'Q2 the flow expm(tG)';
  if (typeof flowFn !== 'function')
    throw new AssignmentCheckError(q, `expected a function (G, t) ↦ 3×3 matrix, got ${typeof flowFn}`);
  refuseReferenceCalls(q, flowFn, ROTATION_REFERENCES);
  const gens = [centredRotationGenerator(variant.centre), randomGenerator(rand), randomGenerator(rand)];
  const call = (G: number[][], t: number) => {
    const got = asRows(
      callStudent(q, 'your flow function', () =>
        flowFn(
          G.map((r) => [...r]),
          t,
        ),
      ),
    );
    if (!got || got.length !== 3 || got.some((r) => r.length !== 3) || got.flat().some((v) => !Number.isFinite(v)))
      throw new AssignmentCheckError(q, `expected a 3×3 matrix of numbers, got ${JSON.stringify(got)}`);
    return got;
  };
  const id3 = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  if (!close(call(gens[1], 0), id3))
    throw new AssignmentCheckError(q, 'at t = 0 the flow must be the identity (T_0 = id), and yours is not.');
  const results = gens.map((G) => {
    const t = uniform(rand, 0.4, 2.5) * (rand() < 0.5 ? -1 : 1);
    return { G, t, got: call(G, t) };
  });
  if (
    close(results[1].got, results[2].got, 1e-9) ||
    close(call(gens[1], results[1].t), call(gens[2], results[1].t), 1e-9)
  ) {
    throw new AssignmentCheckError(
      q,
      'your function returns the same matrix for two different generators: it ignores its G argument. The flow is a function of G and t.',
    );
  }
  for (const { G, t, got } of results) {
    if (close(got, expm(G, t), 1e-6)) continue;
    const firstOrder = G.map((r, i) => r.map((v, j) => (i === j ? 1 : 0) + t * v));
    if (close(got, firstOrder, 1e-6))
      throw new AssignmentCheckError(
        q,
        'you return I + tG, only the first-order approximation of the flow (for a rotation it is not even a rotation: its determinant is 1 + t²). Which function of a matrix solves dA/dt = G·A with A_0 = I?',
      );
    if (close(got, expm(G, -t), 1e-6))
      throw new AssignmentCheckError(
        q,
        'you return the inverse map, the flow at −t: check the sign of t in your exponent.',
      );
    const half = call(G, t / 2);
    const square = rows(math.multiply(math.matrix(half), math.matrix(half)) as math.Matrix);
    if (!close(square, got, 1e-6))
      throw new AssignmentCheckError(
        q,
        'your flow breaks the group law A_{t/2}·A_{t/2} = A_t for one of the test generators: a flow of one generator composes by adding times.',
      );
    throw new AssignmentCheckError(
      q,
      'your flow obeys the group law but is not the flow of the given G: its derivative at t = 0 must be G.',
    );
  }
  return passed(`expm(tG) is right for your rotation and two random generators at random t.`, {
    tested: results.map(({ G, t }) => ({ G, t })),
  });
}

/** Q3: [A, B] for the student's pair, written as coefficients over AFFINE_BASIS. */
export function checkCommutator(
  answer: unknown,
  { variant }: Pick<CheckContext<RotationVariant>, 'variant'>,
): CheckOutcome {
  const [A, B] = variant.pair;
  const q = `Q3 the commutator [${A}, ${B}]`;
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) {
    throw new AssignmentCheckError(
      q,
      `expected an object of coefficients over the basis groups, e.g. { 'shear-x': 2, 'translate-y': -0.5 } (names: ${AFFINE_BASIS.join(', ')}; leave out zero terms; {} for 0), got ${JSON.stringify(answer)}`,
    );
  }
  const entries = Object.entries(answer as Record<string, unknown>);
  const unknown = entries.filter(([k]) => !(AFFINE_BASIS as string[]).includes(k)).map(([k]) => k);
  if (unknown.length)
    throw new AssignmentCheckError(
      q,
      `${unknown.map((k) => `'${k}'`).join(', ')} is not one of the basis groups ${AFFINE_BASIS.join(', ')} (rotate and scale are combinations of them).`,
    );
  const bad = entries.find(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad)
    throw new AssignmentCheckError(q, `the coefficient of '${bad[0]}' must be a number, got ${JSON.stringify(bad[1])}`);
  const truth = new Map(spatialCoefficients(commutator(A, B)).map(([c, g]) => [g as string, c]));
  const got = new Map(entries.filter(([, v]) => Math.abs(v as number) > 1e-12) as Array<[string, number]>);
  const same = (sign: number) =>
    AFFINE_BASIS.every((g) => Math.abs((got.get(g) ?? 0) - sign * (truth.get(g) ?? 0)) < 1e-9);
  if (same(1)) {
    return passed(
      truth.size
        ? `right: ${A} and ${B} do not commute — their bracket is another infinitesimal motion.`
        : `right: ${A} and ${B} commute, so their bracket is 0.`,
    );
  }
  if (truth.size && same(-1))
    throw new AssignmentCheckError(q, `the sign is flipped: [A, B] = AB − BA, in this order (A = ${A}).`);
  if (truth.size === 0)
    throw new AssignmentCheckError(
      q,
      `compute AB − BA entry by entry: what is the product of these two generators in either order?`,
    );
  const sameTerms = AFFINE_BASIS.every((g) => got.has(g) === truth.has(g));
  throw new AssignmentCheckError(
    q,
    sameTerms
      ? 'the right basis terms, but not the right coefficients: recompute the entries of AB − BA.'
      : 'these are not the basis terms of AB − BA: each basis group has a single 1 in its generator, so read the coefficients off the entries of the product difference.',
  );
}

/** Reference L x of an affine generator G (central differences, DESIGN §2–3), from the library. */
export function referenceTangent(x: tf.Tensor4D, G: number[][]): tf.Tensor4D {
  return imageTangent(x, defineGroup('student-generator', [G[0], G[1]]));
}

/** Q4: tangentOf(x, G), on random non-square images, for the student's rotation and random generators. */
export function checkTangent(
  tangentFn: (x: tf.Tensor4D, G: number[][]) => tf.Tensor,
  { variant, rand }: Pick<CheckContext<RotationVariant>, 'variant' | 'rand'>,
): CheckOutcome {
  const q = 'Q4 the image tangent L x';
  if (typeof tangentFn !== 'function')
    throw new AssignmentCheckError(q, `expected a function (x: [B, H, W, 3], G) => L x, got ${typeof tangentFn}`);
  refuseReferenceCalls(q, tangentFn, ROTATION_REFERENCES);
  const gens = [centredRotationGenerator(variant.centre), randomGenerator(rand), randomGenerator(rand)];
  const stats: Array<{ H: number; W: number; err: number }> = [];
  const outputs: tf.Tensor[] = [];
  try {
    for (let k = 0; k < gens.length; k++) {
      const x = randomImages(rand, { batch: 2 });
      const [, H, W] = x.shape;
      const want = referenceTangent(x, gens[k]);
      let got: tf.Tensor | undefined;
      try {
        got = callStudent(q, 'your tangent function', () =>
          tf.tidy(() =>
            tangentFn(
              x.clone(),
              gens[k].map((r) => [...r]),
            ),
          ),
        );
        if (!(got instanceof tf.Tensor)) throw new AssignmentCheckError(q, `expected a tf.Tensor, got ${typeof got}`);
        if (got.shape.join() !== x.shape.join())
          throw new AssignmentCheckError(
            q,
            `L x has the shape of x, and on a test image of [${x.shape.join(', ')}] yours has [${got.shape.join(', ')}]`,
          );
        const g = got;
        const [dot, nn, ww, err, interiorErr] = tf.tidy(() => {
          const gf = tf.cast(g, 'float32');
          const interior = (t: tf.Tensor) => tf.slice(t, [0, 1, 1, 0], [-1, H - 2, W - 2, -1]);
          const rel = (a: tf.Tensor, b: tf.Tensor) => tf.div(tf.norm(tf.sub(a, b)), tf.norm(b));
          return [
            tf.sum(tf.mul(gf, want)),
            tf.sum(tf.square(gf)),
            tf.sum(tf.square(want)),
            rel(gf, want),
            rel(interior(gf), interior(want)),
          ].map((t) => t.dataSync()[0]);
        });
        if (err < 1e-4) {
          stats.push({ H, W, err });
          continue;
        }
        if (nn === 0)
          throw new AssignmentCheckError(
            q,
            'your tangent is zero everywhere. L x = X_u ∂_u x + X_v ∂_v x with the field X(u, v) = G·(u, v, 1).',
          );
        const c = dot / ww;
        const fitErr = Math.sqrt(Math.max(nn - 2 * c * dot + c * c * ww, 0) / ww);
        if (fitErr < 1e-3) {
          if (Math.abs(c + 1) < 1e-2)
            throw new AssignmentCheckError(
              q,
              'your tangent has the opposite sign: check the field against G·(u, v, 1), and that ∂/∂column is (x[j+1] − x[j−1])/2, not the reverse.',
            );
          throw new AssignmentCheckError(
            q,
            'your tangent is a constant multiple of the right one: check the 1/2 of the central difference and the scaling from pixel steps to normalized units (the image spans [−1, 1] in u and in v).',
          );
        }
        if (interiorErr < 1e-4)
          throw new AssignmentCheckError(
            q,
            'correct inside the image but wrong on the border pixels: DESIGN §3 reflects about the border pixel centres (index −1 → 1); what is the central difference there?',
          );
        throw new AssignmentCheckError(
          q,
          `wrong on a ${H}×${W} test image (H rows, W columns, not square): check which of H and W scales the row derivative and which the column derivative, where u and v are measured, and that you use G, not a fixed field.`,
        );
      } finally {
        if (got instanceof tf.Tensor) outputs.push(got);
        tf.dispose([x, want]);
      }
    }
  } finally {
    tf.dispose(outputs);
  }
  return passed(
    `matches the reference on ${stats.map((s) => `${s.H}×${s.W}`).join(', ')} images for your rotation and two random generators (worst relative error ${Math.max(...stats.map((s) => s.err)).toExponential(1)}).`,
  );
}
