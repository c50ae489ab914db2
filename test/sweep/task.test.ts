/**
 * One task in this process: its rows are lee's rows for the shard (the library's own function on
 * the same images is the oracle), an interrupted task resumes at its first missing batch with the
 * same numbers, a finished shard is skipped, a shard from another spec is refused, merge refuses
 * an incomplete sweep, and nothing leaks tensors.
 */
import type * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { loadDataset } from '../../src/data/loadDataset';
import { FileFormatError, InputError } from '../../src/errors';
import { lee } from '../../src/lie/lee';
import { loadTrainedModel } from '../../src/models/trainedModels';
import { attemptTask } from '../../src/sweep/attempt';
import { mergeSweep } from '../../src/sweep/merge';
import { readShard, readTaskError, taskState } from '../../src/sweep/shards';
import { planSweep } from '../../src/sweep/spec';
import { clearTaskCache, runTask } from '../../src/sweep/task';
import { expectNoLeak } from '../helpers/noLeak';
import { writeSpec } from './helpers/sweepSpec';

const SPEC = {
  name: 'task-test',
  models: ['cnn-relu-mnist'],
  groups: ['translate-x', 'hue', 'scale'],
  images: { dataset: 'mnist' as const, limit: 6, seed: 1 },
  shardSize: 4,
  batch: 1,
  backend: 'wasm' as const,
};

describe('sweep task', () => {
  let sweep: ReturnType<typeof writeSpec>;
  before(async () => {
    await useBackend('wasm');
    sweep = writeSpec(SPEC, 'liederiv-sweep-task-');
  });
  after(() => {
    clearTaskCache();
    fs.rmSync(sweep.dir, { recursive: true, force: true });
  });

  it("writes lee's rows for its shard, with image indices of the whole set", async () => {
    const plan = planSweep(sweep.spec, { out: path.join(sweep.dir, 'a') });
    const r = await runTask(plan, 1);
    assert.deepEqual([r.status, r.images, r.resumedBatches], ['done', 2, 0]);
    const shard = readShard(plan, plan.tasks[1])!;
    const data = loadDataset('mnist', { split: 'test', limit: 6, seed: 1 });
    const model = await loadTrainedModel('cnn-relu-mnist');
    const oracle = await lee(
      model,
      { images: data.images.slice([4], [2]) as tf.Tensor4D, labels: data.labels.slice(4) },
      { groups: SPEC.groups, batchSize: 1 },
    );
    data.images.dispose();
    model.net.dispose();
    assert.deepEqual(
      shard.rows.map((x) => [x.image, x.label, x.group, x.lee, x.l2]),
      oracle.map((x) => [x.image + 4, x.label, x.group, x.lee, x.l2]),
    );
    assert.ok(
      shard.rows.every(
        (x) => x.model === 'cnn-relu-mnist' && x.images === 'mnist-test-6-s1' && x.file === 'mnist/test',
      ),
    );
    assert.equal(shard.meta.backend, 'wasm');
    assert.equal((await runTask(plan, 1)).status, 'skipped');
  });

  it('resumes an interrupted task at its first missing batch, with identical rows', async () => {
    const whole = planSweep(sweep.spec, { out: path.join(sweep.dir, 'whole') });
    await runTask(whole, 0);
    const plan = planSweep(sweep.spec, { out: path.join(sweep.dir, 'resumed') });
    const t = plan.tasks[0];
    await assert.rejects(
      attemptTask(plan, 0, {
        onProgress: (done) => {
          if (done === 3) throw new InputError('interrupted after 3 batches');
        },
      }),
      /interrupted after 3 batches/,
    );
    assert.equal(taskState(plan, t), 'failed');
    assert.match(readTaskError(plan, t)!.message, /interrupted after 3 batches/);
    const r = await runTask(plan, 0);
    assert.equal(r.resumedBatches, 3, 'three finished batches were kept');
    assert.equal(taskState(plan, t), 'done');
    assert.equal(readTaskError(plan, t), undefined);
    assert.deepEqual(readShard(plan, t)!.rows, readShard(whole, whole.tasks[0])!.rows);
  });

  it('refuses to reuse a shard computed with other options', async () => {
    const out = path.join(sweep.dir, 'stale');
    await runTask(planSweep(sweep.spec, { out }), 1);
    const changed = writeSpec({ ...SPEC, reduction: 'l2' }, 'liederiv-sweep-stale-');
    try {
      const plan = planSweep(changed.spec, { out });
      await assert.rejects(
        runTask(plan, 1),
        (err: unknown) =>
          err instanceof FileFormatError &&
          /computed with a different measure than the spec now asks for; use a new "out" folder/.test(err.message),
      );
      assert.throws(() => mergeSweep(plan, { partial: true }), /computed with other options/);
    } finally {
      fs.rmSync(changed.dir, { recursive: true, force: true });
    }
  });

  it('merge refuses an incomplete sweep unless partial, and lists what is missing', async () => {
    const plan = planSweep(sweep.spec, { out: path.join(sweep.dir, 'a') }); // task 1 only
    assert.throws(() => mergeSweep(plan), /sweep 'task-test' is incomplete: 1 of 2 tasks have no shard.*--partial/s);
    const part = mergeSweep(plan, { partial: true });
    assert.equal(part.meta.complete, false);
    assert.deepEqual(
      part.meta.missing.map((m) => [m.index, m.state]),
      [[0, 'todo']],
    );
    assert.equal(part.rows.length, 2 * 3);
    assert.ok(
      part.rows.every(
        (r) => r.accuracy === plan.models[0].zoo!.testAccuracy && r.family === 'CNN' && r.dataset === 'mnist',
      ),
    );
  });

  it('leaves no tensors behind once its cache is cleared', async () => {
    const plan = planSweep(sweep.spec, { out: path.join(sweep.dir, 'leak') });
    clearTaskCache();
    await expectNoLeak(async () => {
      await runTask(plan, 0);
      clearTaskCache();
    }, 'runTask');
  });
});
