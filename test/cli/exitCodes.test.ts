/**
 * Issue 15 (5): one exit-code contract for every command — 2 for a usage error (missing, unknown
 * or malformed option or name), 1 for a run-time error — each with a message naming what to fix.
 * The list of commands is checked against COMMANDS, so a new command must be added here.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { COMMANDS } from '../../src/cli/commands';
import { runHere } from '../helpers/cli';

describe('exit codes: 2 for usage errors, 1 for run-time errors, in every command', () => {
  let dir: string;
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-exit-'));
    fs.writeFileSync(path.join(dir, 'file.txt'), 'not a folder');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const missing = () => path.join(dir, 'missing');
  const usage: Record<string, Array<[string, () => string[], RegExp]>> = {
    lee: [
      ['missing --groups', () => ['--model', 'm.json', '--images', 'x.npy'], /missing required option --groups/],
      [
        'unknown backend',
        () => ['--model', 'm.json', '--images', 'x.npy', '--groups', 'rotate', '--backend', 'gpu'],
        /unknown --backend value 'gpu'/,
      ],
    ],
    layerwise: [['unknown option', () => ['--bogus'], /Unknown option '--bogus'/]],
    tangent: [
      [
        'unknown backend',
        () => ['--images', 'x.npy', '--group', 'rotate', '--out', 'o.npy', '--backend', 'gpu'],
        /unknown --backend value 'gpu'; valid: auto/,
      ],
      [
        'bad --size',
        () => ['--images', 'x.npy', '--group', 'rotate', '--out', 'o.npy', '--size', '28'],
        /--size must be HxW/,
      ],
    ],
    train: [
      [
        'unknown zoo model',
        () => ['--model', 'resnet9000', '--dataset', 'mnist'],
        /unknown zoo model 'resnet9000'; valid: mlp/,
      ],
      ['unknown dataset', () => ['--model', 'mlp', '--dataset', 'cifar'], /unknown dataset 'cifar'; valid: mnist/],
      [
        'unknown augmentation',
        () => ['--model', 'mlp', '--dataset', 'mnist', '--augment', 'flip'],
        /unknown augmentation 'flip'/,
      ],
      [
        'unknown training backend',
        () => ['--model', 'mlp', '--dataset', 'mnist', '--backend', 'webgpu'],
        /unknown training backend 'webgpu'/,
      ],
      [
        '--out is a file (checked before training)',
        () => ['--model', 'mlp', '--dataset', 'mnist', '--out', path.join(dir, 'file.txt')],
        /--out '.*file\.txt' is a file; expected a folder/,
      ],
    ],
    report: [['unknown group', () => ['--groups', 'spin'], /unknown group 'spin'/]],
    notebooks: [
      ['bad --timeout', () => ['--timeout', 'soon'], /--timeout must be a positive number of seconds, got 'soon'/],
      ['not a notebook', () => ['README.md'], /expected notebook files \(\*\.ipynb\), got 'README\.md'/],
    ],
    backend: [
      [
        'unknown backend',
        () => ['--backend', 'gpu'],
        /unknown --backend value 'gpu'; valid: auto, tensorflow, webgpu, wasm, cpu/,
      ],
    ],
    sweep: [
      ['no subcommand', () => [], /expected one of plan, run, task, status, merge, got nothing/],
      ['unknown subcommand', () => ['bogus'], /usage: liederiv sweep plan\|run\|task\|status\|merge SPEC/],
    ],
    explore: [['bad --port', () => ['--port', 'x'], /--port must be an integer ≥ 0, got 'x'/]],
  };
  const runtime: Record<string, Array<[string, () => string[], RegExp]>> = {
    lee: [
      [
        'model file missing',
        () => [
          '--model',
          path.join(missing(), 'model.json'),
          '--images',
          path.join(dir, 'file.txt'),
          '--groups',
          'rotate',
          '--backend',
          'cpu',
        ],
        /not found|does not exist/,
      ],
    ],
    layerwise: [
      [
        'model file missing',
        () => [
          '--model',
          path.join(missing(), 'model.json'),
          '--images',
          path.join(dir, 'file.txt'),
          '--group',
          'rotate',
          '--backend',
          'cpu',
        ],
        /not found|does not exist/,
      ],
    ],
    tangent: [
      [
        'images file missing',
        () => [
          '--images',
          path.join(missing(), 'x.npy'),
          '--group',
          'rotate',
          '--out',
          path.join(dir, 'o.npy'),
          '--backend',
          'cpu',
        ],
        /x\.npy: file not found/,
      ],
    ],
    report: [
      [
        'no trained models',
        () => ['--models-dir', missing(), '--out', path.join(dir, 'out'), '--backend', 'cpu'],
        /no trained models in .*missing/,
      ],
    ],
    notebooks: [['notebook not found', () => [path.join(missing(), 'a.ipynb')], /notebook '.*a\.ipynb' not found/]],
    backend: [
      ['explicit backend not available', () => ['--backend', 'tensorflow'], /backend 'tensorflow' is not available/],
    ],
    sweep: [
      [
        'spec file missing',
        () => ['plan', path.join(missing(), 'sweep.json')],
        /sweep\.json: cannot read the sweep spec \(ENOENT\)/,
      ],
    ],
    explore: [
      [
        'model missing',
        () => ['--port', '0', '--model', path.join(missing(), 'model.json')],
        /--model '.*model\.json': no such model\.json/,
      ],
    ],
    // train's run-time failures (disk full, a folder it may not write) need minutes of training first;
    // they reach main as file-system errors, which the same handler turns into exit 1 (tested below with tangent).
  };

  it('every command is covered', () => {
    assert.deepEqual(Object.keys(usage).sort(), COMMANDS.map((c) => c.name).sort());
  });

  for (const [command, cases] of Object.entries(usage)) {
    for (const [what, args, message] of cases) {
      it(`${command}: ${what} → exit 2 with the synopsis`, async () => {
        const r = await runHere([command, ...args()]);
        assert.equal(r.code, 2, r.err);
        assert.match(r.err, message);
        assert.match(r.err, new RegExp(`usage: liederiv ${command}`));
        assert.equal(r.out, '');
      });
    }
  }
  for (const [command, cases] of Object.entries(runtime)) {
    for (const [what, args, message] of cases) {
      it(`${command}: ${what} → exit 1 with a message, no stack trace`, async () => {
        const r = await runHere([command, ...args()]);
        assert.equal(r.code, 1, r.err);
        assert.match(r.err, new RegExp(`liederiv ${command}: error: `));
        assert.match(r.err, message);
        assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
      });
    }
  }

  it('a file-system error during a run (writing under a file) is exit 1 naming the path', async () => {
    fs.writeFileSync(path.join(dir, 'x.npy'), Buffer.alloc(0));
    const { writeNpy } = await import('../../src/data/npy');
    writeNpy(path.join(dir, 'x.npy'), new Float32Array(2 * 3 * 3 * 3).fill(0.5), [2, 3, 3, 3]);
    const r = await runHere([
      'tangent',
      '--images',
      path.join(dir, 'x.npy'),
      '--group',
      'rotate',
      '--out',
      path.join(dir, 'file.txt', 'o.npy'),
      '--backend',
      'cpu',
    ]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /liederiv tangent: error: .*ENOTDIR.*file\.txt/);
  });
});
