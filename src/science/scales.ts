/**
 * A common scale for comparing the LEE of different spatial groups (notebooks/README.md, "Common
 * scale"). The group parameter t has different units per group (t = 1 is (W−1)/2 = 13.5 px of
 * translation on a 28-px digit, but 1 radian of rotation), so raw LEEs of two groups are not
 * comparable. We divide each group's LEE by how fast the image border moves:
 *
 *   s_g = mean over the border pixel centres p of ‖X_g(p)‖ in pixels per unit t,
 *
 * X_g(p) = G p the generator's field in normalized coordinates (DESIGN §2), converted to pixels by
 * (W−1)/2 along x and (H−1)/2 along y. LEE / s_g is the output change per pixel of border
 * displacement. Translations have s = (W−1)/2 everywhere; rotation and scale move the corners
 * fastest and the centre not at all; colour groups move no pixel and have no such scale.
 */
import { InputError } from '../errors';
import { getGroup, normalizedCoord, type Group } from '../groups';

/** Mean border speed ‖X_g(p)‖ in pixels per unit t of `group` on H×W images (spatial groups only). */
export function borderSpeed(group: string | Group, H: number, W: number): number {
  const g = getGroup(group);
  if (g.kind !== 'spatial')
    throw new InputError(
      `borderSpeed: '${g.name}' is a colour group; it moves no pixel, so it has no displacement scale`,
    );
  if (!(Number.isInteger(H) && Number.isInteger(W) && H >= 2 && W >= 2))
    throw new InputError(`borderSpeed: H and W must be integers ≥ 2, got ${H}×${W}`);
  const G = g.generator.toArray() as number[][];
  let sum = 0;
  let count = 0;
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      if (i !== 0 && j !== 0 && i !== H - 1 && j !== W - 1) continue;
      const u = normalizedCoord(j, W);
      const v = normalizedCoord(i, H);
      const dx = (G[0][0] * u + G[0][1] * v + G[0][2]) * ((W - 1) / 2);
      const dy = (G[1][0] * u + G[1][1] * v + G[1][2]) * ((H - 1) / 2);
      sum += Math.hypot(dx, dy);
      count++;
    }
  }
  return sum / count;
}

/** LEE values divided by the group's border speed: output change per pixel of border displacement. */
export function perBorderPixel(values: readonly number[], group: string | Group, H: number, W: number): number[] {
  const s = borderSpeed(group, H, W);
  return values.map((v) => v / s);
}
