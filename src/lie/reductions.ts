import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../checks';
import { checkName } from '../errors';

/**
 * Per-image norms of a Lie derivative (DESIGN §1). 'mean-abs' is what the paper's end-to-end code
 * reports; 'mean-sq' (mean over the K outputs of the squares) is the paper's Eq. 4 and Figure-3
 * pseudocode; 'sq-l2' = K · 'mean-sq' and 'l2' = √'sq-l2'.
 */
export type Reduction = 'mean-abs' | 'mean-sq' | 'l2' | 'sq-l2';
export const REDUCTIONS: Reduction[] = ['mean-abs', 'mean-sq', 'l2', 'sq-l2'];

/**
 * One number per image: mean |L f| over the K outputs, mean (L f)² over them, ‖L f‖₂, or ‖L f‖₂².
 *
 * Convention:
 *  - lie: [N, K] float32; returns a Float32Array of length N (one host read); no tensors kept.
 */
export function reduceLie(lie: tf.Tensor2D, reduction: Reduction): Float32Array {
  assertShape(lie, ['N', 'K'], 'reduceLie', 'lie');
  checkName('reduction', reduction, REDUCTIONS);
  const t = tf.tidy(() => {
    if (reduction === 'mean-abs') return tf.mean(tf.abs(lie), 1);
    if (reduction === 'mean-sq') return tf.mean(tf.square(lie), 1);
    const sq = tf.sum(tf.square(lie), 1);
    return reduction === 'l2' ? tf.sqrt(sq) : sq;
  });
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return Float32Array.from(out);
}

/** All reductions at once from the host values of lie [N, K] (row-major), for result rows. */
export function reduceAll(values: ArrayLike<number>, n: number, k: number): Record<Reduction, Float64Array> {
  const out = {
    'mean-abs': new Float64Array(n),
    'mean-sq': new Float64Array(n),
    l2: new Float64Array(n),
    'sq-l2': new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    let abs = 0;
    let sq = 0;
    for (let j = 0; j < k; j++) {
      const v = values[i * k + j];
      abs += Math.abs(v);
      sq += v * v;
    }
    out['mean-abs'][i] = abs / k;
    out['sq-l2'][i] = sq;
    out['mean-sq'][i] = sq / k;
    out.l2[i] = Math.sqrt(sq);
  }
  return out;
}
