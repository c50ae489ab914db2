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

  it('node dist/src/cli/main.js runs the CLI as bin/liederiv.js does (it used to exit 0 printing nothing)', () => {
    const MAIN = path.resolve(__dirname, '..', '..', 'src', 'cli', 'main.js');
    const direct = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
    const help = direct('--help');
    assert.equal(help.status, 0, help.stderr);
    assert.equal(help.stdout, run('--help').stdout);
    assert.match(help.stdout, /^Usage: liederiv <command>/m);
    const bad = direct('frobnicate');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command 'frobnicate'/);
    const lee = direct(
      'lee',
      '--model',
      'nowhere/model.json',
      '--images',
      'x.npy',
      '--groups',
      'rotate',
      '--backend',
      'cpu',
    );
    assert.equal(lee.status, 1, lee.stderr);
    assert.match(lee.stderr, /^liederiv lee: error: .*nowhere/m);
  });

  it('backend reports the chosen backend on stdout', () => {
    const r = run('backend', '--backend', 'cpu');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^liederiv backend: cpu/);
  });
});
