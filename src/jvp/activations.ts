import * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from '../errors';
import { SELU_SCALE, SELU_SCALEALPHA } from './rules/ops/activation';
import { mulTiled } from './tile';
import type { Dual } from './types';

/**
 * Each tfjs activation's value and forward-mode derivative, once (STYLE §6). Pointwise ones give
 * a factor act'(z) on the primal batch that multiplies the k stacked tangents; softmax and
 * logSoftmax act along the last axis.
 */
interface ActivationDef {
  value(z: tf.Tensor): tf.Tensor;
  /** ẏ from the pre-activation z, the value y = act(z) and the stacked tangent ż. */
  jvp(z: tf.Tensor, y: tf.Tensor, dz: tf.Tensor, k: number): tf.Tensor;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Defines a pointwise activation by its derivative factor act'(z) (given z and y). */
function pointwise(
  value: (z: tf.Tensor) => tf.Tensor,
  factor: (z: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): ActivationDef {
  return { value, jvp: (z, y, dz, k) => tf.tidy(() => mulTiled(dz, factor(z, y), k)) };
}

/**
 * Softmax tangent along `axis`: ẏ = s ⊙ (ż − ⟨s, ż⟩) (or ż − ⟨s, ż⟩ for logSoftmax), where
 * s = softmax(z) is [B, ...] and ż is [k·B, ...]. Returns a new tensor.
 *
 * Numerics: for a confident model (s_top ≈ 1) the top class's ż_top − ⟨s, ż⟩ is a difference of two
 * nearly equal numbers, with relative error ~ eps / (1 − s_top) in float32 (1e-2 at s_top = 1 − 1e-5).
 * Since Σ s = 1 the result is unchanged by shifting ż by a constant, so ż is first shifted by its
 * value at the argmax of s: the top class's term becomes −Σ_{j≠top} s_j (ż_j − ż_top), which has
 * no such cancellation.
 */
export function softmaxTangent(s: tf.Tensor, dz: tf.Tensor, k: number, log = false, axis = -1): tf.Tensor {
  return tf.tidy(() => {
    const dzk = dz.reshape([k, ...s.shape]);
    const ax = axis < 0 ? dzk.rank + axis : axis + 1;
    const sAx = axis < 0 ? s.rank + axis : axis;
    const top = tf.cast(tf.equal(s, tf.max(s, sAx, true)), 'float32'); // ties: average their tangents
    const atTop = tf.div(tf.sum(tf.mul(dzk, top), ax, true), tf.sum(top, sAx, true));
    const shifted = tf.sub(dzk, atTop);
    const centred = tf.sub(shifted, tf.sum(tf.mul(shifted, s), ax, true));
    return (log ? centred : tf.mul(centred, s)).reshape(dz.shape);
  });
}

const DEFS: Record<string, ActivationDef> = {
  linear: { value: (z) => z.clone(), jvp: (_z, _y, dz) => dz.clone() },
  // step(z) = [z > 0]: one native op where greater + cast took two (NaN stays NaN).
  relu: pointwise(tf.relu, (z) => tf.step(z)),
  relu6: pointwise(
    (z) => tf.minimum(6, tf.relu(z)),
    (z) => tf.cast(tf.logicalAnd(tf.greater(z, 0), tf.less(z, 6)), 'float32'),
  ),
  elu: pointwise(tf.elu, (z, y) => tf.where(tf.greater(z, 0), tf.onesLike(z), tf.add(y, 1))),
  selu: pointwise(tf.selu, (z, y) =>
    tf.where(tf.greater(z, 0), tf.fill(z.shape, SELU_SCALE), tf.add(y, SELU_SCALEALPHA)),
  ),
  sigmoid: pointwise(tf.sigmoid, (_z, y) => tf.mul(y, tf.sub(1, y))),
  hardSigmoid: pointwise(
    (z) => tf.clipByValue(tf.add(0.5, tf.mul(0.2, z)), 0, 1),
    (z) => tf.mul(0.2, tf.cast(tf.less(tf.abs(z), 2.5), 'float32')),
  ),
  softplus: pointwise(tf.softplus, (z) => tf.sigmoid(z)),
  softsign: pointwise(
    (z) => tf.div(z, tf.add(tf.abs(z), 1)),
    (z) => tf.reciprocal(tf.square(tf.add(tf.abs(z), 1))),
  ),
  tanh: pointwise(tf.tanh, (_z, y) => tf.sub(1, tf.square(y))),
  // gelu (erf form, as tfjs): y = z Φ(z) ⇒ y' = Φ(z) + z φ(z).
  gelu: pointwise(
    (z) => tf.mul(z, tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2))))),
    (z) =>
      tf.add(
        tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2)))),
        tf.mul(z, tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(z))))),
      ),
  ),
  // gelu_new (tanh form): y = ½ z (1 + tanh u), u = √(2/π)(z + 0.044715 z³).
  gelu_new: pointwise(
    (z) =>
      tf.mul(0.5, tf.mul(z, tf.add(1, tf.tanh(tf.mul(SQRT_2_OVER_PI, tf.add(z, tf.mul(0.044715, tf.pow(z, 3)))))))),
    (z) => {
      const t = tf.tanh(tf.mul(SQRT_2_OVER_PI, tf.add(z, tf.mul(0.044715, tf.pow(z, 3)))));
      const du = tf.mul(SQRT_2_OVER_PI, tf.add(1, tf.mul(3 * 0.044715, tf.square(z))));
      return tf.add(tf.mul(0.5, tf.add(1, t)), tf.mul(tf.mul(0.5, z), tf.mul(tf.sub(1, tf.square(t)), du)));
    },
  ),
  // swish (tfjs's alpha = 1): y = z σ(z) ⇒ y' = σ + z σ (1 − σ).
  swish: pointwise(
    (z) => tf.mul(z, tf.sigmoid(z)),
    (z) => {
      const s = tf.sigmoid(z);
      return tf.add(s, tf.mul(z, tf.mul(s, tf.sub(1, s))));
    },
  ),
  // mish: y = z tanh(softplus z) ⇒ y' = tanh(sp) + z (1 − tanh²(sp)) σ(z).
  mish: pointwise(
    (z) => tf.mul(z, tf.tanh(tf.softplus(z))),
    (z) => {
      const t = tf.tanh(tf.softplus(z));
      return tf.add(t, tf.mul(z, tf.mul(tf.sub(1, tf.square(t)), tf.sigmoid(z))));
    },
  ),
  softmax: { value: (z) => tf.softmax(z), jvp: (_z, y, dz, k) => softmaxTangent(y, dz, k, false) },
  logSoftmax: {
    value: (z) => tf.logSoftmax(z),
    jvp: (z, _y, dz, k) => tf.tidy(() => softmaxTangent(tf.softmax(z), dz, k, true)),
  },
};

