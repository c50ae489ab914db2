import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { jvpFiniteDifference } from '../../src/jvp/finiteDifference';
import { jvpLayersModel } from '../../src/jvp/layersModel';
import { relError } from './reference';
import { TOL } from './tolerances';

/**
 * Checks forward mode through `model` against central finite differences of model.apply (tfjs's
 * own forward pass, so the oracle is independent of the JVP rules), with k stacked directions.
 * Inputs must keep x ± h·v away from kinks (ReLU zeros, max-pool ties) for the FD to be exact.
 * Returns the measured relative error.
 */
export function checkJvpAgainstFd(
  model: tf.LayersModel,
  x: tf.Tensor,
  v: tf.Tensor,
  { h = TOL.fdStepSmooth, tol = TOL.fdRel, what = model.name } = {},
): number {
  const k = v.shape[0] / x.shape[0];
  const fwd = jvpLayersModel(model, x, v, { k });
  const fd = jvpFiniteDifference((xx) => model.apply(xx) as tf.Tensor, x, v, k, h);
  const pred = model.apply(x) as tf.Tensor;
  const primalErr = relError(fwd.primal.dataSync(), pred.dataSync());
  const err = relError(fwd.tangent.dataSync(), fd.tangent.dataSync());
  assert.deepEqual(fwd.tangent.shape, fd.tangent.shape, `${what}: tangent shape`);
  tf.dispose([fwd.primal, fwd.tangent, fd.primal, fd.tangent, pred]);
  // Same layer ops on the same backend: the primal differs from predict by float32 summation order at most.
  assert.ok(primalErr < TOL.float32Reordered, `${what}: primal differs from model.apply by ${primalErr}`);
  assert.ok(err < tol, `${what}: forward vs finite differences rel error ${err} ≥ ${tol}`);
  return err;
}

/** Values spaced ≥ `gap` apart in random order, shifted away from 0 (no ReLU kinks or max-pool ties within ±h). */
export function separatedValues(shape: number[], seed: number, gap = 0.01): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0;
  const rand = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  // Centred values ±(gap/2 + i·gap), so none is within gap/2 of zero.
  const vals = Float32Array.from(idx, (i) => (i - n / 2 + 0.5) * gap);
  return tf.tensor(vals, shape);
}
