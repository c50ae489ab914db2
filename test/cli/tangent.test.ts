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
    for (const [difference, want] of [['central', [0, 0.5, 0]], ['forward', [0.25, 0.75, -0.75]]] as const) {
      const out = path.join(dir, `lx-${difference}.npy`);
      const r = await run(['tangent', '--images', images, '--group', 'translate-x', '--difference', difference, '--out', out, '--backend', 'cpu']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /wrote .*float32 \(2, 3, 3, 3\), group translate-x/);
      const lx = readNpy(out);
      assert.deepEqual([lx.dtype, lx.shape], ['float32', [2, 3, 3, 3]]);
      // v + 0 reads −0 (masked border differences) as 0.
      assert.deepEqual(Array.from(lx.data, (v) => v + 0), [...Array(6)].flatMap(() => want.flatMap((v) => [v, v, v])));
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
    assert.equal((await run(['tangent', '--images', images, '--group', 'rotate', '--difference', 'backward', '--out', out])).code, 2);
    assert.equal((await run(['tangent', '--images', images, '--group', 'rotate', '--difference', 'gaussian', '--sigma', '-1', '--out', out])).code, 2);
    assert.equal((await run(['tangent', '--images', images, '--group', 'rotate', '--sigma', '2', '--out', out])).code, 2);
    assert.equal(fs.existsSync(out), false);
  });

  it('runtime errors exit 1: missing or malformed input file', async () => {
    const out = path.join(dir, 'never.npy');
    const r = await run(['tangent', '--images', path.join(dir, 'nope.npy'), '--group', 'rotate', '--out', out, '--backend', 'cpu']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.npy: file not found/);
    const grey = path.join(dir, 'grey.npy');
    writeNpy(grey, new Float32Array(9), [1, 3, 3, 1]);
    // A grey (1-channel) image has a spatial tangent; colour groups need RGB.
    const g = await run(['tangent', '--images', grey, '--group', 'hue', '--out', out, '--backend', 'cpu']);
    assert.equal(g.code, 1);
    assert.match(g.stderr, /imageTangent.*must have shape \[B, H, W, 3\], got \[1, 3, 3, 1\]/);
    assert.equal((await run(['tangent', '--images', grey, '--group', 'rotate', '--out', out, '--backend', 'cpu'])).code, 0);
  });

  it('the real process: `node bin/liederiv.js tangent` exits 0, 1 and 2', () => {
    const bin = path.resolve(__dirname, '..', '..', '..', 'bin', 'liederiv.js');
    const env = { ...process.env, LIEDERIV_BACKEND: 'cpu' };
    const out = path.join(dir, 'spawned.npy');
    const ok = spawnSync(process.execPath, [bin, 'tangent', '--images', images, '--group', 'hue', '--out', out], { env, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    // Grey pixels (r = g = b): the hue tangent is exactly zero.
    assert.ok(Array.from(readNpy(out).data).every((v) => v === 0));
    const bad = spawnSync(process.execPath, [bin, 'tangent', '--images', path.join(dir, 'nope.npy'), '--group', 'hue', '--out', out], { env, encoding: 'utf8' });
    assert.equal(bad.status, 1, bad.stderr);
    const usage = spawnSync(process.execPath, [bin, 'tangent', '--group', 'hue'], { env, encoding: 'utf8' });
    assert.equal(usage.status, 2, usage.stderr);
    assert.match(usage.stderr, /usage: liederiv tangent --images/);
  });
});