export const ACTIVATION_NAMES = Object.keys(DEFS);

/** The tfjs activation identifier of a layer's `activation` ('linear' when it has none). */
export function activationName(layer: tf.layers.Layer): string {
  const act = (layer as { activation?: { getClassName(): string } }).activation;
  return act ? act.getClassName() : 'linear';
}

function definition(name: string, where: string): ActivationDef {
  const def = DEFS[name];
  if (!def) throw new UnsupportedLayerError(where, `activation ${name}`, ACTIVATION_NAMES);
  return def;
}

/**
 * Applies activation `name` to a pre-activation Dual.
 *
 * Convention:
 *  - pre.primal z: [B, ...]; pre.tangent ż: [k·B, ...]. Returns {act(z), act'(z)·ż} (softmax and
 *    logSoftmax along the last axis). Does not dispose `pre`; returns new tensors.
 */
export function activationJvp(name: string, pre: Dual, k: number, where = name): Dual {
  const def = definition(name, where);
  return tf.tidy(() => {
    const y = def.value(pre.primal);
    return { primal: y, tangent: def.jvp(pre.primal, y, pre.tangent, k) };
  });
}

/** The value of activation `name` alone (for primal-only walks). */
export function activationValue(name: string, z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => definition(name, name).value(z));
}
