import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as jpeg from 'jpeg-js';
import { decodeImage } from '../../src/data/decode';
import { FileFormatError } from '../../src/errors';
import { makePng } from '../helpers/imageFiles';

describe('decodeImage', () => {
  it('decodes an RGB PNG exactly (lossless)', () => {
    const buf = makePng(5, 3, 2, (x, y) => [x * 50, y * 100, 7, 255]);
    const img = decodeImage(buf, 'a.png');
    assert.equal(img.width, 5);
    assert.equal(img.height, 3);
    assert.deepEqual([...img.data.subarray((2 * 5 + 4) * 3, (2 * 5 + 4) * 3 + 3)], [200, 200, 7]);
  });

  it('replicates a greyscale PNG to three channels', () => {
    const img = decodeImage(
      makePng(4, 4, 0, (x) => [x * 60, x * 60, x * 60, 255]),
      'g.png',
    );
    assert.deepEqual([...img.data.subarray(9, 12)], [180, 180, 180]);
  });

  it('composites RGBA over white', () => {
    // hand-checked: red at alpha 51/255 = 0.2 over white → (255, 0.8·255, 0.8·255) = (255, 204, 204)
    const img = decodeImage(
      makePng(2, 1, 6, () => [255, 0, 0, 51]),
      'a.png',
    );
    assert.deepEqual([...img.data.subarray(0, 3)], [255, 204, 204]);
  });

  it('decodes a JPEG within JPEG error (flat colour ±3 levels)', () => {
    const w = 16;
    const rgba = Buffer.alloc(w * w * 4);
    for (let p = 0; p < w * w; p++) rgba.set([200, 100, 50, 255], p * 4);
    const img = decodeImage(jpeg.encode({ data: rgba, width: w, height: w }, 95).data, 'a.jpg');
    assert.equal(img.width, w);
    const [r, g, b] = img.data;
    assert.ok(Math.abs(r - 200) <= 3 && Math.abs(g - 100) <= 3 && Math.abs(b - 50) <= 3, `got ${r},${g},${b}`);
  });

  it('chooses the decoder by content, not by extension', () => {
    const img = decodeImage(
      makePng(3, 2, 2, () => [1, 2, 3, 255]),
      'misnamed.jpg',
    );
    assert.equal(img.height, 2);
  });

  it('throws FileFormatError naming the file for garbage and truncated files', () => {
    assert.throws(
      () => decodeImage(Buffer.from('hello world'), 'x.png'),
      (e: unknown) => e instanceof FileFormatError && /x\.png: not a JPEG or PNG/.test((e as Error).message),
    );
    const png = makePng(8, 8, 2, () => [9, 9, 9, 255]);
    assert.throws(
      () => decodeImage(png.subarray(0, 40), 'cut.png'),
      (e: unknown) => e instanceof FileFormatError && /cut\.png: corrupt PNG/.test((e as Error).message),
    );
  });
});
