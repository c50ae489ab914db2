import * as tf from '@tensorflow/tfjs';
import { InputError } from './errors';

/**
 * Shape check that names the dimensions and the caller, like tfjs's "Argument 'x' passed to 'relu'".
 * `dims` entries are a dimension name (any size) or a number (exact size).
 */
export function assertShape(x: tf.Tensor, dims: (string | number)[], fn: string, arg: string): void {
  const want = `[${dims.join(', ')}]`;
  if (!(x instanceof tf.Tensor)) throw new InputError(`argument '${arg}' passed to '${fn}' must be a tf.Tensor of shape ${want}`);
  const ok = x.rank === dims.length && dims.every((d, i) => typeof d === 'string' || x.shape[i] === d);
  if (!ok) throw new InputError(`argument '${arg}' passed to '${fn}' must have shape ${want}, got [${x.shape.join(', ')}]`);
  if (x.dtype !== 'float32') throw new InputError(`argument '${arg}' passed to '${fn}' must be float32, got ${x.dtype}`);
}

/** Images must be NHWC float32 RGB in [0, 1], finite, with at least one image. */
export function assertImages(x: tf.Tensor, fn: string, arg = 'images'): void {
  assertShape(x, ['B', 'H', 'W', 3], fn, arg);
  if (x.shape[0] === 0) throw new InputError(`argument '${arg}' passed to '${fn}' is an empty batch (B = 0)`);
  const [min, max, finite] = tf.tidy(() => {
    const flat = x.reshape([-1]);
    return [flat.min(), flat.max(), tf.all(tf.isFinite(flat))];
  });
  const lo = min.dataSync()[0];
  const hi = max.dataSync()[0];
  const allFinite = finite.dataSync()[0] === 1;
  tf.dispose([min, max, finite]);
  if (!allFinite) throw new InputError(`argument '${arg}' passed to '${fn}' contains NaN or Inf pixels; expected finite values in [0, 1]`);
  if (lo < 0 || hi > 1) {
    const hint = hi > 1 && hi <= 255 ? ' (uint8 values given as float? divide by 255)' : '';
    throw new InputError(`argument '${arg}' passed to '${fn}' must be RGB in [0, 1], got values in [${lo}, ${hi}]${hint}`);
  }
}

/** A positive integer option (batch sizes, probe counts). */
export function assertPositiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new InputError(`${what} must be a positive integer, got ${value}`);
  return value;
}
