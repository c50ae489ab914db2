import * as tf from '@tensorflow/tfjs';
import * as math from 'mathjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AssignmentCheckError } from '../../src/classroom/assignmentCheckError';
import { checkCommutatorAnswer, checkRotationFlow, checkRotationGenerator, checkRotationTangent } from '../../src/classroom/rotationAssignment';
import { LiederivError } from '../../src/errors';
import { setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';

const quiet = () => undefined;
/** Asserts the check throws an AssignmentCheckError whose feedback matches `feedback`. */
function rejects(fn: () => unknown, feedback: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AssignmentCheckError && err instanceof LiederivError, `expected AssignmentCheckError, got ${String(err)}`);
    assert.match((err as Error).message, /^✗ Q\d /);
    assert.match((err as Error).message, feedback);
    return true;
  });
}

// The solution, written from DESIGN §2 by hand (not from the library): field X(u, v) = (v, −u).
const G = [[0, 1, 0], [-1, 0, 0], [0, 0, 0]];

/** A hand-written central-difference tangent (reflect borders ⇒ 0 there), in pixel loops. */
function tangentByHand(x: tf.Tensor4D, { scaleFactor = 1, sign = 1 } = {}): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const v = x.dataSync();
  const out = new Float32Array(v.length);
  const at = (b: number, i: number, j: number, c: number) => v[((b * H + i) * W + j) * C + c];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < C; c++) {
          const du = j === 0 || j === W - 1 ? 0 : ((at(b, i, j + 1, c) - at(b, i, j - 1, c)) / 2) * ((W - 1) / 2);
          const dv = i === 0 || i === H - 1 ? 0 : ((at(b, i + 1, j, c) - at(b, i - 1, j, c)) / 2) * ((H - 1) / 2);
          const u = -1 + (2 * j) / (W - 1);
          const vv = -1 + (2 * i) / (H - 1);
          out[((b * H + i) * W + j) * C + c] = sign * scaleFactor * (vv * du - u * dv);
        }
  return tf.tensor4d(out, x.shape);
}

describe('assignment 01: the rotation generator', () => {
  before(() => setTestBackend('cpu'));

  it('Q1 accepts the generator (array or mathjs matrix) and explains each wrong answer', () => {
    assert.match(checkRotationGenerator(G, quiet), /^✓ Q1/);
    assert.match(checkRotationGenerator(math.matrix(G), quiet), /^✓ Q1/);
    rejects(() => checkRotationGenerator([[0, 0, 0], [0, 0, 0], [0, 0, 0]], quiet), /all zeros.*trivial group/);
    rejects(() => checkRotationGenerator([[0, -1, 0], [1, 0, 0], [0, 0, 0]], quiet), /wrong direction.*v points DOWN/);
    rejects(() => checkRotationGenerator([[0, 2, 0], [-2, 0, 0], [0, 0, 0]], quiet), /wrong speed.*2 ×/);
    rejects(() => checkRotationGenerator([[0, 1, 0], [1, 0, 0], [0, 0, 0]], quiet), /antisymmetric/);
    rejects(() => checkRotationGenerator([[0, 1, 0.5], [-1, 0, 0], [0, 0, 0]], quiet), /third column must be 0/);
    rejects(() => checkRotationGenerator([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], quiet), /last row must be \[0, 0, 0\]/);
    rejects(() => checkRotationGenerator([[0, 1], [-1, 0]], quiet), /3×3 array/);
  });

  it('Q2 accepts expm(tG) and recognises the first-order approximation and the inverse', () => {
    assert.match(checkRotationFlow((t) => math.expm(math.multiply(t, math.matrix(G)) as math.Matrix), quiet), /^✓ Q2/);
    // Closed form, independent of mathjs: [[cos, sin, 0], [−sin, cos, 0], [0, 0, 1]].
    assert.match(checkRotationFlow((t) => [[Math.cos(t), Math.sin(t), 0], [-Math.sin(t), Math.cos(t), 0], [0, 0, 1]], quiet), /^✓ Q2/);
    rejects(() => checkRotationFlow((t) => [[1, t, 0], [-t, 1, 0], [0, 0, 1]], quiet), /first-order approximation/);
    rejects(() => checkRotationFlow((t) => [[Math.cos(t), -Math.sin(t), 0], [Math.sin(t), Math.cos(t), 0], [0, 0, 1]], quiet), /inverse rotation/);
    rejects(() => checkRotationFlow(() => [[0, 0, 0], [0, 0, 0], [0, 0, 0]], quiet), /t = 0 the flow must be the identity/);
    rejects(() => checkRotationFlow(() => { throw new Error('TODO'); }, quiet), /threw "TODO"/);
  });

  it('Q3 accepts −1 · translate-y and explains sign and group mistakes', () => {
    assert.match(checkCommutatorAnswer({ coefficient: -1, group: 'translate-y' }, quiet), /^✓ Q3/);
    rejects(() => checkCommutatorAnswer({ coefficient: 1, group: 'translate-y' }, quiet), /sign is flipped.*AB − BA/);
    rejects(() => checkCommutatorAnswer({ coefficient: -1, group: 'translate-x' }, quiet), /not a multiple of 'translate-x'/);
    rejects(() => checkCommutatorAnswer({ coefficient: undefined, group: '' }, quiet), /must name one group/);
  });

  it('Q4 accepts a hand-written tangent and diagnoses sign, scale and border mistakes; no leak', async () => {
    await expectNoLeak(() => checkRotationTangent((x) => tangentByHand(x), quiet), 'checkRotationTangent');
    rejects(() => checkRotationTangent((x) => tangentByHand(x, { sign: -1 }), quiet), /opposite sign/);
    rejects(() => checkRotationTangent((x) => tangentByHand(x, { scaleFactor: 2 / 15 }), quiet), /\(W−1\)\/2 = 7.5 times too small/);
    rejects(() => checkRotationTangent((x) => tf.zerosLike(x), quiet), /zero everywhere/);
    rejects(() => checkRotationTangent((x) => tf.slice(x, [0, 0, 0, 0], [-1, 8, -1, -1]), quiet), /shape of x/);
    // Wrong only at the border: replace the border rows/columns by 1.
    rejects(() => checkRotationTangent((x) => tf.tidy(() => tf.pad(tf.slice(tangentByHand(x), [0, 1, 1, 0], [-1, 14, 14, -1]), [[0, 0], [1, 1], [1, 1], [0, 0]], 1)), quiet), /wrong on the border pixels/);
  });
});
