/**
 * The Slurm executor: one sbatch job array per submission, one array index per unfinished task
 * (index = task index, so `liederiv sweep task SPEC $SLURM_ARRAY_TASK_ID` runs exactly that shard),
 * with `%` limiting how many run at once and partition/time/mem/account passed through. Shards are
 * written into the sweep folder, which must be on a filesystem every node sees. Running
 * `sweep run --executor slurm` again submits only the tasks that have no shard and are not queued.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LiederivError } from '../errors';
import { ensureSweepDirs, readJsonFile, readTaskError, taskState, writeJson, type TaskState } from './shards';
import type { SweepPlan } from './spec';

/** Slurm's own commands failed (not installed, no controller, rejected job). */
export class SlurmError extends LiederivError {
  constructor(message: string) {
    super(message, 'E_SLURM');
  }
}

export interface SlurmSubmission {
  jobId: string;
  indices: number[];
  script: string;
  submittedAt: string;
}

/** The liederiv entry point the compute nodes run (this installation's, on the shared filesystem). */
export const LIEDERIV_BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'liederiv.js');

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The job name: the sweep's name plus a hash of its folder, so two sweeps' arrays never mix in squeue. */
export function slurmJobName(plan: SweepPlan): string {
  const h = createHash('sha256').update(plan.out).digest('hex').slice(0, 8);
  return `liederiv-${plan.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40)}-${h}`;
}

/** 0,1,2,3,5,7,8 → "0-3,5,7-8" (what --array takes). */
export function arrayRanges(indices: number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j;
  }
  return parts.join(',');
}

/** The sbatch script for these task indices. */
export function sbatchScript(
  plan: SweepPlan,
  indices: number[],
  { node = plan.spec.slurm?.node ?? process.execPath, bin = LIEDERIV_BIN } = {},
): string {
  const s = plan.spec.slurm ?? {};
  const logs = path.join(plan.out, 'slurm', 'logs');
  const directives = [
    `--job-name=${slurmJobName(plan)}`,
    `--array=${arrayRanges(indices)}${s.concurrency ? `%${s.concurrency}` : ''}`,
    `--output=${path.join(logs, '%A_%a.out')}`,
    `--cpus-per-task=${s.cpusPerTask ?? 1}`,
    ...(s.partition ? [`--partition=${s.partition}`] : []),
    ...(s.time ? [`--time=${s.time}`] : []),
    ...(s.mem ? [`--mem=${s.mem}`] : []),
    ...(s.account ? [`--account=${s.account}`] : []),
    ...(s.qos ? [`--qos=${s.qos}`] : []),
    ...(s.extra ?? []),
  ];
  return [
    '#!/bin/bash',
    `# liederiv sweep '${plan.name}': ${indices.length} of ${plan.tasks.length} tasks (written by liederiv sweep run --executor slurm)`,
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -e',
    ...(s.setup ?? []),
    `exec ${shq(node)} ${shq(bin)} sweep task ${shq(plan.specFile)} "$SLURM_ARRAY_TASK_ID" --out ${shq(plan.out)}`,
    '',
  ].join('\n');
}

function run(cmd: string, args: string[]): { ok: boolean; stdout: string; stderr: string; missing: boolean } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return {
    ok: !r.error && r.status === 0,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? String(r.error.message) : ''),
    missing,
  };
}

const submissionsFile = (plan: SweepPlan) => path.join(plan.out, 'slurm', 'submissions.json');

export function readSubmissions(plan: SweepPlan): SlurmSubmission[] {
  return readJsonFile<SlurmSubmission[]>(submissionsFile(plan)) ?? [];
}

export interface QueuedTask {
  index: number;
  jobId: string;
  state: string;
  elapsed: string;
  reason: string;
}

/** Array tasks of this sweep still in the queue (pending or running), by task index, from squeue. */
export function queuedTasks(plan: SweepPlan): Map<number, QueuedTask> {
  const r = run('squeue', ['-h', '-r', '-n', slurmJobName(plan), '-o', '%A|%K|%T|%M|%R']);
  if (r.missing)
    throw new SlurmError(
      `squeue not found: the Slurm client commands must be on PATH (on a login node: module load slurm; Debian: apt-get install slurm-client)`,
    );
  if (!r.ok) throw new SlurmError(`squeue failed: ${r.stderr.trim()}`);
  return parseSqueue(r.stdout);
}

/** squeue -r -o '%A|%K|%T|%M|%R' lines → task index → state. */
export function parseSqueue(text: string): Map<number, QueuedTask> {
  const out = new Map<number, QueuedTask>();
  for (const line of text.split('\n')) {
    const [jobId, k, state, elapsed, reason] = line.trim().split('|');
    const index = Number(k);
    if (!line.trim() || !Number.isInteger(index)) continue;
    out.set(index, { index, jobId: `${jobId}_${index}`, state, elapsed, reason });
  }
  return out;
}

