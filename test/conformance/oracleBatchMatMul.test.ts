/**
 * The oracle's BatchMatMul gradient (scripts/conformance/oracleGradients.ts): tfjs 4.22's does not
 * sum over broadcast batch dimensions. f(a, b) = ⟨matMul(a, b), u⟩ is linear in each operand, so
 * Euler's identity ⟨∇_a f, a⟩ = f = ⟨∇_b f, b⟩ holds for every shape pair and transpose flag —
 * with broadcasting, only if the gradient is summed back to each operand's shape.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { ensureOracleGradients } from '../../scripts/conformance/oracleGradients';
import { TOL } from '../helpers/tolerances';

const CASES: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
  { a: [1, 16, 2, 2], b: [1, 2, 2], ta: false, tb: false }, // facemesh-attention-pinto's shapes
  { a: [3, 2, 4], b: [4, 5], ta: false, tb: false },
  // (tfjs flattens the batch dimensions before broadcasting, so mutual broadcasting such as [2, 1] with [1, 3]
  // is not numpy's in its forward pass either; one operand's batch broadcast at a time, as converted graphs have it.)
  { a: [2, 3, 4, 3], b: [1, 1, 5, 4], ta: true, tb: true },
  { a: [2, 3, 4], b: [2, 5, 4], ta: false, tb: true },
  { a: [4, 3], b: [2, 4, 5], ta: true, tb: false },
];

describe('oracle: BatchMatMul gradient with broadcast batches', () => {
  after(() => useBackend('cpu'));
  for (const be of ['cpu', 'wasm'] as const) {
    it(`${be}: Euler's identity for both operands, every transpose case`, async () => {
      await useBackend(be);
      ensureOracleGradients();
      for (const [i, c] of CASES.entries()) {
        const r = tf.tidy(() => {
          const a = tf.randomNormal(c.a, 0, 1, 'float32', 10 + i);
          const b = tf.randomNormal(c.b, 0, 1, 'float32', 20 + i);
          const y = tf.matMul(a, b, c.ta, c.tb);
          const u = tf.randomNormal(y.shape, 0, 1, 'float32', 30 + i);
          const f = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, c.ta, c.tb), u));
          const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => f(p, q))([a, b]);
          assert.deepEqual([ga.shape, gb.shape], [c.a, c.b]);
          return [f(a, b), tf.sum(tf.mul(ga, a)), tf.sum(tf.mul(gb, b))].map((t) => t.dataSync()[0]);
        });
        const [fv, ea, eb] = r;
        for (const e of [ea, eb])
          assert.ok(Math.abs(e - fv) <= TOL.float32FewOps * Math.max(1, Math.abs(fv)) * 10, `case ${i}: ${e} vs ${fv}`);
      }
    });
  }
});
