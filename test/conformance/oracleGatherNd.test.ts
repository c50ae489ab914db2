/**
 * The oracle's GatherNd gradient (scripts/conformance/oracleGradients.ts; tfjs 4.22 has none):
 * GatherNd is linear in params, so its VJP must satisfy the adjoint identity
 * ⟨G(p), u⟩ = ⟨p, Gᵀ(u)⟩ for every p and u — with repeated indices, whose cotangents add.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { ensureOracleGradients } from '../../scripts/conformance/oracleGradients';
import { TOL } from '../helpers/tolerances';

describe('oracle: GatherNd gradient', () => {
  after(() => useBackend('cpu'));
  for (const be of ['cpu', 'wasm'] as const) {
    it(`${be}: indices computed from the image (through a Cast) get a zero float32 gradient`, async () => {
      await useBackend(be);
      ensureOracleGradients();
      const g = tf.tidy(() => {
        const p = tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
        ]);
        // The row picked is floor(p[0, 0]) = 1: piecewise constant in p, so only the picked values carry a gradient.
        const f = (q: tf.Tensor) =>
          tf.sum(tf.gatherND(q, tf.cast(tf.reshape(tf.slice(q, [0, 0], [1, 1]), [1, 1]), 'int32')));
        return tf.grad(f)(p).arraySync();
      });
      assert.deepEqual(g, [
        [0, 0],
        [1, 1],
        [0, 0],
      ]);
    });

    it(`${be}: adjoint identity with repeated and partial indices`, async () => {
      await useBackend(be);
      ensureOracleGradients();
      for (const idx of [
        [
          [0, 1],
          [2, 0],
          [0, 1],
          [3, 2],
        ], // whole rows of a [4, 3, 5] tensor, one repeated
        [[1], [1], [0]], // slices along the first axis only
      ]) {
        const [lhs, rhs] = tf.tidy(() => {
          const p = tf.randomNormal([4, 3, 5], 0, 1, 'float32', 1);
          const indices = tf.tensor2d(idx, undefined, 'int32');
          const y = tf.gatherND(p, indices);
          const u = tf.randomNormal(y.shape, 0, 1, 'float32', 2);
          const g = tf.grad((q: tf.Tensor) => tf.sum(tf.mul(tf.gatherND(q, indices), u)))(p);
          return [tf.sum(tf.mul(y, u)).dataSync()[0], tf.sum(tf.mul(p, g)).dataSync()[0]];
        });
        assert.ok(Math.abs(lhs - rhs) <= TOL.float32FewOps * Math.max(1, Math.abs(lhs)), `${lhs} vs ${rhs}`);
      }
    });
  }
});
