import * as tf from '@tensorflow/tfjs';
import { LiederivError } from '../errors';
import { registerMissingGradients } from './gradients';
import { releaseFailedTape } from './tape';
import { tileBatch } from './tile';
import type { Dual } from './types';

/**
 * J·v by two reverse passes, as the paper's code does: J v = ∇_u ⟨∇_x ⟨f(x), u⟩, v⟩ (linear in u,
 * so u = 0 serves). A cross-check for forward mode where the backend has backward kernels
 * (cpu, webgl, tensorflow); wasm lacks several, which raises an error naming the fallbacks.
 *
 * Convention:
 *  - x: [B, ...]; v: [k·B, ...] (k directions stacked, direction-major); returns
 *    {primal: f(x) [B, ...], tangent: J·v [k·B, ...]}, both owned by the caller.
 *  - f must act per batch row (inference mode): x is tiled k times to pair with v.
 */
export function jvpDoubleVjp(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, v: tf.Tensor, k: number): Dual {
  registerMissingGradients();
  try {
    return tf.tidy(() => {
      const primal = f(x);
      const xk = tileBatch(x, k);
      const u0 = tf.zeros([k * x.shape[0], ...primal.shape.slice(1)]);
      const inner = (u: tf.Tensor) => tf.sum(tf.mul(tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), u)))(xk), v));
      const tangent = tf.grad(inner)(u0);
      return { primal, tangent };
    });
  } catch (err) {
    releaseFailedTape(); // tfjs leaks the tape's saved tensors when a gradient is missing
    const msg = (err as Error).message ?? String(err);
    const missing =
      /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(msg) ??
      /gradient function not found for (\w+)/i.exec(msg) ??
      /gradient .*?'?(\w+)'? .*not (?:yet )?(?:been )?(?:defined|registered)/i.exec(msg);
    if (missing) {
      throw new LiederivError(
        `method 'double-vjp' needs a backward kernel or gradient that is missing here (${msg.split('\n')[0]}) on backend '${tf.getBackend()}'. ` +
          `Fallbacks: method 'forward' (forward mode, every backend) or method 'fd' (finite differences); \`liederiv lee\` checks which method/backend combinations run for the model before it suggests one.`,
        'E_UNSUPPORTED',
      );
    }
    throw err;
  }
}
