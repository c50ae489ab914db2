/**
 * Checks for assignment 01 (the rotation generator): its matrix, its flow expm(tG), the
 * commutator [rotate, translate-x], and the image tangent L x. Expected answers come from the
 * library (src/groups), never from a copy here, so the checks follow DESIGN §2.
 */
import * as tf from '@tensorflow/tfjs';
import { commutator, flow, getGroup, imageTangent, spatialCoefficients } from '../groups';
import { rows } from '../groups/generators';
import { AssignmentCheckError, asRows, callStudent, matrixText, passed, stdoutLog, type CheckLog } from './assignmentCheckError';

const close = (a: number[][], b: number[][], tol = 1e-6) => a.length === b.length && a.every((r, i) => r.length === b[i].length && r.every((v, j) => Math.abs(v - b[i][j]) <= tol));
const scale = (m: number[][], c: number) => m.map((r) => r.map((v) => c * v));

/** Q1: the 3×3 homogeneous generator G of 'rotate' (DESIGN §2: field X(u, v) = G·(u, v, 1)). */
export function checkRotationGenerator(answer: unknown, log: CheckLog = stdoutLog): string {
  const q = 'Q1 rotation generator';
  const G = asRows(answer);
  if (!G || G.length !== 3 || G.some((r) => r.length !== 3) || G.flat().some((v) => !Number.isFinite(v))) {
    throw new AssignmentCheckError(q, `expected a 3×3 array of numbers (homogeneous form: rows for u, v and a last row of zeros), got ${JSON.stringify(answer)}`);
  }
  const want = rows(getGroup('rotate').generator);
  if (G.flat().every((v) => v === 0)) {
    throw new AssignmentCheckError(q, 'your matrix is all zeros: that generates the trivial group (T_t = identity for every t). Write the field of a rotation, X(u, v) = (dX_u, dX_v), as G·(u, v, 1): which entries multiply u and v?');
  }
  if (G[2].some((v) => v !== 0)) {
    throw new AssignmentCheckError(q, `the last row must be [0, 0, 0] (homogeneous coordinates: the 1 never changes), got [${G[2].join(', ')}]`);
  }
  if (G[0][2] !== 0 || G[1][2] !== 0) {
    throw new AssignmentCheckError(q, `a rotation about the image centre fixes the centre (u, v) = (0, 0), so the third column must be 0; you have a translation part (${G[0][2]}, ${G[1][2]})`);
  }
  if (close(G, want)) return passed(q, `G = ${matrixText(G)}: the field X(u, v) = (v, −u), a rotation about the centre (t in radians).`, log);
  if (close(G, scale(want, -1))) {
    throw new AssignmentCheckError(q, `right idea, wrong direction: ${matrixText(G)} turns the other way. In liederiv's coordinates v points DOWN and T_t x(p) = x(A_t p) with A_t = [[cos t, sin t], [−sin t, cos t]] (DESIGN §2); differentiate A_t at t = 0.`);
  }
  const sym = Math.abs(G[0][1] + G[1][0]) + Math.abs(G[0][0]) + Math.abs(G[1][1]);
  if (sym > 1e-9) {
    throw new AssignmentCheckError(q, `a rotation generator is antisymmetric (G₁₂ = −G₂₁ and a zero diagonal), because its flow preserves lengths; yours, ${matrixText(G)}, stretches or shears.`);
  }
  const c = G[0][1] / want[0][1];
  throw new AssignmentCheckError(q, `right direction, wrong speed: your matrix is ${Number(c.toPrecision(4))} × the rotation generator. t is the angle in radians, so t = 1 must turn by one radian.`);
}

