import * as tf from '@tensorflow/tfjs';
import { assertImages } from '../../checks';
import { InputError } from '../../errors';
import { applyProgram, type ContractOptions, type MeasuredModel } from '../../jvp';
import type { ModelWrapper } from '../../models/model';
import { asModelWrapper, measuredFor, type OutputMode } from '../lieDerivative';

/**
 * The measured model's output F(x) (DESIGN §10) as computed by tfjs itself (every step's plain
 * value), for the finite-transformation metrics: 'probs' (softmax added when the net has none),
 * 'logits', or a tensor name; contract options as for lieDerivative.
 *
 * Convention:
 *  - images: [N, H, W, 3] (or 1-channel) float32 in [0, 1] at the model's input size; the
 *    measured model's preprocess and adapters applied inside.
 *  - returns [N, K] (the output flattened per image); the caller disposes it. Transformed images
 *    that leave [0, 1] slightly (brightness) are clipped back for the check only: the values
 *    passed to the model are the ones given.
 */
export function modelOutput(
  model: ModelWrapper | tf.LayersModel | tf.GraphModel,
  images: tf.Tensor4D,
  output: OutputMode = 'probs',
  contract: Omit<ContractOptions, 'output'> = {},
): tf.Tensor2D {
  const w = asModelWrapper(model);
  if (!(images instanceof tf.Tensor) || images.rank !== 4)
    throw new InputError(`modelOutput: images must be a [N, H, W, 3] tensor`);
  // The metrics feed transformed images that may leave [0, 1] by round-off: check a clipped copy.
  const probe = tf.tidy(() => tf.clipByValue(tf.slice(images, [0], [1]), 0, 1) as tf.Tensor4D);
  let m: MeasuredModel;
  try {
    m = measuredFor(w, probe, 'modelOutput', { ...contract, output });
  } finally {
    probe.dispose();
  }
  const program = m.program(images.shape[3] as 1 | 3);
  return tf.tidy(() => {
    const N = images.shape[0];
    const one = (x: tf.Tensor) => tf.reshape(applyProgram(program, x), [x.shape[0], -1]);
    if (m.input.batch !== 'one') return one(images) as tf.Tensor2D;
    return tf.concat(
      Array.from({ length: N }, (_, i) => one(tf.slice(images, [i], [1]))),
      0,
    ) as tf.Tensor2D;
  });
}

/** Images fit for a metric entry point: NHWC float32 in [0, 1] (RGB or 1-channel), non-empty, finite. */
export function checkMetricImages(images: tf.Tensor4D, fn: string): void {
  assertImages(images, fn, 'images', [1, 3]);
}
