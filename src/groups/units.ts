/**
 * Units of the group parameter t (DESIGN §2). The default is normalized: t = 1 is (size−1)/2 pixels
 * for translations, and radians for rotation and hue.
 */
import { checkName, InputError } from '../errors';
import { catalogGroup, type Group } from './catalog';
import type { Coordinates } from './sampler';

export type Unit = 'normalized' | 'pixels' | 'degrees';
export const UNITS: Unit[] = ['normalized', 'pixels', 'degrees'];

/**
 * Converts a parameter value to normalized units. `size` is the number of pixels along the axis
 * of the translation (W for translate-x, H for translate-y); it is ignored for degrees.
 * pixels: t = 2·value/(size−1); degrees: t = value·π/180 (radians); normalized: unchanged.
 */
export function toNormalized(value: number, unit: Unit | string, size: number): number {
  const u = checkName('unit', unit, UNITS);
  if (u === 'degrees') return (value * Math.PI) / 180;
  if (u === 'pixels') return (2 * value) / pixelSpan(size);
  return value;
}

/** The inverse of toNormalized: normalized t → pixels (t·(size−1)/2) or degrees (t·180/π). */
export function fromNormalized(tNormalized: number, unit: Unit | string, size: number): number {
  const u = checkName('unit', unit, UNITS);
  if (u === 'degrees') return (tNormalized * 180) / Math.PI;
  if (u === 'pixels') return (tNormalized * pixelSpan(size)) / 2;
  return tNormalized;
}

function pixelSpan(size: number): number {
  if (!Number.isInteger(size) || size < 2)
    throw new InputError(`a pixel conversion needs an axis of at least 2 pixels, got size ${size}`);
  return size - 1;
}

/** Which built-in groups a unit applies to, and along which axis pixels are counted. */
const PIXEL_AXIS: Record<string, 'width' | 'height'> = { 'translate-x': 'width', 'translate-y': 'height' };
const ANGLE_GROUPS = ['rotate', 'hue'];

/**
 * Converts t for `group` acting on H×W images: 'pixels' is allowed for translate-x (counted along
 * W) and translate-y (along H), 'degrees' for rotate and hue; other combinations are an InputError,
 * because t of a shear, stretch or scale has no pixel or angle reading. With `coordinates`
 * 'isotropic' (non-square images), pixels are counted along the longer side for both translations,
 * since one unit is (max(H, W) − 1)/2 px on both axes.
 */
export function groupParameterToNormalized(
  value: number,
  unit: Unit | string,
  group: Group,
  H: number,
  W: number,
  coordinates: Coordinates = 'normalized',
): number {
  const u = checkName('unit', unit, UNITS);
  if (u === 'normalized') return value;
  // Only the catalog's own groups: a custom group that reuses a name has no known unit.
  const builtIn = catalogGroup(group.name) === group ? group.name : '';
  if (u === 'pixels') {
    const axis = PIXEL_AXIS[builtIn];
    if (!axis)
      throw new InputError(
        `units 'pixels' apply to translate-x and translate-y only, not to '${group.name}'; use 'normalized'`,
      );
    if (coordinates === 'isotropic') return toNormalized(value, u, Math.max(H, W));
    return toNormalized(value, u, axis === 'width' ? W : H);
  }
  if (!ANGLE_GROUPS.includes(builtIn))
    throw new InputError(`units 'degrees' apply to rotate and hue only, not to '${group.name}'; use 'normalized'`);
  return toNormalized(value, u, 0);
}