/** Q2: the finite action A_t = expm(tG) as a function of t. */
export function checkRotationFlow(flowFn: (t: number) => unknown, log: CheckLog = stdoutLog): string {
  const q = 'Q2 the flow expm(tG)';
  if (typeof flowFn !== 'function') throw new AssignmentCheckError(q, `expected a function t ↦ 3×3 matrix, got ${typeof flowFn}`);
  const G = rows(getGroup('rotate').generator);
  for (const t of [0, 0.3, -1, Math.PI / 2, 2.5]) {
    const got = asRows(callStudent(q, `your function at t = ${t}`, () => flowFn(t)));
    const want = flow('rotate', t);
    if (!got || got.length !== 3 || got.some((r) => r.length !== 3)) throw new AssignmentCheckError(q, `at t = ${t} expected a 3×3 matrix, got ${JSON.stringify(got)}`);
    if (close(got, want, 1e-6)) continue;
    if (t === 0) throw new AssignmentCheckError(q, `at t = 0 the flow must be the identity (T_0 = id), got ${matrixText(got)}`);
    const firstOrder = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? 1 : 0) + t * G[i][j]));
    if (close(got, firstOrder, 1e-6)) {
      throw new AssignmentCheckError(q, `at t = ${t} you return I + tG, only the first-order approximation of the flow (it is not even a rotation: its determinant is 1 + t²). Use the matrix exponential: math.expm(math.multiply(t, G)).`);
    }
    const transposed = want.map((r, i) => r.map((_, j) => want[j][i]));
    if (close(got, transposed, 1e-6)) throw new AssignmentCheckError(q, `at t = ${t} you return the inverse rotation (the transpose): check the sign of your generator (Q1).`);
    throw new AssignmentCheckError(q, `at t = ${t} expected ${matrixText(want)}, got ${matrixText(got)}`);
  }
  return passed(q, 'expm(tG) matches [[cos t, sin t, 0], [−sin t, cos t, 0], [0, 0, 1]] at t = 0, 0.3, −1, π/2, 2.5.', log);
}

/** Q3: [rotate, translate-x] written as coefficient × (one basis group). */
export function checkCommutatorAnswer(answer: { coefficient?: unknown; group?: unknown } | undefined, log: CheckLog = stdoutLog): string {
  const q = 'Q3 the commutator [rotate, translate-x]';
  const terms = spatialCoefficients(commutator('rotate', 'translate-x'));
  const [[coefficient, group]] = terms; // one term: the bracket of these two is a pure translation
  if (!answer || typeof answer !== 'object') throw new AssignmentCheckError(q, `expected {coefficient: number, group: 'translate-x' | 'translate-y' | ...}, got ${JSON.stringify(answer)}`);
  const c = answer.coefficient;
  const g = answer.group;
  if (typeof g !== 'string' || g === '') throw new AssignmentCheckError(q, `'group' must name one group, e.g. 'translate-y'; got ${JSON.stringify(g)}. Compute G_rotate·G_translate-x − G_translate-x·G_rotate and read which entry is non-zero.`);
  if (typeof c !== 'number' || !Number.isFinite(c)) throw new AssignmentCheckError(q, `'coefficient' must be a number, got ${JSON.stringify(c)}`);
  if (g !== group) {
    throw new AssignmentCheckError(q, `the bracket is not a multiple of '${g}'. The product of two affine generators only has a translation column here: which one, u or v?`);
  }
  if (Math.abs(c - coefficient) > 1e-9) {
    const hint = Math.abs(c + coefficient) < 1e-9 ? 'the sign is flipped: [A, B] = AB − BA, in this order (A = rotate).' : `the size is off: the bracket of two unit-speed generators has coefficient ±1 here.`;
    throw new AssignmentCheckError(q, `right group, wrong coefficient ${c}: ${hint}`);
  }
  return passed(q, `[rotate, translate-x] = ${coefficient} · ${group}: rotating, translating, rotating back and translating back leaves a small ${group} — the two do not commute.`, log);
}

/** A smooth, non-symmetric 16×16 RGB test batch (fixed, no randomness). */
function testImages(): tf.Tensor4D {
  const H = 16;
  const W = 16;
  const data = new Float32Array(2 * H * W * 3);
  let k = 0;
  for (let b = 0; b < 2; b++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let c = 0; c < 3; c++) data[k++] = 0.5 + 0.3 * Math.sin(0.5 * j + 0.21 * i * (b + 1) + c) * Math.cos(0.17 * i * j / 8 + b);
  return tf.tensor4d(data, [2, H, W, 3]);
}

