import * as tf from '@tensorflow/tfjs';

/**
 * After tf.grad threw mid-backprop, tfjs 4.22 leaves its tape set and the tensors the tape saved
 * undisposed (engine.gradients cleans up only on success); this does that cleanup, as tfjs would.
 * Call it in the catch of code that runs tf.grad (outside any enclosing gradient computation).
 */
export function releaseFailedTape(): void {
  // tfjs types activeTape as TapeNode[], but sets it to null when no gradient is being recorded.
  const state = tf.engine().state as { gradientDepth: number; activeTape: Array<{ saved?: tf.Tensor[] }> | null };
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}