export interface SubmitResult {
  submission?: SlurmSubmission;
  done: number;
  queued: number;
  /** Set when nothing needed submitting. */
  reason?: string;
}

/** Submits every task that has no shard and is not queued; records the job id in the sweep folder. */
export function submitSlurm(
  plan: SweepPlan,
  { dryRun = false }: { dryRun?: boolean } = {},
): SubmitResult & { script?: string } {
  ensureSweepDirs(plan);
  fs.mkdirSync(path.join(plan.out, 'slurm', 'logs'), { recursive: true });
  const queued = dryRun ? new Map<number, QueuedTask>() : queuedTasks(plan);
  const done = plan.tasks.filter((t) => taskState(plan, t) === 'done').length;
  const indices = plan.tasks.filter((t) => taskState(plan, t) !== 'done' && !queued.has(t.index)).map((t) => t.index);
  if (!indices.length)
    return {
      done,
      queued: queued.size,
      reason:
        done === plan.tasks.length
          ? 'every task has its shard'
          : `the ${queued.size} unfinished tasks are all queued or running`,
    };
  const previous = readSubmissions(plan);
  const script = path.join(plan.out, 'slurm', `submit-${previous.length + 1}.sbatch`);
  const text = sbatchScript(plan, indices);
  fs.writeFileSync(script, text, { mode: 0o755 });
  if (dryRun) return { done, queued: 0, script: text };
  const r = run('sbatch', ['--parsable', script]);
  if (r.missing)
    throw new SlurmError(
      `sbatch not found: the Slurm client commands must be on PATH (on a login node: module load slurm; Debian: apt-get install slurm-client)`,
    );
  if (!r.ok)
    throw new SlurmError(
      `sbatch ${script} failed: ${r.stderr.trim() || r.stdout.trim()}; check partition, account, time and mem in the spec's "slurm" section`,
    );
  const jobId = r.stdout.trim().split(';')[0];
  const submission: SlurmSubmission = { jobId, indices, script, submittedAt: new Date().toISOString() };
  writeJson(submissionsFile(plan), [...previous, submission]);
  return { submission, done, queued: queued.size };
}

export interface AccountedTask {
  jobId: string;
  index: number;
  state: string;
  exitCode: string;
  elapsed: string;
}

/** sacct -n -P -X -o JobID,State,ExitCode,Elapsed lines → the latest record per task index. */
export function parseSacct(text: string): Map<number, AccountedTask> {
  const out = new Map<number, AccountedTask>();
  for (const line of text.split('\n')) {
    const [jobId, state, exitCode, elapsed] = line.trim().split('|');
    const m = /^(\d+)_(\d+)$/.exec(jobId ?? '');
    if (!m) continue; // "123_[4-7]" is a pending remainder, reported by squeue
    out.set(Number(m[2]), { jobId, index: Number(m[2]), state: state.split(' ')[0], exitCode, elapsed });
  }
  return out;
}

export interface SlurmTaskStatus {
  index: number;
  key: string;
  /** From the sweep folder. */
  state: TaskState;
  /** From squeue (pending/running) or else sacct (completed/failed/cancelled/timeout...). */
  slurm?: string;
  jobId?: string;
  error?: string;
}

export interface SlurmStatus {
  tasks: SlurmTaskStatus[];
  submissions: SlurmSubmission[];
  /** Why sacct gave nothing (accounting disabled on the cluster, or not installed). */
  sacctNote?: string;
}

/** Every task's state: the shard files, squeue for queued ones and sacct for finished ones. */
export function slurmStatus(plan: SweepPlan): SlurmStatus {
  const submissions = readSubmissions(plan);
  const queued = submissions.length ? queuedTasks(plan) : new Map<number, QueuedTask>();
  let accounted = new Map<number, AccountedTask>();
  let sacctNote: string | undefined;
  if (submissions.length) {
    const r = run('sacct', [
      '-n',
      '-P',
      '-X',
      '-j',
      submissions.map((s) => s.jobId).join(','),
      '-o',
      'JobID,State,ExitCode,Elapsed',
    ]);
    if (r.ok) accounted = parseSacct(r.stdout);
    else
      sacctNote = `sacct: ${(r.stderr.trim() || 'failed').split('\n')[0]} (states of finished tasks come from the sweep folder)`;
  }
  const tasks = plan.tasks.map((t): SlurmTaskStatus => {
    const q = queued.get(t.index);
    const a = accounted.get(t.index);
    return {
      index: t.index,
      key: t.key,
      state: taskState(plan, t),
      slurm: q?.state ?? a?.state,
      jobId: q?.jobId ?? a?.jobId,
      error: readTaskError(plan, t)?.message.split('\n')[0],
    };
  });
  return { tasks, submissions, sacctNote };
}
