/**
 * The Slurm executor's text in and out, without a cluster: the sbatch script (array ranges, `%`
 * limit, pass-through options, quoting), squeue and sacct parsing (sample lines in the formats
 * the executor asks for; slurm.test.ts runs the real commands).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { arrayRanges, parseSacct, parseSqueue, sbatchScript, slurmJobName, LIEDERIV_BIN } from '../../src/sweep/slurm';
import { planSweep } from '../../src/sweep/spec';
import { writeSpec } from './helpers/sweepSpec';

describe('Slurm job array script and queue parsing', () => {
  let sweep: ReturnType<typeof writeSpec>;
  before(async () => {
    await useBackend('wasm');
    sweep = writeSpec(
      {
        name: "it's a sweep",
        models: ['cnn-relu-mnist', 'mlp-mnist'],
        groups: ['rotate'],
        images: { dataset: 'mnist', limit: 4 },
        shardSize: 2,
        slurm: {
          partition: 'gpu',
          time: '02:00:00',
          mem: '8G',
          account: 'proj-42',
          qos: 'short',
          cpusPerTask: 4,
          concurrency: 16,
          setup: ['module load nodejs/20'],
          node: '/opt/node/bin/node',
          extra: ['--constraint=avx2'],
        },
      },
      "liederiv sweep 'quoted'-",
    );
  });
  after(() => fs.rmSync(sweep.dir, { recursive: true, force: true }));

  it('arrayRanges compresses indices', () => {
    assert.equal(arrayRanges([0, 1, 2, 3, 5, 7, 8]), '0-3,5,7-8');
    assert.equal(arrayRanges([4]), '4');
    assert.equal(arrayRanges([3, 1, 2, 2]), '1-3');
  });

  it('the sbatch script passes the spec through and runs `liederiv sweep task SPEC $SLURM_ARRAY_TASK_ID`', () => {
    const plan = planSweep(sweep.spec);
    const text = sbatchScript(plan, [0, 1, 3]);
    const directives = text
      .split('\n')
      .filter((l) => l.startsWith('#SBATCH '))
      .map((l) => l.slice(8));
    assert.deepEqual(directives, [
      `--job-name=${slurmJobName(plan)}`,
      '--array=0-1,3%16',
      `--output=${plan.out}/slurm/logs/%A_%a.out`,
      '--cpus-per-task=4',
      '--partition=gpu',
      '--time=02:00:00',
      '--mem=8G',
      '--account=proj-42',
      '--qos=short',
      '--constraint=avx2',
    ]);
    assert.match(slurmJobName(plan), /^liederiv-it-s-a-sweep-[0-9a-f]{8}$/);
    assert.ok(text.includes('\nmodule load nodejs/20\n'));
    // bash itself parses the exec line back into the intended words, quotes in paths included.
    const exec = text.split('\n').find((l) => l.startsWith('exec '))!;
    const words = spawnSync('bash', ['-c', `SLURM_ARRAY_TASK_ID=3; set -- ${exec.slice(5)}; printf '%s\\n' "$@"`], {
      encoding: 'utf8',
    })
      .stdout.trim()
      .split('\n');
    assert.deepEqual(words, [
      '/opt/node/bin/node',
      LIEDERIV_BIN,
      'sweep',
      'task',
      plan.specFile,
      '3',
      '--out',
      plan.out,
    ]);
    assert.ok(fs.existsSync(LIEDERIV_BIN), 'the compute nodes run this installation of liederiv');
  });

  it('parses squeue -r and sacct lines into task index → state', () => {
    const q = parseSqueue('17|3|RUNNING|0:12|node01\n17|4|PENDING|0:00|(JobArrayTaskLimit)\n\n');
    assert.deepEqual([...q.keys()], [3, 4]);
    assert.deepEqual(q.get(4), {
      index: 4,
      jobId: '17_4',
      state: 'PENDING',
      elapsed: '0:00',
      reason: '(JobArrayTaskLimit)',
    });
    const a = parseSacct(
      '17_0|COMPLETED|0:0|00:00:41\n17_1|CANCELLED by 0|0:15|00:00:05\n17_[4-7]|PENDING|0:0|00:00:00\n21_1|COMPLETED|0:0|00:00:40\n',
    );
    assert.deepEqual([...a.keys()].sort(), [0, 1]);
    assert.equal(a.get(0)!.state, 'COMPLETED');
    assert.deepEqual([a.get(1)!.jobId, a.get(1)!.state], ['21_1', 'COMPLETED'], 'the resubmission, listed later, wins');
  });
});
