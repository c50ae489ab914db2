import * as tf from '@tensorflow/tfjs';
import { InputError, NumericalError } from './errors';

/**
 * Shape check that names the dimensions and the caller, like tfjs's "Argument 'x' passed to 'relu'".
 * `dims` entries are a dimension name (any size) or a number (exact size).
 */
export function assertShape(x: tf.Tensor, dims: (string | number)[], fn: string, arg: string): void {
  const want = `[${dims.join(', ')}]`;
  if (!(x instanceof tf.Tensor))
    throw new InputError(`argument '${arg}' passed to '${fn}' must be a tf.Tensor of shape ${want}`);
  const ok = x.rank === dims.length && dims.every((d, i) => typeof d === 'string' || x.shape[i] === d);
  if (!ok)
    throw new InputError(`argument '${arg}' passed to '${fn}' must have shape ${want}, got [${x.shape.join(', ')}]`);
  if (x.dtype !== 'float32')
    throw new InputError(`argument '${arg}' passed to '${fn}' must be float32, got ${x.dtype}`);
}

/**
 * Images must be NHWC float32 in [0, 1], finite, with at least one image; RGB, or also 1-channel
 * where `channels` allows it (the measuring functions: src/jvp/measured.ts adapts them).
 */
export function assertImages(x: tf.Tensor, fn: string, arg = 'images', channels: readonly number[] = [3]): void {
  const c: number =
    x instanceof tf.Tensor && x.rank === 4 && channels.includes(x.shape[3] as number) ? (x.shape[3] as number) : 3;
  if (x instanceof tf.Tensor && !(x.rank === 4 && x.shape[3] === c)) {
    const hint = imagesHint(x.shape, channels);
    if (hint)
      throw new InputError(
        `argument '${arg}' passed to '${fn}' must have shape [B, H, W, ${channels.join(' or ')}], got [${x.shape.join(', ')}] (${hint})`,
      );
  }
  assertShape(x, ['B', 'H', 'W', c], fn, arg);
  if (x.shape[0] === 0) throw new InputError(`argument '${arg}' passed to '${fn}' is an empty batch (B = 0)`);
  const [min, max, finite] = tf.tidy(() => {
    const flat = x.reshape([-1]);
    return [flat.min(), flat.max(), tf.all(tf.isFinite(flat))];
  });
  const lo = min.dataSync()[0];
  const hi = max.dataSync()[0];
  const allFinite = finite.dataSync()[0] === 1;
  tf.dispose([min, max, finite]);
  if (!allFinite)
    throw new InputError(
      `argument '${arg}' passed to '${fn}' contains NaN or Inf pixels; expected finite values in [0, 1]`,
    );
  assertImageRange(lo, hi, `argument '${arg}' passed to '${fn}' must be RGB in [0, 1]`);
}

/**
 * How far outside [0, 1] pixel values may be and still count as [0, 1]: float32 round-off from a
 * resize, colour conversion or normalisation round trip (−3e-8, 1.0000001) is up to a few ulps of 1
 * (ulp(1) = 1.2e-7). Loaders clip such values to [0, 1]; `assertImages` accepts them as they are
 * (a 1e-6 change of a pixel changes a Lie derivative by a relative 1e-6 at most, linearly).
 */
export const IMAGE_RANGE_TOLERANCE = 1e-6;

/**
 * Throws InputError `${what}, got values in [lo, hi]` plus a hint when [lo, hi] (the min and max of
 * finite pixel values) is not inside [0, 1] widened by IMAGE_RANGE_TOLERANCE. Hints only when the
 * values look like a known other range: 0–255 (max in (1.5, 255]) or −1..1 (min in [−1, −0.25)).
 */
export function assertImageRange(lo: number, hi: number, what: string): void {
  const tol = IMAGE_RANGE_TOLERANCE;
  if (lo >= -tol && hi <= 1 + tol) return;
  let hint = '';
  if (lo >= -tol && hi > 1.5 && hi <= 255) hint = ' (0–255 values stored as float? divide by 255)';
  else if (lo < -0.25 && lo >= -1 - tol && hi <= 1 + tol)
    hint =
      " (values in [−1, 1]? map them to [0, 1] with (x + 1)/2; the model's own normalisation is its preprocess, DESIGN §10)";
  throw new InputError(
    `${what}, got values in [${lo}, ${hi}]${hint}; only round-off up to ${tol.toExponential()} outside [0, 1] is accepted`,
  );
}

/** What a wrongly shaped image batch probably is, and how to fix it (greyscale and RGBA are converted only by image-folder loading). */
function imagesHint(shape: number[], channels: readonly number[]): string | undefined {
  if (shape.length === 3 && channels.includes(shape[2])) return 'one image? add the batch axis: x.expandDims(0)';
  if (shape.length !== 4) return undefined;
  if (channels.includes(shape[1]) && !channels.includes(shape[3]))
    return "NCHW? transpose to NHWC: x.transpose([0, 2, 3, 1]); the model's own layout is handled by its contract (layout: nchw)";
  if (shape[3] === 1 && !channels.includes(1))
    return 'greyscale: repeat the channel, tf.tile(x, [1, 1, 1, 3]); only image folders convert greyscale automatically';
  if (shape[3] === 4)
    return 'RGBA: drop or composite the alpha channel, e.g. x.slice([0, 0, 0, 0], [-1, -1, -1, 3]); only image folders composite alpha automatically';
  return undefined;
}

/** A positive integer option (batch sizes, probe counts). */
export function assertPositiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new InputError(`${what} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Result rows must hold finite numbers: a NaN/Inf Lie derivative means the model's output (or its
 * derivative) is not finite for that image. Throws NumericalError naming the model, the first bad
 * image (rows are image-major) and the field. Plain numbers only: call it once per batch of rows.
 */
export function assertFiniteRows<R extends { image: number }>(
  rows: readonly R[],
  fields: ReadonlyArray<keyof R & string>,
  fn: string,
  model: string,
): void {
  for (const row of rows) {
    for (const f of fields) {
      const v = row[f] as unknown;
      if (typeof v === 'number' && !Number.isFinite(v)) {
        const where = Object.entries(row)
          .filter(([k, x]) => k !== 'image' && k !== 'model' && k !== f && typeof x === 'string')
          .map(([k, x]) => `${k} ${x}`)
          .join(', ');
        throw new NumericalError(
          `${fn}: model '${model}' gives ${f} = ${v} for image ${row.image}${where ? ` (${where})` : ''}; its output or derivative is not finite there — ` +
            `check the model's weights and its output on that image (e.g. model.net.predict)`,
          row.image,
        );
      }
    }
  }
}
