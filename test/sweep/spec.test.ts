import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { FileFormatError } from '../../src/errors';
import { globSync } from '../../src/sweep/glob';
import { planSweep, taskAt } from '../../src/sweep/spec';
import { runHere } from '../helpers/cli';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ZOO = path.join(ROOT, 'datasets', 'models');

describe('sweep spec and plan', () => {
  let dir: string;
  const write = (name: string, spec: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof spec === 'string' ? spec : JSON.stringify(spec));
    return f;
  };
  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-sweep-spec-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('expands zoo names, globs and paths × image sets into shards, in a fixed order', () => {
    fs.mkdirSync(path.join(dir, 'imgs'));
    for (const n of ['a.png', 'b.png', 'c.png'])
      fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'sweep', 'digit.png'), path.join(dir, 'imgs', n));
    const spec = write('a.json', {
      out: 'sweep-out',
      models: ['cnn-relu-mnist', path.join(ZOO, 'mlp-*', 'model.json'), path.join(ZOO, 'cnn-relu-mnist')],
      groups: ['rotate'],
      images: [{ dataset: 'mnist', limit: 5 }, 'imgs'],
      shardSize: 2,
    });
    const plan = planSweep(spec);
    assert.equal(plan.out, path.join(dir, 'sweep-out'));
    // cnn-relu-mnist named twice (zoo name and folder) is one model; the glob adds mlp-mnist.
    assert.deepEqual(
      plan.models.map((m) => m.name),
      ['cnn-relu-mnist', 'mlp-mnist'],
    );
    assert.equal(
      plan.models[1].zoo?.dataset,
      'mnist',
      'a model found by path inside the zoo folder gets its manifest entry',
    );
    assert.ok(plan.models[1].zoo!.testAccuracy > 0.5);
    // 5 digits in shards of 2 → 3 tasks, 3 images → 2 tasks, per model.
    assert.deepEqual(
      plan.tasks.map((t) => `${t.model.name}:${t.images.id}:${t.start}-${t.end}`),
      [
        'cnn-relu-mnist:mnist-test-5:0-2',
        'cnn-relu-mnist:mnist-test-5:2-4',
        'cnn-relu-mnist:mnist-test-5:4-5',
        'cnn-relu-mnist:imgs:0-2',
        'cnn-relu-mnist:imgs:2-3',
        'mlp-mnist:mnist-test-5:0-2',
        'mlp-mnist:mnist-test-5:2-4',
        'mlp-mnist:mnist-test-5:4-5',
        'mlp-mnist:imgs:0-2',
        'mlp-mnist:imgs:2-3',
      ],
    );
    assert.equal(new Set(plan.tasks.map((t) => t.key)).size, plan.tasks.length, 'shard keys are unique');
    assert.deepEqual(plan.measure, {
      groups: ['rotate'],
      output: 'probs',
      difference: 'central',
      reduction: 'mean-abs',
      method: 'forward',
      batch: 32,
      backend: 'wasm',
      threads: undefined,
      options: {},
    });
    assert.throws(() => taskAt(plan, 10), /task index 10 out of range; the plan has tasks 0\.\.9/);
  });

  it("'own' uses each zoo model's own dataset, and unknown lee options pass through", () => {
    const plan = planSweep(
      write('own.json', {
        out: 'o',
        models: ['cnn-relu-mnist', 'cnn-relu-colored-mnist-random-hue'],
        groups: 'all',
        images: { dataset: 'own', limit: 3 },
        options: { inputRange: '0..1', sigma: 1.5 },
      }),
    );
    assert.deepEqual(
      plan.tasks.map((t) => t.dataset),
      ['mnist', 'colored-mnist-random-hue'],
    );
    assert.notEqual(plan.tasks[0].key.split('__')[1], plan.tasks[1].key.split('__')[1]);
    assert.equal(plan.measure.groups.length, 13);
    assert.deepEqual(plan.measure.options, { inputRange: '0..1', sigma: 1.5 });
  });

  it('refuses bad specs with the file, the field and what was expected', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"out": ', /not valid JSON/],
      [[1], /expected a JSON object/],
      [{ models: ['cnn-relu-mnist'], images: 'x.npy' }, /"out" must be the sweep folder/],
      [{ out: 'o', models: [], images: 'x' }, /"models" must be a non-empty array/],
      [{ out: 'o', models: ['cnn-relu-mnist'] }, /"images" is missing/],
      [
        { out: 'o', models: ['cnn-relu-mnist'], images: { dataset: 'cifar10' } },
        /unknown dataset 'cifar10'; valid: mnist, .* or 'own'/,
      ],
      [
        { out: 'o', models: ['cnn-relu-mnist'], images: { dataset: 'mnist' }, groups: ['rot'] },
        /"groups": unknown group 'rot'/,
      ],
      [
        { out: 'o', models: ['cnn-relu-mnist'], images: { dataset: 'mnist' }, reduction: 'max' },
        /unknown "reduction" 'max'; valid: mean-abs, mean-sq, l2, sq-l2/,
      ],
      [
        { out: 'o', models: ['cnn-relu-mnist'], images: { dataset: 'mnist' }, backend: 'cpu', threads: 2 },
        /"threads": threads set the wasm backend's threads; backend 'cpu' has none to set/,
      ],
      [
        { out: 'o', models: ['cnn-relu-mnist'], images: { dataset: 'mnist' }, shardSize: 0 },
        /"shardSize" must be a positive integer/,
      ],
      [
        { out: 'o', models: ['cnn-relu-mnist'], images: { dataset: 'mnist' }, inputRange: '0..255' },
        /unknown field 'inputRange'.*options for lee go in "options"/,
      ],
      [
        { out: 'o', models: ['cnn-relu-mnist'], images: { dataset: 'mnist' }, slurm: { partitions: 'gpu' } },
        /unknown "slurm" field 'partitions'/,
      ],
      [
        { out: 'o', models: ['cnn-relu-mnist'], images: { dataset: 'mnist' }, slurm: { time: '1:00\n#SBATCH --x' } },
        /"slurm.time" must be a one-line string/,
      ],
      [
        { out: 'o', models: ['no-such-model'], images: { dataset: 'mnist' } },
        /'no-such-model' is neither a zoo model .*cnn-relu-mnist.* nor a path/,
      ],
      [
        { out: 'o', models: ['nowhere/*.json'], images: { dataset: 'mnist' } },
        /the pattern 'nowhere\/\*\.json' matches no model\.json/,
      ],
      [{ out: 'o', models: ['cnn-relu-mnist'], images: 'missing.npy' }, /"images": 'missing\.npy' does not exist/],
      [
        { out: 'o', models: ['cnn-relu-mnist'], images: { dataset: 'mnist' }, layerwise: { group: 'spin' } },
        /"layerwise.group": unknown group 'spin'/,
      ],
      [
        {
          out: 'o',
          models: ['cnn-relu-mnist'],
          images: { dataset: 'mnist' },
          layerwise: { group: 'rotate' },
          output: 'dense_1',
        },
        /"layerwise" decomposes 'probs' or 'logits'/,
      ],
      [
        { out: 'o', models: ['plain'], images: { dataset: 'own' } },
        /\{"dataset": "own"\} needs zoo models .*'plain' has none/,
      ],
    ];
    fs.cpSync(path.join(ZOO, 'mlp-mnist'), path.join(dir, 'plain'), { recursive: true }); // outside any manifest's folder
    cases.forEach(([spec, re], i) => {
      const f = write(`bad${i}.json`, spec);
      assert.throws(
        () => planSweep(f),
        (err: unknown) => err instanceof FileFormatError && err.message.startsWith(f) && re.test(err.message),
        `case ${i}: ${JSON.stringify(spec)}`,
      );
    });
  });

  it('globSync matches * and ? within a segment and ** across folders, sorted', () => {
    const g = path.join(dir, 'g');
    for (const p of ['a/m1/model.json', 'a/m2/model.json', 'b/c/m3/model.json', 'a/.hidden/model.json']) {
      fs.mkdirSync(path.dirname(path.join(g, p)), { recursive: true });
      fs.writeFileSync(path.join(g, p), '{}');
    }
    const rel = (ps: string[]) => ps.map((p) => path.relative(g, p));
    assert.deepEqual(rel(globSync('a/*/model.json', g)), ['a/m1/model.json', 'a/m2/model.json']);
    assert.deepEqual(rel(globSync('a/m?/model.json', g)), ['a/m1/model.json', 'a/m2/model.json']);
    assert.deepEqual(rel(globSync('**/model.json', g)), ['a/m1/model.json', 'a/m2/model.json', 'b/c/m3/model.json']);
    assert.deepEqual(globSync('z/*', g), []);
  });

  it('liederiv sweep plan prints the tasks, their state and cost; usage errors exit 2', async () => {
    const spec = write('p.json', {
      out: 'p-out',
      models: ['cnn-relu-mnist'],
      groups: ['rotate', 'hue'],
      images: { dataset: 'mnist', limit: 3 },
      shardSize: 2,
    });
    const r = await runHere(['sweep', 'plan', spec]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /1 models × 1 image sets × 2 groups \(rotate, hue\)/);
    assert.match(r.out, /^0\s+cnn-relu-mnist\s+\d+\.\d\d\s+mnist-test-3\s+0-2\s+6\s+\?\s+todo$/m);
    assert.match(r.out, /^1\s+cnn-relu-mnist\s+\d+\.\d\d\s+mnist-test-3\s+2-3\s+3\s+\?\s+todo$/m);
    assert.match(r.out, /cost: 9 forward-pass equivalents/);
    assert.equal((await runHere(['sweep', 'frobnicate', spec])).code, 2);
    assert.equal((await runHere(['sweep', 'plan'])).code, 2);
    assert.equal((await runHere(['sweep', 'task', spec])).code, 2);
    assert.equal((await runHere(['sweep', 'run', spec, '--jobs', '0'])).code, 2);
    const e = await runHere(['sweep', 'run', spec, '--executor', 'pbs']);
    assert.equal(e.code, 2);
    assert.match(e.err, /unknown --executor value 'pbs'; valid: local, slurm/);
  });
});
