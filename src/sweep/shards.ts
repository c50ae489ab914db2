/**
 * The sweep folder on disk. Every file is written whole (writeAtomic: temporary file + rename), so
 * a reader — merge, status, a rerun — sees a shard either complete or absent, never half written:
 *
 *   <out>/shards/<key>.json          a finished task: its rows and metadata
 *   <out>/shards/<key>.partial.json  a task's finished batches so far (resume point)
 *   <out>/errors/<key>.json          why a task's last attempt failed (removed when it succeeds)
 *   <out>/running/<key>.json         which process is working on a task (pid, host, Slurm job)
 *   <out>/slurm/                     generated sbatch scripts, submitted job ids, logs
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileFormatError } from '../errors';
import type { LayerwiseRow } from '../lie/layerwise';
import type { LeeRow } from '../lie/lee';
import { writeAtomic } from '../models/load';
import type { SweepPlan, SweepTask } from './spec';

/** One result row of a sweep: lee's row plus where it came from. `image` indexes the image set. */
export interface SweepRow extends LeeRow {
  model: string;
  images: string;
  /** The image's file (image folders), else the .npy or dataset it came from. */
  file: string;
}

/** One layer's contribution for one image (src/lie/layerwise), with the image set it came from. */
export interface SweepLayerRow extends LayerwiseRow {
  images: string;
  group: string;
}

/** What a shard's rows depend on; a rerun with a different identity refuses to reuse the shard. */
export interface ShardIdentity {
  key: string;
  model: string;
  images: Record<string, unknown>;
  start: number;
  end: number;
  measure: Record<string, unknown>;
}

export interface ShardMeta {
  backend: string;
  tfjs: string;
  liederiv: string;
  host: string;
  pid: number;
  slurmJob?: string;
  startedAt: string;
  finishedAt: string;
  /** Wall-clock seconds of the computation, including batches of an earlier attempt this one resumed. */
  seconds: number;
  /** Batches taken over from a partial shard of an earlier attempt. */
  resumedBatches: number;
}

export interface Shard {
  version: 1;
  identity: ShardIdentity;
  /** LEE rows (tasks of kind 'lee'). */
  rows: SweepRow[];
  /** Layer-wise rows (tasks of kind 'layerwise'). */
  layers?: SweepLayerRow[];
  /** Relative telescoping error |Σ C_i − L f| / |L f| of a layer-wise task (DESIGN §5). */
  telescopingError?: number;
  meta: ShardMeta;
}

export interface PartialShard {
  version: 1;
  identity: ShardIdentity;
  /** Batches 0..batches−1 are done; their rows follow. */
  batches: number;
  rows: SweepRow[];
  seconds: number;
}

export interface TaskError {
  key: string;
  index: number;
  message: string;
  /** 'error' (the task threw), 'killed' (signal or exit without a result), 'cancelled' (SIGTERM, e.g. scancel). */
  kind: 'error' | 'killed' | 'cancelled';
  signal?: string;
  exitCode?: number;
  host: string;
  pid?: number;
  slurmJob?: string;
  at: string;
}

export const shardPath = (plan: SweepPlan, t: SweepTask) => path.join(plan.out, 'shards', `${t.key}.json`);
export const partialPath = (plan: SweepPlan, t: SweepTask) => path.join(plan.out, 'shards', `${t.key}.partial.json`);
export const errorPath = (plan: SweepPlan, t: SweepTask) => path.join(plan.out, 'errors', `${t.key}.json`);
export const runningPath = (plan: SweepPlan, t: SweepTask) => path.join(plan.out, 'running', `${t.key}.json`);

/** Creates the sweep folder's subfolders; a clear error when `out` cannot be created. */
export function ensureSweepDirs(plan: SweepPlan): void {
  for (const sub of ['shards', 'errors', 'running', 'slurm']) {
    try {
      fs.mkdirSync(path.join(plan.out, sub), { recursive: true });
    } catch (err) {
      throw new FileFormatError(
        path.join(plan.out, sub),
        `cannot create the sweep folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); "out" in the spec (or --out) must be writable`,
      );
    }
  }
}

export function readJsonFile<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FileFormatError(file, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    // Written atomically, so this is not a torn write: someone edited or truncated it.
    throw new FileFormatError(file, `not valid JSON (${(err as Error).message}); delete it to recompute that task`);
  }
}

export const writeJson = (file: string, value: unknown) => writeAtomic(file, JSON.stringify(value) + '\n');

export function readShard(plan: SweepPlan, t: SweepTask): Shard | undefined {
  return readJsonFile<Shard>(shardPath(plan, t));
}

export type TaskState = 'done' | 'partial' | 'failed' | 'running' | 'todo';

/**
 * A task's state from the files alone: done (shard), failed (error file, no shard), partial (some
 * batches done), running (a marker, no error), todo. A marker left by a killed process reads as
 * 'running' until someone retries the task; the executors know better (live pids, squeue).
 */
export function taskState(plan: SweepPlan, t: SweepTask): TaskState {
  if (fs.existsSync(shardPath(plan, t))) return 'done';
  if (fs.existsSync(errorPath(plan, t))) return 'failed';
  if (fs.existsSync(runningPath(plan, t))) return 'running';
  if (fs.existsSync(partialPath(plan, t))) return 'partial';
  return 'todo';
}

/**
 * Whether a running marker belongs to a process that is gone: one on this host whose pid no longer
 * exists (a run killed before it could record anything). Markers of other hosts are not checked.
 */
export function staleMarker(plan: SweepPlan, t: SweepTask): boolean {
  const m = readJsonFile<{ pid: number; host: string }>(runningPath(plan, t));
  if (!m || m.host !== os.hostname()) return false;
  try {
    process.kill(m.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function readTaskError(plan: SweepPlan, t: SweepTask): TaskError | undefined {
  return readJsonFile<TaskError>(errorPath(plan, t));
}

/** Records why a task failed (one file per task; the latest attempt wins). */
export function recordTaskError(
  plan: SweepPlan,
  t: SweepTask,
  e: Omit<TaskError, 'key' | 'index' | 'at' | 'host'> & { host?: string },
): void {
  const err: TaskError = {
    ...e,
    key: t.key,
    index: t.index,
    host: e.host ?? os.hostname(),
    at: new Date().toISOString(),
  };
  fs.mkdirSync(path.dirname(errorPath(plan, t)), { recursive: true });
  writeJson(errorPath(plan, t), err);
  fs.rmSync(runningPath(plan, t), { force: true });
}
