/**
 * Images are loaded as displayed (issue 15, case jpeg-exif-orientation and its kind): all eight
 * EXIF orientations, JPEG APP1 and PNG eXIf, both TIFF byte orders. The oracle is the Exif
 * standard's own table (CIPA DC-008, tag 0x0112): for each value, which visual side the stored
 * 0th row and 0th column are on — not the pixel formulas the implementation uses.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as jpeg from 'jpeg-js';
import { useBackend } from '../../src/backend';
import { decodeImage } from '../../src/data/decode';
import { loadImageFolder } from '../../src/data/imageFolder';
import { exifOrientation } from '../../src/data/orientation';
import { makePng } from '../helpers/imageFiles';

const CASES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'cases');

type Side = 'top' | 'bottom' | 'left' | 'right';
/** Exif tag 0x0112: [visual side of the 0th row, visual side of the 0th column]. */
const EXIF_TABLE: Record<number, [Side, Side]> = {
  1: ['top', 'left'],
  2: ['top', 'right'],
  3: ['bottom', 'right'],
  4: ['bottom', 'left'],
  5: ['left', 'top'],
  6: ['right', 'top'],
  7: ['right', 'bottom'],
  8: ['left', 'bottom'],
};
const OPPOSITE: Record<Side, Side> = { top: 'bottom', bottom: 'top', left: 'right', right: 'left' };

// Stored 32 × 16, one colour per quadrant.
const W = 32;
const H = 16;
const COLOURS: Record<'red' | 'green' | 'blue' | 'white', number[]> = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  white: [255, 255, 255],
};
type Colour = keyof typeof COLOURS;
const STORED: Array<[Colour, 'first' | 'last', 'first' | 'last']> = [
  ['red', 'first', 'first'],
  ['green', 'first', 'last'],
  ['blue', 'last', 'first'],
  ['white', 'last', 'last'],
];
const storedPixel = (x: number, y: number): Colour =>
  y < H / 2 ? (x < W / 2 ? 'red' : 'green') : x < W / 2 ? 'blue' : 'white';

/** Where each stored quadrant must appear, from the table alone: e.g. { red: 'top-right', ... }. */
function expectedCorners(o: number): Record<Colour, string> {
  const [rowSide, colSide] = EXIF_TABLE[o];
  const out = {} as Record<Colour, string>;
  for (const [colour, r, c] of STORED) {
    const sides = [r === 'first' ? rowSide : OPPOSITE[rowSide], c === 'first' ? colSide : OPPOSITE[colSide]];
    const v = sides.find((s) => s === 'top' || s === 'bottom')!;
    const h = sides.find((s) => s === 'left' || s === 'right')!;
    out[colour] = `${v}-${h}`;
  }
  return out;
}

/** A TIFF block with IFD0 = [ImageWidth, Orientation(type), ...]; `little` = "II". */
function tiff(orientation: number, little: boolean, type: 3 | 4 = 3): Buffer {
  const b = Buffer.alloc(8 + 2 + 2 * 12 + 4);
  const u16 = (v: number, at: number) => (little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  b.write(little ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(2, 8);
  u16(0x0100, 10);
  u16(4, 12);
  u32(1, 14);
  u32(W, 18); // ImageWidth, LONG
  u16(0x0112, 22);
  u16(type, 24);
  u32(1, 26);
  if (type === 3) u16(orientation, 30);
  else u32(orientation, 30);
  u32(0, 34); // no next IFD
  return b;
}

function storedRgba(): Buffer {
  const data = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) data.set([...COLOURS[storedPixel(x, y)], 255], (y * W + x) * 4);
  return data;
}

/** A JPEG with an APP1 Exif segment after its JFIF APP0 (where cameras write it). */
function jpegWithOrientation(o: number, little: boolean, type: 3 | 4 = 3): Buffer {
  const plain = Buffer.from(jpeg.encode({ data: storedRgba(), width: W, height: H }, 100).data);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff(o, little, type)]);
  const app1 = Buffer.concat([
    Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]),
    payload,
  ]);
  const afterApp0 = plain[2] === 0xff && plain[3] === 0xe0 ? 4 + plain.readUInt16BE(4) : 2;
  return Buffer.concat([plain.subarray(0, afterApp0), app1, plain.subarray(afterApp0)]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const byte of b) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG with an eXIf chunk after IHDR (PNG 1.5). */
