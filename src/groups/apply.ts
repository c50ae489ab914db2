/**
 * `applyGroup`: the finite action T_t of any group on an image batch, for one t or a vector of t.
 */
import type * as tf from '@tensorflow/tfjs';
import { assertShape } from '../checks';
import { checkName, InputError } from '../errors';
import type { Group } from './catalog';
import { applyColor } from './color';
import { getGroup } from './generators';
import { applySpatial } from './spatial';
import { COORDINATES, type Coordinates } from './sampler';
import { groupParameterToNormalized, type Unit } from './units';

/**
 * T_t x for each t (DESIGN §2): spatial groups resample (bilinear, reflection), colour groups map
 * pixels by expm(tG). t = 0 returns the input exactly.
 *
 * Convention:
 *  - images: [B, H, W, C] float32 (NHWC); any C for spatial groups, C = 3 (RGB) for colour groups.
 *    Values are not range-checked, so actions can be composed (brightness leaves [0, 1]).
 *  - t: a number → [B, H, W, C]; an array of T numbers → [T·B, H, W, C], t-major
 *    (rows k·B … k·B+B−1 are t[k]).
 *  - units: 'normalized' (default; t = 1 is (W−1)/2 pixels, radians), 'pixels' (translate-x
 *    along W, translate-y along H) or 'degrees' (rotate, hue).
 *  - coordinates: 'normalized' (default, the paper's) or 'isotropic' (the same pixel scale,
 *    (max(H, W) − 1)/2 px per unit, on both axes, so rotation is rigid on non-square images).
 *  - memory: returns one new tensor and disposes its intermediates.
 */
export function applyGroup(
  images: tf.Tensor4D,
  g: string | Group,
  t: number | number[],
  { units = 'normalized', coordinates = 'normalized' }: { units?: Unit; coordinates?: Coordinates } = {},
): tf.Tensor4D {
  const group = getGroup(g);
  assertShape(images, ['B', 'H', 'W', group.kind === 'color' ? 3 : 'C'], 'applyGroup', 'images');
  const ts = Array.isArray(t) ? t : [t];
  if (ts.length === 0)
    throw new InputError(`argument 't' passed to 'applyGroup' is an empty array; expected at least one value`);
  const bad = ts.find((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad !== undefined)
    throw new InputError(`argument 't' passed to 'applyGroup' must be finite numbers, got ${String(bad)}`);
  const coords = checkName('coordinates', coordinates, COORDINATES);
  const [, H, W] = images.shape;
  const tNormalized = ts.map((v) => groupParameterToNormalized(v, units, group, H, W, coords));
  return group.kind === 'spatial'
    ? applySpatial(images, group, tNormalized, coords)
    : applyColor(images, group, tNormalized);
}