/** Q4: the image tangent L x of rotate (central differences, DESIGN §2–3) as a tf function. */
export function checkRotationTangent(tangentFn: (x: tf.Tensor4D) => tf.Tensor, log: CheckLog = stdoutLog): string {
  const q = 'Q4 the image tangent L x of rotate';
  if (typeof tangentFn !== 'function') throw new AssignmentCheckError(q, `expected a function (x: [B, H, W, 3]) => L x, got ${typeof tangentFn}`);
  const x = testImages();
  const [, H, W] = x.shape;
  let got: tf.Tensor | undefined;
  const want = imageTangent(x, 'rotate');
  try {
    got = callStudent(q, 'your tangent function', () => tangentFn(x));
    if (!(got instanceof tf.Tensor)) throw new AssignmentCheckError(q, `expected a tf.Tensor, got ${typeof got}`);
    if (got.shape.join() !== x.shape.join()) throw new AssignmentCheckError(q, `L x has the shape of x, [${x.shape.join(', ')}]; got [${got.shape.join(', ')}]`);
    const [dot, nn, ww, err, interiorErr] = tf.tidy(() => {
      const g = tf.cast(got as tf.Tensor, 'float32');
      const interior = (t: tf.Tensor) => tf.slice(t, [0, 1, 1, 0], [-1, H - 2, W - 2, -1]);
      const rel = (a: tf.Tensor, b: tf.Tensor) => tf.div(tf.norm(tf.sub(a, b)), tf.norm(b));
      return [tf.sum(tf.mul(g, want)), tf.sum(tf.square(g)), tf.sum(tf.square(want)), rel(g, want), rel(interior(g), interior(want))].map((t) => t.dataSync()[0]);
    });
    if (err < 1e-4) return passed(q, `matches liederiv's imageTangent(x, 'rotate') (relative error ${err.toExponential(1)}).`, log);
    if (nn === 0) throw new AssignmentCheckError(q, 'your tangent is zero everywhere. L x = X_u ∂_u x + X_v ∂_v x with the rotation field X(u, v) = (v, −u) from Q1.');
    const c = dot / ww; // least-squares factor got ≈ c · want
    const fitErr = Math.sqrt(Math.max(nn - 2 * c * dot + c * c * ww, 0) / ww);
    if (fitErr < 1e-3) {
      if (Math.abs(c + 1) < 1e-2) throw new AssignmentCheckError(q, 'your tangent has the opposite sign: check the field (v, −u) against Q1, and that ∂/∂column is x[j+1] − x[j−1] over 2 (not the reverse).');
      const s = (W - 1) / 2;
      if (Math.abs(c - 1 / s) < 1e-2 / s) throw new AssignmentCheckError(q, `your tangent is (W−1)/2 = ${s} times too small: derivatives are in normalized units, ∂_u = (W−1)/2 · ∂/∂column (the image spans u ∈ [−1, 1]).`);
      if (Math.abs(c - s) < 1e-2 * s) throw new AssignmentCheckError(q, `your tangent is (W−1)/2 = ${s} times too large: multiply the pixel differences by (W−1)/2 once, not divide the coordinates too.`);
      throw new AssignmentCheckError(q, `your tangent is ${Number(c.toPrecision(3))} × the right one: check the factor 1/2 of the central difference and the (W−1)/2 scaling.`);
    }
    if (interiorErr < 1e-4) throw new AssignmentCheckError(q, `correct inside the image but wrong on the border pixels (relative error ${err.toExponential(1)}): DESIGN §3 reflects about the border pixel centres (index −1 → 1), so the derivative at a border pixel is 0.`);
    throw new AssignmentCheckError(q, `relative error ${err.toExponential(2)} against the reference (need < 1e-4). Coordinates: u_j = −1 + 2j/(W−1) (right), v_i = −1 + 2i/(H−1) (down); L x = v·∂_u x − u·∂_v x.`);
  } finally {
    tf.dispose([x, want, ...(got instanceof tf.Tensor ? [got] : [])]);
  }
}