function pngWithOrientation(o: number, little: boolean): Buffer {
  const plain = makePng(W, H, 2, (x, y) => [...COLOURS[storedPixel(x, y)], 255] as [number, number, number, number]);
  const data = tiff(o, little);
  const typeAndData = Buffer.concat([Buffer.from('eXIf', 'latin1'), data]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  const afterIhdr = 8 + 12 + plain.readUInt32BE(8);
  return Buffer.concat([plain.subarray(0, afterIhdr), chunk, plain.subarray(afterIhdr)]);
}

/** The colour nearest to the displayed image's pixel at the centre of each quadrant. */
function displayedCorners(img: { data: Uint8Array; width: number; height: number }): Record<Colour, string> {
  const out = {} as Record<Colour, string>;
  for (const v of ['top', 'bottom'] as const) {
    for (const h of ['left', 'right'] as const) {
      const x = Math.floor((h === 'left' ? 0.25 : 0.75) * img.width);
      const y = Math.floor((v === 'top' ? 0.25 : 0.75) * img.height);
      const px = Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
      const nearest = (Object.keys(COLOURS) as Colour[]).sort(
        (a, b) =>
          COLOURS[a].reduce((s, c, i) => s + (c - px[i]) ** 2, 0) -
          COLOURS[b].reduce((s, c, i) => s + (c - px[i]) ** 2, 0),
      )[0];
      out[nearest] = `${v}-${h}`;
    }
  }
  return out;
}

describe('EXIF orientation: images are loaded as displayed', () => {
  for (let o = 1; o <= 8; o++) {
    for (const little of [true, false]) {
      it(`JPEG, orientation ${o}, ${little ? 'II' : 'MM'}: quadrants where the Exif table puts them, ${o >= 5 ? '16×32' : '32×16'}`, () => {
        const file = jpegWithOrientation(o, little);
        assert.equal(exifOrientation(file), o);
        const img = decodeImage(file, `o${o}.jpg`);
        assert.deepEqual([img.width, img.height], o >= 5 ? [H, W] : [W, H]);
        assert.deepEqual(displayedCorners(img), expectedCorners(o));
        assert.equal(img.orientation, o === 1 ? undefined : o);
      });
    }
    it(`PNG with eXIf, orientation ${o}: the same, exactly (lossless)`, () => {
      const img = decodeImage(pngWithOrientation(o, o % 2 === 0), `o${o}.png`);
      assert.deepEqual([img.width, img.height], o >= 5 ? [H, W] : [W, H]);
      assert.deepEqual(displayedCorners(img), expectedCorners(o));
    });
  }

  it('Orientation written as LONG is read too; an out-of-range value or a truncated block is ignored (as stored)', () => {
    assert.equal(exifOrientation(jpegWithOrientation(6, true, 4)), 6);
    assert.equal(exifOrientation(jpegWithOrientation(9, true)), 1);
    assert.equal(exifOrientation(jpegWithOrientation(0, false)), 1);
    const truncated = jpegWithOrientation(6, true);
    const exifAt = truncated.indexOf('Exif\0\0');
    truncated.fill(0, exifAt + 6 + 8, exifAt + 6 + 20); // IFD entry count 0, first entry zeroed
    assert.equal(exifOrientation(truncated), 1);
    assert.equal(exifOrientation(Buffer.from(jpeg.encode({ data: storedRgba(), width: W, height: H }, 90).data)), 1);
  });

  it('case jpeg-exif-orientation: phone.jpg (32×16 stored, left red / right blue, Orientation 6) is 16 wide × 32 high, top red, bottom blue', () => {
    const img = decodeImage(fs.readFileSync(path.join(CASES, 'jpeg-exif-orientation', 'phone.jpg')), 'phone.jpg');
    assert.deepEqual([img.width, img.height, img.orientation], [16, 32, 6]);
    const at = (x: number, y: number) => Array.from(img.data.subarray((y * 16 + x) * 3, (y * 16 + x) * 3 + 3));
    const [r0, g0, b0] = at(8, 4);
    const [r1, g1, b1] = at(8, 27);
    assert.ok(r0 > 200 && g0 < 60 && b0 < 60, `top ${at(8, 4)}`);
    assert.ok(b1 > 200 && r1 < 60 && g1 < 60, `bottom ${at(8, 27)}`);
  });

  describe('through loadImageFolder', () => {
    let dir: string;
    before(async () => {
      await useBackend('cpu');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-exif-'));
      fs.copyFileSync(path.join(CASES, 'jpeg-exif-orientation', 'phone.jpg'), path.join(dir, 'phone.jpg'));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('a sideways-stored phone photo is cropped and resized as displayed (top red, bottom blue)', () => {
      const { images } = loadImageFolder(dir, { size: [32, 16] });
      const x = images.arraySync()[0];
      assert.ok(x[2][8][0] > 0.8 && x[2][8][2] < 0.25, `top ${x[2][8]}`);
      assert.ok(x[29][8][2] > 0.8 && x[29][8][0] < 0.25, `bottom ${x[29][8]}`);
      images.dispose();
    });
  });
});
