/**
 * Issue 9.2: `--out` CSV is written batch by batch, atomically, and `--resume` continues a run killed
 * with SIGKILL. The resumed file must equal an uninterrupted run's byte for byte: same rows, same
 * bits (same backend, deterministic), no duplicates, nothing lost.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { metaPathOf } from '../../src/cli/output';
import { record } from './catalogue';
import { cliFixture, killWhen, runHere } from './cliHarness';

const N = 60; // 30 batches of 2: a few seconds per run on wasm, so the kill lands mid-run

describe('resumable output (SIGKILL mid-run, then --resume)', () => {
  let fx: { dir: string; model: string; npy: string };
  before(async () => {
    await useBackend('wasm');
    fx = await cliFixture('resume', { n: N });
  });
  after(() => fs.rmSync(fx.dir, { recursive: true, force: true }));

  const cases = [
    { command: 'lee', args: ['--groups', 'rotate,translate-x,hue'], rowsPerImage: 3 },
    // K = 10 ≤ 64 outputs: ‖C_i‖² exact; --probes is still part of the run's identity in the sidecar.
    { command: 'layerwise', args: ['--group', 'rotate', '--probes', '7'], rowsPerImage: 11 },
  ];

  for (const c of cases) {
    it(`${c.command}: killed after ≥ 1 batch, resumed → identical to an uninterrupted run`, async () => {
      const common = [
        c.command,
        '--model',
        fx.model,
        '--images',
        fx.npy,
        ...c.args,
        '--batch',
        '2',
        '--backend',
        'wasm',
      ];
      const ref = path.join(fx.dir, `${c.command}-ref.csv`);
      const r0 = await runHere([...common, '--out', ref]);
      assert.equal(r0.code, 0, r0.err);
      const want = fs.readFileSync(ref, 'utf8');
      assert.equal(want.split('\n').length - 2, N * c.rowsPerImage, 'reference: header + one line per image and row');

      const out = path.join(fx.dir, `${c.command}-killed.csv`);
      const killed = await killWhen([...common, '--out', out], out, 1 + 5 * 2 * c.rowsPerImage); // after ≥ 5 of 30 batches
      assert.equal(killed.signal, 'SIGKILL', `the run finished before the kill: ${killed.stderr}`);
      const partial = fs.readFileSync(out, 'utf8');
      const partialRows = partial.split('\n').length - 2;
      assert.ok(partialRows < N * c.rowsPerImage, `killed run already complete (${partialRows} rows)`);
      // Atomic batches: the killed file is a prefix of the reference made of whole batches
      // (a torn append could leave a partial last line; SIGKILL between syscalls leaves none).
      assert.ok(
        want.startsWith(partial.slice(0, partial.lastIndexOf('\n') + 1)),
        'killed file is a prefix of the reference',
      );
      assert.equal(partialRows % (2 * c.rowsPerImage), 0, `whole batches only (${partialRows} rows)`);
      assert.ok(fs.existsSync(metaPathOf(out)), 'sidecar written before the first batch');

      // Simulate the one thing a kill during an append can leave: a torn last line.
      fs.appendFileSync(out, `${partialRows / c.rowsPerImage},rot`);
      const r1 = await runHere([...common, '--out', out, '--resume']);
      assert.equal(r1.code, 0, r1.err);
      assert.match(
        r1.err,
        new RegExp(
          `resuming .*: ${partialRows} rows kept, continuing at batch ${partialRows / (2 * c.rowsPerImage)} of 30`,
        ),
      );
      const got = fs.readFileSync(out, 'utf8');
      assert.equal(got, want, 'resumed file differs from the uninterrupted run');
      // (image, group) for lee, (image, index) for layerwise: found by name, since lee's rows also carry pred (and file/label).
      const [head, ...body] = got.trim().split('\n');
      const keyCol = head.split(',').findIndex((h) => h === 'group' || h === 'index');
      const keys = body.map((l) => `${l.split(',')[0]},${l.split(',')[keyCol]}`);
      assert.equal(new Set(keys).size, keys.length, 'duplicate rows');

      record({
        area: 'resume',
        case: `${c.command}: SIGKILL mid-run, torn line appended, --resume`,
        trigger: `liederiv ${c.command} … --batch 2 --out r.csv on ${N} images; SIGKILL once r.csv has ≥ 5 batches`,
        outcome: 'identical to an uninterrupted run',
        message: `killed with ${partialRows} of ${N * c.rowsPerImage} rows (${partialRows / (2 * c.rowsPerImage)} of 30 batches); resume dropped the torn line, kept ${partialRows} rows, recomputed the rest; file byte-identical, no duplicate (image, group/index) keys`,
        test: 'test/reliability/resume.test.ts',
      });
      // Resuming a complete run changes nothing.
      const r2 = await runHere([...common, '--out', out, '--resume']);
      assert.equal(r2.code, 0, r2.err);
      assert.equal(fs.readFileSync(out, 'utf8'), want);
    });
  }

  it('--resume refuses a run with other options, model or images, and leaves the file alone', async () => {
    const out = path.join(fx.dir, 'refuse.csv');
    const common = [
      'lee',
      '--model',
      fx.model,
      '--images',
      fx.npy,
      '--groups',
      'rotate',
      '--batch',
      '30',
      '--backend',
      'wasm',
      '--out',
      out,
    ];
    assert.equal((await runHere(common)).code, 0);
    const before = fs.readFileSync(out, 'utf8');
    let r = await runHere([...common.slice(0, -2), '--out', out, '--resume', '--reduction', 'l2']);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /--resume: .*refuse\.csv was written with reduction "mean-abs", this run has "l2"; run without --resume to start over/,
    );
    r = await runHere([...common, '--resume', '--batch', '4']);
    assert.equal(r.code, 1);
    assert.match(r.err, /written with batchSize 30, this run has 4/);
    // Other image contents under the same file name: the fingerprint differs.
    const copy = path.join(fx.dir, 'images-copy.npy');
    const bytes = fs.readFileSync(fx.npy);
    bytes[bytes.length - 4] ^= 1; // the lowest mantissa bit of the last pixel (little-endian float32)
    fs.writeFileSync(copy, bytes);
    r = await runHere([
      'lee',
      '--model',
      fx.model,
      '--images',
      copy,
      '--groups',
      'rotate',
      '--batch',
      '30',
      '--backend',
      'wasm',
      '--out',
      out,
      '--resume',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /written with images "[0-9a-f]{64}", this run has "[0-9a-f]{64}"/);
    assert.equal(fs.readFileSync(out, 'utf8'), before, 'a refused resume must not touch the file');
    // No sidecar: cannot check, refuse.
    fs.rmSync(metaPathOf(out));
    r = await runHere([...common, '--resume']);
    assert.equal(r.code, 1);
    assert.match(r.err, /refuse\.csv\.meta\.json: missing, so .* cannot be checked against this run/);
    record({
      area: 'resume',
      case: '--resume with other options / images / no sidecar',
      trigger: '--reduction l2; --batch 4; one bit of one pixel changed; sidecar deleted',
      outcome: 'exit 1, file untouched',
      message: r.err.trim().split('\n').pop() as string,
      test: 'test/reliability/resume.test.ts',
    });
  });

  it('--resume needs --out and CSV (usage errors, exit 2)', async () => {
    const base = ['lee', '--model', fx.model, '--images', fx.npy, '--groups', 'rotate'];
    let r = await runHere([...base, '--resume']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--resume needs --out FILE/);
    r = await runHere([...base, '--resume', '--out', path.join(fx.dir, 'x.json'), '--format', 'json']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--resume needs --format csv/);
    r = await runHere(['layerwise', '--model', fx.model, '--images', fx.npy, '--group', 'rotate', '--resume']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--resume needs --out FILE/);
  });

  it('--resume with nothing to resume starts a fresh run', async () => {
    const out = path.join(fx.dir, 'fresh.csv');
    const r = await runHere([
      'lee',
      '--model',
      fx.model,
      '--images',
      fx.npy,
      '--groups',
      'rotate',
      '--batch',
      '60',
      '--backend',
      'wasm',
      '--out',
      out,
      '--resume',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(fs.readFileSync(out, 'utf8').split('\n').length - 2, N);
  });
});
