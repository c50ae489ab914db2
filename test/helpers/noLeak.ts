import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';

/** Runs `fn` and asserts it left tf.memory().numTensors where it found it (tfjs's own leak test). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, what = 'call'): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const held =
    result instanceof tf.Tensor ? 1 : Array.isArray(result) ? result.filter((r) => r instanceof tf.Tensor).length : 0;
  if (result instanceof tf.Tensor) result.dispose();
  else if (Array.isArray(result)) tf.dispose(result.filter((r) => r instanceof tf.Tensor) as tf.Tensor[]);
  assert.equal(
    tf.memory().numTensors,
    before,
    `${what} leaked ${tf.memory().numTensors - before} tensor(s) (returned ${held}, disposed here)`,
  );
  return result;
}
