import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FileFormatError } from '../errors';
import { applyOrientation, exifOrientation } from './orientation';

/** 8-bit RGB pixels, row-major, 3 bytes per pixel. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** The EXIF orientation (2–8) that was applied to give the displayed image; absent when none. */
  orientation?: number;
  /** Some pixels were not opaque (alpha < 255) and were composited over white; absent when all were opaque. */
  translucent?: boolean;
}

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'] as const;

// Decoding a corrupt header can ask jpeg-js for gigabytes; refuse anything above this (64 Mpx).
const MAX_PIXELS = 64 * 1024 * 1024;

/**
 * Decodes a JPEG or PNG (chosen by the file's magic bytes, not its extension) to 8-bit RGB, as
 * displayed: an EXIF orientation (JPEG APP1, PNG eXIf; values 2–8) is applied, as browsers and
 * phones do, so a phone photo stored sideways is measured upright (width and height swap for 5–8).
 * Greyscale is replicated to three channels; alpha is composited over white, since transparent
 * regions of photos and icons are meant to be seen on a light page.
 * Throws FileFormatError (naming `fileName`) for corrupt or unsupported files.
 */
export function decodeImage(buffer: Uint8Array, fileName: string): DecodedImage {
  const isPng =
    buffer.length > 8 && buffer[0] === 0x89 && buffer[1] === 0x50 && buffer[2] === 0x4e && buffer[3] === 0x47;
  const isJpeg = buffer.length > 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff;
  if (!isPng && !isJpeg) {
    throw new FileFormatError(
      fileName,
      `not a JPEG or PNG file (first bytes ${hex(buffer.subarray(0, 4))}; extension ${path.extname(fileName) || 'none'})`,
    );
  }
  let rgba: { data: Uint8Array; width: number; height: number };
  try {
    rgba = isPng
      ? PNG.sync.read(Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength))
      : jpeg.decode(buffer, {
          useTArray: true,
          formatAsRGBA: true,
          maxResolutionInMP: MAX_PIXELS / 1e6,
          maxMemoryUsageInMB: 1024,
        });
  } catch (err) {
    throw new FileFormatError(fileName, `corrupt ${isPng ? 'PNG' : 'JPEG'}: ${(err as Error).message}`);
  }
  const { width, height } = rgba;
  if (!(width > 0 && height > 0) || rgba.data.length < width * height * 4) {
    throw new FileFormatError(
      fileName,
      `decoded to ${width}×${height} with ${rgba.data.length} bytes; expected ${width * height * 4}`,
    );
  }
  const translucent = hasTranslucentPixel(rgba.data, width * height);
  const stored = {
    data: rgbaOverWhite(rgba.data, width * height),
    width,
    height,
    ...(translucent ? { translucent } : {}),
  };
  const orientation = exifOrientation(buffer);
  return orientation === 1 ? stored : { ...applyOrientation(stored, orientation), orientation };
}

function hasTranslucentPixel(rgba: Uint8Array, pixels: number): boolean {
  for (let p = 0; p < pixels; p++) if (rgba[p * 4 + 3] !== 255) return true;
  return false;
}

function rgbaOverWhite(rgba: Uint8Array, pixels: number): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const a = rgba[p * 4 + 3];
    for (let c = 0; c < 3; c++) {
      const v = rgba[p * 4 + c];
      rgb[p * 3 + c] = a === 255 ? v : Math.round((v * a + 255 * (255 - a)) / 255);
    }
  }
  return rgb;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ') || '(empty)';
}
