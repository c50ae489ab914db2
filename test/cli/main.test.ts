import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'liederiv.js');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('liederiv CLI', () => {
  it('--help lists every command', () => {
    const r = run('--help');
    assert.equal(r.status, 0, r.stderr);
    for (const cmd of ['lee', 'layerwise', 'tangent', 'train', 'report', 'notebooks', 'backend']) {
      assert.match(r.stdout, new RegExp(`^  ${cmd}\\b`, 'm'), `--help should list ${cmd}`);
    }
  });

  it('an unknown command exits 2 and lists the valid ones', () => {
    const r = run('frobnicate');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'; valid: lee, layerwise/);
  });

  it('an unknown option is a usage error (exit 2) naming the option', () => {
    const r = run('backend', '--frob');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--frob/);
  });

  it('backend reports the chosen backend on stdout', () => {
    const r = run('backend', '--backend', 'cpu');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^liederiv backend: cpu/);
  });
});
