import { PNG, type PackerOptions, type PNGOptions } from 'pngjs';

/** A PNG of `w`×`h` in colour type 0 (grey), 2 (RGB) or 6 (RGBA) from an RGBA pixel function. */
export function makePng(
  w: number,
  h: number,
  colorType: 0 | 2 | 6,
  px: (x: number, y: number) => [number, number, number, number],
): Buffer {
  const png = new PNG({ width: w, height: h, colorType, inputColorType: 6, inputHasAlpha: true } as PNGOptions);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) png.data.set(px(x, y), (y * w + x) * 4);
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true } as PackerOptions);
}
