import * as tf from '@tensorflow/tfjs';
import { assertImages } from '../../checks';
import { InputError } from '../../errors';
import { modelFunction } from '../../jvp/modelFunction';
import type { ModelWrapper } from '../../models/model';
import { asModelWrapper, endsInSoftmax, type OutputMode } from '../lieDerivative';

/**
 * The model's chosen output f(x) (DESIGN §1) as computed by tfjs itself, for the finite
 * transformation metrics: 'probs' (softmax added when the net has none), 'logits', or a layer name.
 *
 * Convention:
 *  - images: [N, H, W, 3] float32 RGB in [0, 1] at the model's inputSize; preprocess applied inside.
 *  - returns [N, K] (the output flattened per image); the caller disposes it. No range check, so
 *    transformed images that leave [0, 1] slightly (brightness) can be passed.
 */
export function modelOutput(model: ModelWrapper | tf.LayersModel | tf.GraphModel, images: tf.Tensor4D, output: OutputMode = 'probs'): tf.Tensor2D {
  const w = asModelWrapper(model);
  if (!(images instanceof tf.Tensor) || images.rank !== 4) throw new InputError(`modelOutput: images must be a [N, H, W, 3] tensor`);
  const sel = output === 'probs' ? {} : output === 'logits' ? { stripSoftmax: true } : { stopAt: output };
  const f = modelFunction(w.net, sel);
  const addSoftmax = output === 'probs' && !endsInSoftmax(w.net);
  return tf.tidy(() => {
    const { mean, std } = w.preprocess;
    const x = tf.div(tf.sub(images, tf.tensor1d(mean)), tf.tensor1d(std));
    const y = f(x);
    const flat = tf.reshape(y, [images.shape[0], -1]);
    return (addSoftmax ? tf.softmax(flat) : flat) as tf.Tensor2D;
  });
}

/** assertImages for metric entry points (kept here so every metric checks the same way). */
export function checkMetricImages(images: tf.Tensor4D, fn: string): void {
  assertImages(images, fn);
}
