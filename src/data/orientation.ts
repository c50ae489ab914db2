/**
 * EXIF orientation: phones store the sensor's pixels as captured and record in the EXIF tag
 * Orientation (0x0112) how to turn them for display; browsers, phones and image viewers apply it.
 * An image is measured as people see it, so decodeImage applies it too.
 * Source: CIPA DC-008 (Exif 2.32) §4.6.4 tag 0x0112, and PNG 1.5's eXIf chunk (the same TIFF block).
 * A dependency-free reader of one tag: the npm EXIF readers are asynchronous (decodeImage is not)
 * or parse every tag to find this one.
 */
import type { DecodedImage } from './decode';

/** The EXIF Orientation (1–8) of a JPEG (APP1 "Exif") or PNG (eXIf chunk); 1 when absent or unreadable. */
export function exifOrientation(file: Uint8Array): number {
  const tiff = isPng(file) ? pngExif(file) : jpegExif(file);
  if (!tiff) return 1;
  const o = tiffOrientation(tiff);
  return o !== undefined && o >= 1 && o <= 8 ? o : 1;
}

/** Human words for each orientation value (for notes and tests). */
export const ORIENTATION_NAMES: Record<number, string> = {
  1: 'as stored',
  2: 'mirrored left–right',
  3: 'rotated 180°',
  4: 'mirrored top–bottom',
  5: 'transposed (mirrored, rotated 90° counter-clockwise)',
  6: 'rotated 90° clockwise',
  7: 'transversed (mirrored, rotated 90° clockwise)',
  8: 'rotated 90° counter-clockwise',
};

/**
 * The displayed image of stored pixels `img` (RGB, row-major) under EXIF orientation `o`.
 * Orientations 5–8 swap width and height. Displayed pixel (x, y) takes stored pixel
 * 1: (x, y)  2: (w−1−x, y)  3: (w−1−x, h−1−y)  4: (x, h−1−y)
 * 5: (y, x)  6: (y, h−1−x)  7: (w−1−y, h−1−x)  8: (w−1−y, x), with w × h the stored size.
 */
export function applyOrientation(img: DecodedImage, o: number): DecodedImage {
  if (o === 1 || !(o >= 2 && o <= 8)) return img;
  const { width: w, height: h, data } = img;
  const swap = o >= 5;
  const W = swap ? h : w;
  const H = swap ? w : h;
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let sx: number;
      let sy: number;
      switch (o) {
        case 2:
          sx = w - 1 - x;
          sy = y;
          break;
        case 3:
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case 4:
          sx = x;
          sy = h - 1 - y;
          break;
        case 5:
          sx = y;
          sy = x;
          break;
        case 6:
          sx = y;
          sy = h - 1 - x;
          break;
        case 7:
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;
        default:
          sx = w - 1 - y;
          sy = x;
          break; // 8
      }
      const s = (sy * w + sx) * 3;
      const d = (y * W + x) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return { data: out, width: W, height: H };
}

function isPng(b: Uint8Array): boolean {
  return b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

/** The TIFF block of the first APP1 "Exif\0\0" segment before the image data, if any. */
function jpegExif(b: Uint8Array): Uint8Array | undefined {
  let p = 2; // after SOI
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return undefined;
    const marker = b[p + 1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      p += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // start of scan / end: no EXIF before the pixels
    const len = (b[p + 2] << 8) | b[p + 3];
    if (len < 2 || p + 2 + len > b.length) return undefined;
    const seg = b.subarray(p + 4, p + 2 + len);
    if (
      marker === 0xe1 &&
      seg.length > 6 &&
      seg[0] === 0x45 &&
      seg[1] === 0x78 &&
      seg[2] === 0x69 &&
      seg[3] === 0x66 &&
      seg[4] === 0 &&
      seg[5] === 0
    ) {
      return seg.subarray(6);
    }
    p += 2 + len;
  }
  return undefined;
}

/** The data of the first eXIf chunk before IDAT, if any. */
function pngExif(b: Uint8Array): Uint8Array | undefined {
  let p = 8;
  while (p + 12 <= b.length) {
    const len = ((b[p] << 24) >>> 0) + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3];
    const type = String.fromCharCode(b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
    if (type === 'IDAT' || type === 'IEND' || p + 12 + len > b.length) return undefined;
    if (type === 'eXIf') return b.subarray(p + 8, p + 8 + len);
    p += 12 + len;
  }
  return undefined;
}

/** Tag 0x0112 of IFD0 in a TIFF block ("II*\0" little- or "MM\0*" big-endian). */
function tiffOrientation(t: Uint8Array): number | undefined {
  if (t.length < 8) return undefined;
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return undefined;
  const u16 = (i: number) => (little ? t[i] | (t[i + 1] << 8) : (t[i] << 8) | t[i + 1]);
  const u32 = (i: number) =>
    little
      ? (t[i] | (t[i + 1] << 8) | (t[i + 2] << 16)) + t[i + 3] * 2 ** 24
      : t[i] * 2 ** 24 + ((t[i + 1] << 16) | (t[i + 2] << 8) | t[i + 3]);
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > t.length) return undefined;
  const n = u16(ifd);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > t.length) return undefined;
    if (u16(e) === 0x0112) {
      const type = u16(e + 2);
      // SHORT (3) as the standard says; LONG (4) from some writers. The value sits in the first bytes.
      if (type === 3) return u16(e + 8);
      if (type === 4) return u32(e + 8);
      return undefined;
    }
  }
  return undefined;
}
