/**
 * Multi-threaded wasm by default (issue 16): with no --threads flag and no LIEDERIV_WASM_THREADS,
 * `liederiv lee` starts wasm with one thread per idle core (threadsForIdleCores, capped), says so
 * in its backend line, and prints the same numbers as `--threads 1`, as a process; when the
 * threaded start-up fails (here: no writable temporary folder for the pthread worker scripts) it
 * runs single-threaded with one line saying so, and the numbers are the same again.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { availableCores, idleCores, threadsForIdleCores, useBackend, WASM_THREADS_CAP } from '../src/backend';
import { writeNpy } from '../src/data/npy';
import { saveModel } from '../src/models/load';
import { buildReferenceSmallCnn } from './helpers/smallCnn';

const ROOT = path.resolve(__dirname, '..', '..');

describe('wasm threads by default', () => {
  let dir: string;
  let modelJson: string;
  let npy: string;
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-threads-'));
    await saveModel(buildReferenceSmallCnn(), path.join(dir, 'smallcnn'));
    modelJson = path.join(dir, 'smallcnn', 'model.json');
    npy = path.join(dir, 'x.npy');
    const x = tf.randomUniform([6, 32, 32, 3], 0, 1, 'float32', 3);
    writeNpy(npy, x.dataSync() as Float32Array, x.shape);
    x.dispose();
  });

  const lee = (extra: string[], env: Record<string, string> = {}) => {
    const args = [
      path.join(ROOT, 'bin', 'liederiv.js'),
      'lee',
      '--model',
      modelJson,
      '--images',
      npy,
      '--groups',
      'translate-x,rotate',
      '--difference',
      'forward',
      '--backend',
      'wasm',
      ...extra,
    ];
    const p = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 120_000,
      env: { ...process.env, LIEDERIV_WASM_THREADS: '', ...env },
    });
    assert.equal(p.status, 0, `exit ${p.status} (signal ${p.signal}): ${p.stderr}`);
    return { stderr: p.stderr, csv: p.stdout };
  };

  it('counts cores (affinity, cgroup quota) and idle cores, and picks one thread per idle core, capped', async () => {
    const n = availableCores();
    assert.ok(Number.isInteger(n) && n >= 1 && n <= os.cpus().length, `availableCores ${n}`);
    const idle = await idleCores(50);
    assert.ok(idle >= 0 && idle <= n, `idleCores ${idle} of ${n}`);
    assert.equal(threadsForIdleCores(0, 16), 1, 'a busy machine: one thread');
    assert.equal(threadsForIdleCores(1.2, 16), 1);
    assert.equal(threadsForIdleCores(1.8, 2), 2, 'almost two idle cores of two: both');
    assert.equal(threadsForIdleCores(5.9, 4), 4, 'never more than the available cores');
    assert.equal(threadsForIdleCores(64, 64), WASM_THREADS_CAP, 'never more than the cap');
  });

  it('no flag: one thread per idle core, said in the backend line; byte-identical CSV to --threads 1', () => {
    const byDefault = lee([]);
    const one = lee(['--threads', '1']);
    const m = /wasm \(SIMD, (\d+ threads|single-threaded) — default: ([\d.]+) of (\d+) cores idle\)/.exec(
      byDefault.stderr,
    );
    assert.ok(m, byDefault.stderr);
    const threads = m[1] === 'single-threaded' ? 1 : parseInt(m[1], 10);
    assert.equal(threads, threadsForIdleCores(Number(m[2]), Number(m[3])), m[0]);
    assert.match(one.stderr, /single-threaded\)/);
    assert.doesNotMatch(one.stderr, /cores idle/, 'an explicit count is not second-guessed');
    assert.ok(one.csv.split('\n').length >= 13, one.csv);
    assert.equal(byDefault.csv, one.csv);
    // Two threads asked for explicitly start two threads whatever the load, with the same numbers.
    const two = lee(['--threads', '2']);
    assert.match(two.stderr, /wasm \(SIMD, 2 threads\)/);
    assert.equal(two.csv, one.csv);
  });

  it('a failed threaded start-up falls back to one thread with a one-line note, same numbers', () => {
    const failed = lee(['--threads', '2'], { TMPDIR: path.join(dir, 'no-such-folder') });
    const notes = failed.stderr.split('\n').filter((l) => /wasm threads failed to start/.test(l));
    assert.equal(notes.length >= 1, true, failed.stderr);
    assert.match(notes[0], /^liederiv: 2 wasm threads failed to start \(.*\); running single-threaded/);
    assert.match(failed.stderr, /single-threaded/);
    assert.equal(failed.csv, lee(['--threads', '1']).csv);
  });
});
