import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { runHere } from '../helpers/cli';
import { writeNpy } from '../../src/data/npy';
import { saveModel } from '../../src/models/load';
import { loadReference, relError } from '../helpers/reference';
import { buildReferenceSmallCnn, referenceInputs } from '../helpers/smallCnn';
import { classNamesOf } from '../helpers/classes';
import { TOL } from '../helpers/tolerances';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const REF: Array<[string, string]> = [
  ['translate-x', 'trans_x'],
  ['rotate', 'rot'],
  ['shear-x', 'shear_x'],
];

describe('liederiv lee', () => {
  let dir: string;
  let modelJson: string;
  let softmaxJson: string;
  let npy: string;
  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-cli-'));
    const model = buildReferenceSmallCnn();
    await saveModel(model, path.join(dir, 'smallcnn'), { classNames: classNamesOf(model) });
    modelJson = path.join(dir, 'smallcnn', 'model.json');
    // The same network with a final softmax layer (DESIGN §1: then 'probs' is its output).
    const withSoftmax = tf.sequential({ layers: [...model.layers, tf.layers.activation({ activation: 'softmax' })] });
    await saveModel(withSoftmax, path.join(dir, 'smallcnn_softmax'), { classNames: classNamesOf(withSoftmax) });
    softmaxJson = path.join(dir, 'smallcnn_softmax', 'model.json');
    const { x, v } = referenceInputs();
    npy = path.join(dir, 'x.npy');
    writeNpy(npy, x.dataSync() as Float32Array, x.shape);
    tf.dispose([x, v]);
  });

  for (const difference of ['forward', 'central'] as const) {
    it(`JSON --vectors matches the reference lee_*${difference === 'central' ? '_centraldiff' : ''} (difference ${difference}) within 1e-4`, async () => {
      const ref = loadReference('smallcnn_outputs');
      const r = await runHere([
        'lee',
        '--model',
        modelJson,
        '--images',
        npy,
        '--groups',
        REF.map(([g]) => g).join(','),
        '--difference',
        difference,
        '--format',
        'json',
        '--vectors',
        '--backend',
        'wasm',
        '--batch',
        '5',
      ]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /lee: 8\/8 images/);
      const doc = JSON.parse(r.out);
      assert.equal(doc.meta.backend, 'wasm');
      assert.equal(doc.meta.tfjs, tf.version.tfjs);
      assert.equal(doc.meta.options.difference, difference);
      assert.equal(doc.meta.options.reduction, 'mean-abs');
      assert.equal(doc.rows.length, 24);
      for (const [group, key] of REF) {
        const rows = doc.rows.filter((row: { group: string }) => row.group === group);
        const lie = rows.flatMap((row: { lie: number[] }) => row.lie);
        const want = ref[difference === 'forward' ? `lee_${key}` : `lee_${key}_centraldiff`].data;
        const err = relError(lie, want);
        assert.ok(err < TOL.float32DeepRel, `${group}: ${err}`);
        assert.deepEqual(Object.keys(rows[0]), ['image', 'pred', 'group', 'lee', 'lie']);
      }
    });
  }

  it('CSV to --out: header, one line per image and group, same numbers as JSON', async () => {
    const out = path.join(dir, 'lee.csv');
    const r = await runHere([
      'lee',
      '--model',
      modelJson,
      '--images',
      npy,
      '--groups',
      'rotate,hue',
      '--out',
      out,
      '--batch',
      '3',
      '--backend',
      'wasm',
      '--reduction',
      'l2',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'image,pred,group,lee');
    assert.equal(lines.length, 1 + 16);
    assert.deepEqual(
      lines.slice(1, 3).map((l) => {
        const c = l.split(',');
        return `${c[0]},${c[2]}`;
      }),
      ['0,rotate', '0,hue'],
    );
    const j = await runHere([
      'lee',
      '--model',
      modelJson,
      '--images',
      npy,
      '--groups',
      'rotate,hue',
      '--format',
      'json',
      '--backend',
      'wasm',
      '--reduction',
      'l2',
    ]);
    const json = JSON.parse(j.out).rows.map((row: { lee: number }) => row.lee);
    // Batches of 3 vs 32 change the float32 summation order only.
    assert.ok(
      relError(
        lines.slice(1).map((l) => Number(l.split(',')[3])),
        json,
      ) < TOL.float32Reordered,
    );
    const v = await runHere([
      'lee',
      '--model',
      modelJson,
      '--images',
      npy,
      '--groups',
      'rotate',
      '--vectors',
      '--backend',
      'wasm',
    ]);
    assert.equal(
      v.out.split('\n')[0],
      ['image', 'pred', 'group', 'lee', ...Array.from({ length: 10 }, (_, i) => `lie_${i}`)].join(','),
    );
  });

  it('--output probs/logits agree for models with and without a final softmax', async () => {
    for (const output of ['probs', 'logits']) {
      const args = [
        '--images',
        npy,
        '--groups',
        'rotate',
        '--format',
        'json',
        '--backend',
        'wasm',
        '--output',
        output,
        '--vectors',
      ];
      const a = JSON.parse((await runHere(['lee', '--model', modelJson, ...args])).out).rows.flatMap(
        (r: { lie: number[] }) => r.lie,
      );
      const b = JSON.parse((await runHere(['lee', '--model', softmaxJson, ...args])).out).rows.flatMap(
        (r: { lie: number[] }) => r.lie,
      );
      assert.ok(relError(a, b) < TOL.float32Reordered, output);
    }
  });

  it('usage errors exit 2 and name the option; runtime errors exit 1', async () => {
    const base = ['lee', '--model', modelJson, '--images', npy];
    let r = await runHere(base);
    assert.equal(r.code, 2);
    assert.match(r.err, /missing required option --groups/);
    r = await runHere([...base, '--groups', 'rotate,spin']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown group 'spin'/);
    r = await runHere([...base, '--groups', 'rotate,hue,rotate']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--groups names 'rotate' twice; expected each group once/);
    r = await runHere([...base, '--groups', 'rotate', '--reduction', 'max']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--reduction value 'max'/);
    r = await runHere([...base, '--groups', 'rotate', '--batch', '0']);
    assert.equal(r.code, 2);
    r = await runHere([...base, '--groups', 'rotate', '--threads', 'two']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--threads must be an integer ≥ 1, got 'two'/);
    // --threads would be silently ignored on cpu: refused, naming what to do.
    r = await runHere([...base, '--groups', 'rotate', '--threads', '2', '--backend', 'cpu']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--threads sets the wasm backend's threads; --backend cpu has none to set/);
    r = await runHere([
      'lee',
      '--model',
      path.join(dir, 'missing.json'),
      '--images',
      npy,
      '--groups',
      'rotate',
      '--backend',
      'wasm',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /model\.json not found/);
  });

  it('runs as a process: node bin/liederiv.js lee ... (stdout CSV, progress on stderr)', () => {
    const p = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'liederiv.js'),
        'lee',
        '--model',
        modelJson,
        '--images',
        npy,
        '--groups',
        'translate-x',
        '--difference',
        'forward',
        '--backend',
        'wasm',
      ],
      { encoding: 'utf8', cwd: ROOT },
    );
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stderr, /lee: 8\/8 images/);
    const lines = p.stdout.trim().split('\n');
    assert.equal(lines[0], 'image,pred,group,lee');
    const ref = loadReference('smallcnn_outputs').metric_trans_x.data as number[];
    const got = lines.slice(1).map((l) => Number(l.split(',')[3]));
    assert.ok(relError(got, ref) < TOL.papersCodeParity, `metric_trans_x rel ${relError(got, ref)}`);
  });

  it('--threads 2 as a process: the two-thread wasm build, the same numbers as one thread', () => {
    const lee = (threads: string) => {
      const p = spawnSync(
        process.execPath,
        [
          path.join(ROOT, 'bin', 'liederiv.js'),
          'lee',
          '--model',
          modelJson,
          '--images',
          npy,
          '--groups',
          'rotate,scale',
          '--backend',
          'wasm',
          '--threads',
          threads,
        ],
        { encoding: 'utf8', cwd: ROOT, env: { ...process.env, LIEDERIV_WASM_THREADS: '' } },
      );
      assert.equal(p.status, 0, p.stderr);
      return {
        line: p.stderr.split('\n')[0],
        values: p.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => Number(l.split(',')[3])),
      };
    };
    const two = lee('2');
    const one = lee('1');
    assert.match(two.line, /wasm \(SIMD, 2 threads\)/);
    assert.match(one.line, /single-threaded/);
    assert.ok(relError(two.values, one.values) < TOL.float32FewOps, `rel ${relError(two.values, one.values)}`);
  });
});
