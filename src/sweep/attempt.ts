/**
 * One attempt at a task as a process runs it: `runTask`, with the failure recorded in the sweep
 * folder (errors/<key>.json) whether the task throws or the process is told to stop (SIGTERM from
 * scancel, Slurm's time limit, or the local executor shutting down).
 */
import { LiederivError } from '../errors';
import { recordTaskError } from './shards';
import { taskAt, type SweepPlan } from './spec';
import { runTask, type RunTaskOptions, type TaskResult } from './task';

const slurmJob = () =>
  process.env.SLURM_ARRAY_JOB_ID
    ? `${process.env.SLURM_ARRAY_JOB_ID}_${process.env.SLURM_ARRAY_TASK_ID}`
    : process.env.SLURM_JOB_ID;

/** The message of an error as the CLI would print it (a library error's message, else its stack). */
export function errorText(err: unknown): string {
  if (err instanceof LiederivError) return err.message;
  return (err as Error)?.stack ?? String(err);
}

/** runTask; on failure records the error and rethrows. */
export async function attemptTask(plan: SweepPlan, index: number, opts: RunTaskOptions = {}): Promise<TaskResult> {
  try {
    return await runTask(plan, index, opts);
  } catch (err) {
    try {
      recordTaskError(plan, taskAt(plan, index), {
        kind: 'error',
        message: errorText(err),
        pid: process.pid,
        slurmJob: slurmJob(),
      });
    } catch {
      // The sweep folder itself is the problem (unwritable, gone): the task's own error says more.
    }
    throw err;
  }
}

/**
 * Until the returned function is called: on SIGTERM/SIGINT, record the current task as cancelled
 * and exit with 128 + signal number (what a shell reports), so `sweep status` can say why it stopped.
 */
export function recordCancellation(plan: SweepPlan, current: () => number | undefined): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const index = current();
    if (index !== undefined) {
      try {
        recordTaskError(plan, taskAt(plan, index), {
          kind: 'cancelled',
          signal,
          message: `stopped by ${signal}${slurmJob() ? ` (Slurm job ${slurmJob()}: scancel or time limit)` : ''}; its finished batches are kept and a rerun resumes them`,
          pid: process.pid,
          slurmJob: slurmJob(),
        });
      } catch {
        // The sweep folder is unreachable: nothing more to record.
      }
    }
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
