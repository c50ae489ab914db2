import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as jpeg from 'jpeg-js';
import { useBackend } from '../../src/backend';
import { loadImageFolder } from '../../src/data/imageFolder';
import { InputError } from '../../src/errors';
import { expectNoLeak } from '../helpers/noLeak';
import { makePng } from '../helpers/imageFiles';
import { TOL } from '../helpers/tolerances';

function jpegOf(w: number, h: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([...rgb, 255], p * 4);
  return jpeg.encode({ data, width: w, height: h }, 95).data;
}

describe('loadImageFolder', () => {
  let dir: string;
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-folder-'));
    fs.mkdirSync(path.join(dir, 'cats'));
    fs.mkdirSync(path.join(dir, 'dogs'));
    fs.writeFileSync(path.join(dir, 'cats', 'a.jpg'), jpegOf(37, 23, [250, 10, 10])); // odd size, wide
    fs.writeFileSync(
      path.join(dir, 'cats', 'b.png'),
      makePng(9, 31, 0, () => [128, 128, 128, 255]),
    ); // grey, tall
    fs.writeFileSync(
      path.join(dir, 'dogs', 'c.PNG'),
      makePng(16, 16, 6, () => [0, 0, 255, 0]),
    ); // fully transparent
    fs.writeFileSync(path.join(dir, 'dogs', 'notes.txt'), 'not an image');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads class folders: sorted classes, labels, files, shape and range', async () => {
    const r = await expectNoLeak(() => {
      const out = loadImageFolder(dir, { size: [8, 12] });
      assert.deepEqual(out.classNames, ['cats', 'dogs']);
      assert.deepEqual(out.labels, [0, 0, 1]);
      assert.deepEqual(out.files, [path.join('cats', 'a.jpg'), path.join('cats', 'b.png'), path.join('dogs', 'c.PNG')]);
      assert.deepEqual(out.images.shape, [3, 8, 12, 3]);
      return out.images;
    }, 'loadImageFolder');
    assert.ok(r);
  });

  it('keeps the colours: red JPEG, grey PNG, transparent PNG over white', () => {
    const out = loadImageFolder(dir, { size: [4, 4] });
    const d = out.images.dataSync();
    const px = (n: number) => [...d.subarray(n * 48 + 15, n * 48 + 18)];
    // JPEG tolerance: 95-quality flat colour is within ±4/255 (0.016)
    assert.ok(Math.abs(px(0)[0] - 250 / 255) < TOL.jpegRedChannel && px(0)[1] < TOL.jpegGreenLeak, `red ${px(0)}`);
    px(1).forEach((v) => assert.ok(Math.abs(v - 128 / 255) < TOL.float32FewOps));
    px(2).forEach((v) => assert.equal(v, 1));
    out.images.dispose();
  });

  it('flat mode, seeded limit, and no centre crop', () => {
    const flat = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-flat-'));
    for (let i = 0; i < 5; i++)
      fs.writeFileSync(
        path.join(flat, `img${i}.png`),
        makePng(6, 3, 2, () => [i * 50, 0, 0, 255]),
      );
    const a = loadImageFolder(flat, { size: [3, 3], limit: 3, seed: 7, centerCrop: false });
    const b = loadImageFolder(flat, { size: [3, 3], limit: 3, seed: 7 });
    assert.equal(a.labels, undefined);
    assert.deepEqual(a.images.shape, [3, 3, 3, 3]);
    assert.deepEqual(a.files, b.files);
    assert.equal(new Set(a.files).size, 3);
    a.images.dispose();
    b.images.dispose();
    fs.rmSync(flat, { recursive: true, force: true });
  });

  it('names what is wrong: missing folder, no images', () => {
    assert.throws(() => loadImageFolder(path.join(dir, 'nope'), { size: [4, 4] }), InputError);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-empty-'));
    assert.throws(() => loadImageFolder(empty, { size: [4, 4] }), /no \.jpg\/\.jpeg\/\.png files/);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
