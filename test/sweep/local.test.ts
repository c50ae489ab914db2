/**
 * The local executor: `sweep run --jobs 2` with one worker killed by SIGKILL mid-task fails only
 * that task (its error recorded), a rerun finishes it from its partial shard, and the merged table
 * has every (model, image, group) once and is byte-identical to a `--jobs 1` run.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runHere } from '../helpers/cli';
import { readJsonFile } from '../../src/sweep/shards';
import { waitFor } from './helpers/slurmCluster';
import { hasPartial, mergedKeys, readMerged, runningMarkers, writeSpec, ZOO_SWEEP } from './helpers/sweepSpec';

describe('liederiv sweep run (local worker processes)', () => {
  let sweep: ReturnType<typeof writeSpec>;
  before(() => {
    sweep = writeSpec(ZOO_SWEEP, 'liederiv-sweep-local-');
  });
  after(() => {
    if (sweep) fs.rmSync(sweep.dir, { recursive: true, force: true });
  });

  it('survives kill -9 of a worker: only its task fails, a rerun resumes it, nothing lost or duplicated, equal to --jobs 1', async () => {
    const ref = path.join(sweep.dir, 'jobs1');
    const one = await runHere(['sweep', 'run', sweep.spec, '--out', ref, '--jobs', '1']);
    assert.equal(one.code, 0, one.err);
    assert.match(one.err, /6 tasks done, 0 already done, 0 failed, 1 workers/);
    assert.equal((await runHere(['sweep', 'merge', sweep.spec, '--out', ref])).code, 0);

    const shards = path.join(sweep.out, 'shards');
    const running = runHere(['sweep', 'run', sweep.spec, '--jobs', '2']);
    let killed: { key: string; pid: number } | undefined;
    // Kill a worker between two batches of its task (a partial shard exists), preferring the slow ViT.
    await waitFor(
      () => {
        const markers = runningMarkers(sweep.out).filter((m) => !fs.existsSync(path.join(shards, `${m.key}.json`)));
        const m =
          markers.find((x) => x.key.startsWith('vit-tiny') && hasPartial(sweep.out, x.key)) ??
          markers.find((x) => hasPartial(sweep.out, x.key));
        if (!m) return false;
        process.kill(m.pid, 'SIGKILL');
        killed = m;
        return true;
      },
      180_000,
      () => 'no worker was seen mid-task (running marker + partial shard)',
    );
    const first = await running;
    assert.equal(first.code, 1, first.err);
    assert.match(
      first.err,
      new RegExp(
        `1 of 6 tasks failed[\\s\\S]*task \\d+ ${killed!.key}: worker process ${killed!.pid} killed by SIGKILL`,
      ),
    );
    assert.match(first.err, /5 tasks done, 0 already done, 1 failed, 2 workers/);
    const error = readJsonFile<{ kind: string; signal: string; pid: number }>(
      path.join(sweep.out, 'errors', `${killed!.key}.json`),
    )!;
    assert.deepEqual([error.kind, error.signal, error.pid], ['killed', 'SIGKILL', killed!.pid]);
    assert.ok(hasPartial(sweep.out, killed!.key), 'the killed task kept its finished batches');
    assert.equal(fs.readdirSync(shards).filter((f) => /^[^.]+__.*\d\.json$/.test(f)).length, 5);

    const status = await runHere(['sweep', 'status', sweep.spec]);
    assert.match(status.out, /5 done, 1 failed of 6 tasks/);
    assert.match(status.out, /killed by SIGKILL/);

    const second = await runHere(['sweep', 'run', sweep.spec, '--jobs', '2']);
    assert.equal(second.code, 0, second.err);
    assert.match(second.err, /1 tasks done \(1 resumed from partial shards\), 5 already done, 0 failed/);
    assert.ok(
      !fs.existsSync(path.join(sweep.out, 'errors', `${killed!.key}.json`)),
      'a finished task keeps no error file',
    );

    assert.equal((await runHere(['sweep', 'merge', sweep.spec])).code, 0);
    const merged = readMerged(sweep.out);
    const { keys, duplicates } = mergedKeys(merged);
    assert.equal(keys.length, 3 * 8 * 2, 'rows lost');
    assert.equal(duplicates, 0, 'rows duplicated');
    assert.equal(merged, readMerged(ref), 'the killed-and-resumed sweep differs from the --jobs 1 run');

    const third = await runHere(['sweep', 'run', sweep.spec, '--jobs', '2']);
    assert.equal(third.code, 0);
    assert.match(third.err, /0 tasks done, 6 already done/);
    assert.equal(readMerged(sweep.out), merged);
  });
});
