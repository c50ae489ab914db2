import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { readNpy, writeNpy } from '../../src/data/npy';
import { saveModel } from '../../src/models/load';
import { runHere } from '../helpers/cli';
import { makePng } from '../helpers/imageFiles';
import { TOL } from '../helpers/tolerances';

/**
 * `--images` takes one PNG/JPEG file as a one-image set, and repeats for several files. The oracle
 * for the decoded pixels is a .npy written from the same pixel function (x/255), which does not go
 * through the PNG decoder.
 */
describe('--images: one image file, or the option repeated', () => {
  let dir: string;
  let model: string;
  const f = (...p: string[]) => path.join(dir, ...p);
  const px =
    (seed: number) =>
    (x: number, y: number): [number, number, number, number] => [
      (x * 31 + y * 7 + seed * 50) % 256,
      (x * 5 + y * 29 + seed * 90) % 256,
      (x * 13 + y * 17 + seed * 20) % 256,
      255,
    ];
  const rows = (out: string) =>
    JSON.parse(out).rows as Array<{ image: number; group: string; lee: number; file?: string }>;

  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-images-'));
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [8, 8, 3],
          filters: 3,
          kernelSize: 3,
          activation: 'tanh',
          kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }),
      ],
    });
    await saveModel(net, f('net'));
    net.dispose();
    model = f('net');
    fs.mkdirSync(f('pngs'));
    const pixels = new Float32Array(2 * 8 * 8 * 3);
    for (const [k, name] of ['a.png', 'b.png'].entries()) {
      fs.writeFileSync(f('pngs', name), makePng(8, 8, 2, px(k)));
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++)
          px(k)(x, y)
            .slice(0, 3)
            .forEach((v, c) => (pixels[((k * 8 + y) * 8 + x) * 3 + c] = v / 255));
    }
    writeNpy(f('ab.npy'), pixels, [2, 8, 8, 3]);
    writeNpy(f('b.npy'), pixels.slice(8 * 8 * 3), [1, 8, 8, 3]);
    fs.writeFileSync(f('notes.txt'), 'not an image');
  });

  const lee = (...images: string[]) =>
    runHere([
      'lee',
      '--model',
      model,
      ...images.flatMap((i) => ['--images', i]),
      '--groups',
      'rotate',
      '--output',
      'logits',
      '--format',
      'json',
    ]);

  it('one PNG file is a one-image set, measured as its pixels in a .npy are', async () => {
    const one = await lee(f('pngs', 'b.png'));
    assert.equal(one.code, 0, one.err);
    const r = rows(one.out);
    assert.equal(r.length, 1);
    assert.equal(r[0].file, f('pngs', 'b.png'));
    const ref = rows((await lee(f('b.npy'))).out);
    assert.ok(
      Math.abs(r[0].lee - ref[0].lee) <= TOL.jvpVsOracle * Math.abs(ref[0].lee),
      `${r[0].lee} vs ${ref[0].lee}`,
    );
    assert.ok(ref[0].lee > 0);
  });

  it('--images repeated: the files in the order given, as the folder holding them gives', async () => {
    const two = await lee(f('pngs', 'b.png'), f('pngs', 'a.png'));
    assert.equal(two.code, 0, two.err);
    const r = rows(two.out);
    assert.deepEqual(
      r.map((x) => x.file),
      [f('pngs', 'b.png'), f('pngs', 'a.png')],
    );
    const folder = rows((await lee(f('pngs'))).out); // sorted: a, b
    assert.equal(r[0].lee, folder[1].lee);
    assert.equal(r[1].lee, folder[0].lee);
    // Several .npy files of one size are concatenated.
    const npys = rows((await lee(f('ab.npy'), f('b.npy'))).out);
    assert.equal(npys.length, 3);
    assert.equal(npys[2].lee, npys[1].lee);
  });

  it('tangent takes one PNG file too, at its own size, as the .npy of its pixels', async () => {
    const fromPng = f('t-png.npy');
    const fromNpy = f('t-npy.npy');
    const a = await runHere([
      'tangent',
      '--images',
      f('pngs', 'b.png'),
      '--group',
      'rotate',
      '--out',
      fromPng,
      '--no-preview',
    ]);
    assert.equal(a.code, 0, a.err);
    assert.match(a.err, /float32 \(1, 8, 8, 3\)/);
    const b = await runHere(['tangent', '--images', f('b.npy'), '--group', 'rotate', '--out', fromNpy, '--no-preview']);
    assert.equal(b.code, 0, b.err);
    const [x, y] = [readNpy(fromPng), readNpy(fromNpy)];
    assert.deepEqual(x.shape, y.shape);
    const d = Math.max(
      ...Array.from(x.data as Float32Array, (v, i) => Math.abs(v - Number((y.data as Float32Array)[i]))),
    );
    assert.ok(d <= TOL.jvpVsOracle, `max |Δ| = ${d}`);
  });

  it('what --images does not take is refused saying what it takes', async () => {
    const txt = await lee(f('notes.txt'));
    assert.equal(txt.code, 1);
    assert.match(
      txt.err,
      /--images must be a \.npy file or a folder of images, got '.*notes\.txt'; also taken: one PNG\/JPEG file \(a one-image set\), or --images repeated/,
    );
    const mixed = await lee(f('pngs', 'a.png'), f('b.npy'));
    assert.equal(mixed.code, 1);
    assert.match(
      mixed.err,
      /--images mixes image files and \.npy files \('.*a\.png', '.*b\.npy'\); give image files, or \.npy files of one size, not both/,
    );
    const folderAmong = await lee(f('pngs'), f('pngs', 'a.png'));
    assert.equal(folderAmong.code, 1);
    assert.match(folderAmong.err, /is a folder among 2 --images; give one folder, or image files/);
    assert.doesNotMatch(txt.err + mixed.err + folderAmong.err, /UNCAUGHT|\n\s+at /);
  });
});
