/**
 * The Slurm executor against a real single-node Slurm (munged, slurmctld, slurmd started here from
 * a generated slurm.conf; helpers/slurmCluster.ts): submit 3 zoo models × 2 groups as a job array,
 * scancel one running array task, check the sweep is incomplete and merge refuses it, resubmit
 * (only the cancelled task goes out again), and check the merged table is byte-identical to a
 * local --jobs 1 run of the same spec. Never skips: no Slurm installed, or a daemon that does not
 * start, fails the test with the daemons' logs.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runHere } from '../helpers/cli';
import { readJsonFile } from '../../src/sweep/shards';
import type { SlurmSubmission } from '../../src/sweep/slurm';
import { startSlurmCluster, waitFor, type SlurmCluster } from './helpers/slurmCluster';
import { mergedKeys, readMerged, runningMarkers, writeSpec, ZOO_SWEEP } from './helpers/sweepSpec';

describe('liederiv sweep --executor slurm on a real single-node Slurm', () => {
  let cluster: SlurmCluster;
  let sweep: ReturnType<typeof writeSpec>;
  before(async () => {
    cluster = await startSlurmCluster();
    process.env.SLURM_CONF = cluster.conf; // for the sbatch/squeue/sacct the CLI runs
    sweep = writeSpec({ ...ZOO_SWEEP, slurm: { concurrency: 2, time: '00:10:00' } }, 'liederiv-sweep-slurm-');
  });
  after(async () => {
    await cluster?.stop();
    delete process.env.SLURM_CONF;
    if (sweep) fs.rmSync(sweep.dir, { recursive: true, force: true });
  });

  const queue = () =>
    cluster
      .cli('squeue', ['-h', '-r', '-o', '%A|%K|%T'])
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('|'));
  const waitForEmptyQueue = (what: string) =>
    waitFor(
      () => queue().length === 0,
      240_000,
      () => `${what}: the array did not finish within 240 s; queue: ${JSON.stringify(queue())}\n${cluster.logs()}`,
    );
  const logsOf = (out: string) => {
    const dir = path.join(out, 'slurm', 'logs');
    return fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .map((f) => `--- ${f}\n${fs.readFileSync(path.join(dir, f), 'utf8').slice(-1500)}`)
          .join('\n')
      : '(no job logs)';
  };

  it('a cancelled array task is resubmitted alone, and the merge equals a local --jobs 1 run', async () => {
    const ref = path.join(sweep.dir, 'local');
    const local = await runHere(['sweep', 'run', sweep.spec, '--out', ref, '--jobs', '1']);
    assert.equal(local.code, 0, local.err);
    assert.equal((await runHere(['sweep', 'merge', sweep.spec, '--out', ref])).code, 0);

    const dry = await runHere(['sweep', 'run', sweep.spec, '--executor', 'slurm', '--dry-run']);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /^#SBATCH --array=0-5%2$/m);
    assert.match(dry.out, /^#SBATCH --time=00:10:00$/m);
    assert.match(dry.out, /sweep task '.*spec\.json' "\$SLURM_ARRAY_TASK_ID" --out '.*out'$/m);

    const submit = await runHere(['sweep', 'run', sweep.spec, '--executor', 'slurm']);
    assert.equal(submit.code, 0, submit.err);
    const jobId = submit.out.trim();
    assert.match(jobId, /^\d+$/);

    // Cancel an array task that is running (its marker exists: it has started the computation),
    // preferring the slowest model (ViT) so the signal lands mid-task. Should the task still finish
    // before the signal arrives, cancel another one.
    const shards = path.join(sweep.out, 'shards');
    let victim: { key: string; index: number } | undefined;
    for (let attempt = 0; attempt < 4 && !victim; attempt++) {
      let pick: { key: string; index: number } | undefined;
      await waitFor(
        () => {
          const q = queue();
          if (!q.length)
            throw new Error(
              `every array task finished before one could be cancelled (attempt ${attempt + 1})\n${logsOf(sweep.out)}`,
            );
          const running = new Set(q.filter(([, , st]) => st === 'RUNNING').map(([, k]) => Number(k)));
          const markers = runningMarkers(sweep.out).filter(
            (m) =>
              m.slurmJob &&
              running.has(Number(m.slurmJob.split('_')[1])) &&
              !fs.existsSync(path.join(shards, `${m.key}.json`)),
          );
          const m = markers.find((x) => x.key.startsWith('vit-tiny')) ?? (attempt > 0 ? markers[0] : undefined);
          if (m) pick = { key: m.key, index: Number(m.slurmJob!.split('_')[1]) };
          return pick !== undefined;
        },
        180_000,
        () =>
          `no array task was seen running with its marker; queue ${JSON.stringify(queue())}\n${logsOf(sweep.out)}\n${cluster.logs()}`,
      );
      cluster.cli('scancel', [`${jobId}_${pick!.index}`]);
      await waitFor(
        () => !queue().some(([, k]) => Number(k) === pick!.index),
        60_000,
        () => `array task ${pick!.index} did not leave the queue after scancel\n${cluster.logs()}`,
      );
      if (!fs.existsSync(path.join(shards, `${pick!.key}.json`))) victim = pick;
    }
    assert.ok(victim, 'every cancelled task had finished before its signal arrived');
    await waitForEmptyQueue('first submission');

    const error = readJsonFile<{ kind: string; signal?: string; slurmJob?: string }>(
      path.join(sweep.out, 'errors', `${victim!.key}.json`),
    );
    assert.ok(error, `the cancelled task recorded no error; job logs:\n${logsOf(sweep.out)}`);
    assert.equal(error.kind, 'cancelled');
    assert.equal(error.slurmJob, `${jobId}_${victim!.index}`);
    const status = await runHere(['sweep', 'status', sweep.spec]);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /5 done/);
    assert.match(status.out, new RegExp(`^${victim!.index}\\s+${victim!.key}\\s+failed`, 'm'));
    const refused = await runHere(['sweep', 'merge', sweep.spec]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /incomplete: 1 of 6 tasks have no shard .*--partial/s);

    const again = await runHere(['sweep', 'run', sweep.spec, '--executor', 'slurm']);
    assert.equal(again.code, 0, again.err);
    const subs = readJsonFile<SlurmSubmission[]>(path.join(sweep.out, 'slurm', 'submissions.json'))!;
    assert.equal(subs.length, 2);
    assert.deepEqual(subs[1].indices, [victim!.index], 'the resubmission holds only the cancelled task');
    await waitForEmptyQueue('resubmission');

    const merge = await runHere(['sweep', 'merge', sweep.spec]);
    assert.equal(merge.code, 0, `${merge.err}\n${logsOf(sweep.out)}`);
    const merged = readMerged(sweep.out);
    const { keys, duplicates } = mergedKeys(merged);
    assert.equal(keys.length, 3 * 8 * 2);
    assert.equal(duplicates, 0);
    assert.equal(merged, readMerged(ref), 'the Slurm sweep differs from the local --jobs 1 run');
    const meta = readJsonFile<{ complete: boolean; shards: Array<{ slurmJob?: string }> }>(
      path.join(sweep.out, 'merged.meta.json'),
    )!;
    assert.equal(meta.complete, true);
    assert.ok(
      meta.shards.every((s) => s.slurmJob && /^\d+_\d+$/.test(s.slurmJob)),
      'every shard was computed by a Slurm array task',
    );

    const nothing = await runHere(['sweep', 'run', sweep.spec, '--executor', 'slurm']);
    assert.equal(nothing.code, 0);
    assert.match(nothing.err, /nothing to submit: every task has its shard/);
  });
});
