import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { readNpy, writeNpy } from '../../src/data/npy';
import { GROUP_NAMES } from '../../src/groups';
import { PNG } from 'pngjs';
import { makePng } from '../helpers/imageFiles';
import { TOL } from '../helpers/tolerances';

/** Runs the CLI in-process and captures its streams. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { stdout: '', stderr: '' };
  out.on('data', (c) => (chunks.stdout += c));
  err.on('data', (c) => (chunks.stderr += c));
  const code = await main(argv, { stdout: out, stderr: err });
  return { code, ...chunks };
}

describe('liederiv tangent', () => {
  let dir: string;
  let images: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-tangent-'));
    images = path.join(dir, 'images.npy');
    // Two 3×3 images, every channel x[i][j] = j²/4 (values 0, 0.25, 1): hand-checked tangents below.
    const row = [0, 0.25, 1].flatMap((v) => [v, v, v]);
    writeNpy(images, Float32Array.from([...Array(6)].flatMap(() => row)), [2, 3, 3, 3]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the float32 NHWC tangent (hand-checked: central [0, 0.5, 0], forward [0.25, 0.75, −0.75] per row)', async () => {
    // (W−1)/2 = 1. central: (x1 − x1)/2, (1 − 0)/2, (x1 − x1)/2; forward: .25 − 0, 1 − .25, x1 − x2 = −.75.
    for (const [difference, want] of [
      ['central', [0, 0.5, 0]],
      ['forward', [0.25, 0.75, -0.75]],
    ] as const) {
      const out = path.join(dir, `lx-${difference}.npy`);
      const r = await run([
        'tangent',
        '--images',
        images,
        '--group',
        'translate-x',
        '--difference',
        difference,
        '--out',
        out,
        '--backend',
        'cpu',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /wrote .*float32 \(2, 3, 3, 3\), group translate-x/);
      const lx = readNpy(out);
      assert.deepEqual([lx.dtype, lx.shape], ['float32', [2, 3, 3, 3]]);
      // v + 0 reads −0 (masked border differences) as 0.
      assert.deepEqual(
        Array.from(lx.data, (v) => v + 0),
        [...Array(6)].flatMap(() => want.flatMap((v) => [v, v, v])),
      );
    }
  });

  it('usage errors exit 2: missing option, unknown group (listing the valid ones), bad difference or sigma', async () => {
    const out = path.join(dir, 'never.npy');
    const missing = await run(['tangent', '--images', images, '--out', out]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required option --group/);
    const unknown = await run(['tangent', '--images', images, '--group', 'rot', '--out', out]);
    assert.equal(unknown.code, 2);
    assert.ok(unknown.stderr.includes(`unknown group 'rot'; valid: ${GROUP_NAMES.join(', ')}`), unknown.stderr);
    assert.equal(
      (await run(['tangent', '--images', images, '--group', 'rotate', '--difference', 'backward', '--out', out])).code,
      2,
    );
    assert.equal(
      (
        await run([
          'tangent',
          '--images',
          images,
          '--group',
          'rotate',
          '--difference',
          'gaussian',
          '--sigma',
          '-1',
          '--out',
          out,
        ])
      ).code,
      2,
    );
    assert.equal(
      (await run(['tangent', '--images', images, '--group', 'rotate', '--sigma', '2', '--out', out])).code,
      2,
    );
    assert.equal(fs.existsSync(out), false);
  });

  it('runtime errors exit 1: missing or malformed input file', async () => {
    const out = path.join(dir, 'never.npy');
    const r = await run([
      'tangent',
      '--images',
      path.join(dir, 'nope.npy'),
      '--group',
      'rotate',
      '--out',
      out,
      '--backend',
      'cpu',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.npy: file not found/);
    const grey = path.join(dir, 'grey.npy');
    writeNpy(grey, new Float32Array(9), [1, 3, 3, 1]);
    // A grey (1-channel) image has a spatial tangent; colour groups need RGB.
    const g = await run(['tangent', '--images', grey, '--group', 'hue', '--out', out, '--backend', 'cpu']);
    assert.equal(g.code, 1);
    assert.match(g.stderr, /imageTangent.*must have shape \[B, H, W, 3\], got \[1, 3, 3, 1\]/);
    assert.equal(
      (await run(['tangent', '--images', grey, '--group', 'rotate', '--out', out, '--backend', 'cpu'])).code,
      0,
    );
  });

  it('the real process: `node bin/liederiv.js tangent` exits 0, 1 and 2', () => {
    const bin = path.resolve(__dirname, '..', '..', '..', 'bin', 'liederiv.js');
    const env = { ...process.env, LIEDERIV_BACKEND: 'cpu' };
    const out = path.join(dir, 'spawned.npy');
    const ok = spawnSync(process.execPath, [bin, 'tangent', '--images', images, '--group', 'hue', '--out', out], {
      env,
      encoding: 'utf8',
    });
    assert.equal(ok.status, 0, ok.stderr);
    // Grey pixels (r = g = b): the hue tangent is exactly zero.
    assert.ok(Array.from(readNpy(out).data).every((v) => v === 0));
    const bad = spawnSync(
      process.execPath,
      [bin, 'tangent', '--images', path.join(dir, 'nope.npy'), '--group', 'hue', '--out', out],
      { env, encoding: 'utf8' },
    );
    assert.equal(bad.status, 1, bad.stderr);
    const usage = spawnSync(process.execPath, [bin, 'tangent', '--group', 'hue'], { env, encoding: 'utf8' });
    assert.equal(usage.status, 2, usage.stderr);
    assert.match(usage.stderr, /usage: liederiv tangent --images/);
  });

  it("accepts an image folder (resized to the first file's size, with a warning) and writes a PNG preview of x and L x", async () => {
    const folder = path.join(dir, 'photos');
    fs.mkdirSync(path.join(folder, 'a'), { recursive: true });
    fs.mkdirSync(path.join(folder, 'b'));
    // Horizontal ramps: translate-x has a tangent, a constant image has none.
    fs.writeFileSync(
      path.join(folder, 'a', '1.png'),
      makePng(8, 6, 2, (x) => [x * 30, x * 30, x * 30, 255]),
    );
    fs.writeFileSync(
      path.join(folder, 'b', '2.png'),
      makePng(16, 12, 2, () => [90, 90, 90, 255]),
    );
    const out = path.join(dir, 'folder-lx.npy');
    const r = await run(['tangent', '--images', folder, '--group', 'translate-x', '--out', out, '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: 1 of 2 images resized to the first file's size 8×6 \(width×height\) from 16×12/);
    assert.match(r.stderr, /images in order: a\/1\.png, b\/2\.png/);
    const lx = readNpy(out);
    assert.deepEqual(lx.shape, [2, 6, 8, 3]);
    // Ramp of 30/255 per column, central differences, ∂_u = (W−1)/2 ∂/∂column: 3.5 · 30/255 inside, 0 at the border.
    const at = (n: number, i: number, j: number) => lx.data[((n * 6 + i) * 8 + j) * 3];
    assert.ok(Math.abs(at(0, 2, 3) - (3.5 * 30) / 255) < TOL.float32Reordered, `${at(0, 2, 3)}`);
    assert.equal(at(0, 2, 0) + 0, 0);
    assert.ok(
      Array.from(lx.data.subarray(6 * 8 * 3)).every((v) => v === 0),
      'constant image: L x = 0',
    );
    // The preview: 2 rows (x, L x) of 2 upscaled images; grey (128) where L x = 0, brighter where it is > 0.
    const png = PNG.sync.read(fs.readFileSync(out.replace(/\.npy$/, '.png')));
    const cell = Math.ceil(96 / 8);
    assert.deepEqual([png.width, png.height], [2 + 2 * (8 * cell + 2), 2 + 2 * (6 * cell + 2)]);
    const pixel = (x: number, y: number) => png.data[(y * png.width + x) * 4];
    const lxTop = 2 + 6 * cell + 2;
    assert.equal(pixel(2 + 3 * cell, lxTop + 2 * cell), 255, 'the largest positive L x is white');
    assert.equal(pixel(2 + 0 * cell, lxTop + 2 * cell), 128, 'L x = 0 is mid-grey');
    assert.equal(pixel(2 + (8 * cell + 2) + 3 * cell, lxTop + 2 * cell), 128, 'constant image: grey');
    const none = await run([
      'tangent',
      '--images',
      folder,
      '--group',
      'rotate',
      '--out',
      path.join(dir, 'np.npy'),
      '--size',
      '6x8',
      '--no-preview',
      '--backend',
      'cpu',
    ]);
    assert.equal(none.code, 0, none.stderr);
    assert.ok(!fs.existsSync(path.join(dir, 'np.png')));
    assert.match(none.stderr, /resized to --size 8×6/);
  });
});
