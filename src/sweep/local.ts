/**
 * The local executor: N worker processes on this machine (worker.ts), fed one task at a time.
 * A worker that crashes or is killed (kill -9, out of memory) fails only the task it was running:
 * the task's error is recorded, a fresh worker takes over the remaining tasks, and a rerun resumes
 * the failed task from its partial shard.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureSweepDirs, recordTaskError, taskState } from './shards';
import type { SweepPlan } from './spec';
import type { TaskResult } from './task';
import type { WorkerMessage } from './worker';

/** Cores not already busy (by the 1-minute load average), at least 1. */
export function freeCores(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, cores - Math.round(os.loadavg()[0]));
}

export interface LocalProgress {
  tasksDone: number;
  tasksFailed: number;
  tasks: number;
  /** Images finished in this run (whole and partial shards). */
  images: number;
  totalImages: number;
  imagesPerSecond: number;
  /** Seconds left at the current rate; undefined before the first image. */
  etaSeconds?: number;
}

export interface LocalRunOptions {
  jobs?: number;
  onProgress?: (p: LocalProgress) => void;
  /** One line per event (worker lost, task failed). */
  onEvent?: (line: string) => void;
}

export interface LocalRunSummary {
  /** Tasks whose shard already existed. */
  skipped: number;
  done: TaskResult[];
  failed: Array<{ index: number; key: string; message: string }>;
  jobs: number;
  seconds: number;
}

const WORKER = path.join(__dirname, 'worker.js');
const STDERR_KEEP = 4000;

/** Runs every task of the plan that has no shard yet; resolves when all have finished or failed. */
export async function runLocal(plan: SweepPlan, opts: LocalRunOptions = {}): Promise<LocalRunSummary> {
  ensureSweepDirs(plan);
  const started = Date.now();
  const todo = plan.tasks.filter((t) => taskState(plan, t) !== 'done').map((t) => t.index);
  const skipped = plan.tasks.length - todo.length;
  const jobs = Math.max(1, Math.min(opts.jobs ?? freeCores(), todo.length || 1));
  const summary: LocalRunSummary = { skipped, done: [], failed: [], jobs, seconds: 0 };
  if (!todo.length) return summary;

  const totalImages = todo.reduce((a, i) => a + plan.tasks[i].end - plan.tasks[i].start, 0);
  let finishedImages = 0;
  const inFlight = new Map<number, number>(); // task → images done so far
  const queue = [...todo];
  const progress = () => {
    const images = finishedImages + [...inFlight.values()].reduce((a, b) => a + b, 0);
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? images / secs : 0;
    opts.onProgress?.({
      tasksDone: summary.done.length,
      tasksFailed: summary.failed.length,
      tasks: todo.length,
      images,
      totalImages,
      imagesPerSecond: rate,
      etaSeconds: rate > 0 ? (totalImages - images) / rate : undefined,
    });
  };

  await new Promise<void>((resolve) => {
    let live = 0;
    let startupFailures = 0;
    const finishIfIdle = () => {
      if (live === 0 && (queue.length === 0 || startupFailures > jobs)) {
        // Workers that could not even start leave their tasks unattempted: fail those with the reason.
        for (const index of queue.splice(0))
          summary.failed.push({
            index,
            key: plan.tasks[index].key,
            message: 'not attempted: workers failed to start (see above)',
          });
        resolve();
      }
    };
    const spawn = () => {
      const child: ChildProcess = fork(WORKER, [plan.specFile, plan.out], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        execArgv: [],
      });
      live++;
      let current: number | undefined;
      let ready = false;
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-STDERR_KEEP);
      });
      const next = () => {
        const index = queue.shift();
        if (index === undefined) {
          current = undefined;
          child.send({ type: 'exit' });
          return;
        }
        current = index;
        inFlight.set(index, 0);
        child.send({ type: 'task', index });
      };
      child.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') {
          ready = true;
          next();
        } else if (msg.type === 'progress') {
          inFlight.set(msg.index, msg.done);
          progress();
        } else if (msg.type === 'done') {
          inFlight.delete(msg.result.index);
          finishedImages += msg.result.images;
          summary.done.push(msg.result);
          progress();
          next();
        } else if (msg.type === 'failed') {
          // The worker recorded the error file itself (attemptTask).
          inFlight.delete(msg.index);
          summary.failed.push({ index: msg.index, key: plan.tasks[msg.index].key, message: msg.message });
          opts.onEvent?.(`task ${msg.index} (${plan.tasks[msg.index].key}) failed: ${msg.message.split('\n')[0]}`);
          progress();
          next();
        }
      });
      child.on('exit', (code, signal) => {
        live--;
        if (current !== undefined) {
          const t = plan.tasks[current];
          const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
          const tail = stderr.trim().split('\n').slice(-5).join('\n');
          const message = `worker process ${child.pid} ${how} while running this task${tail ? `; its last stderr:\n${tail}` : ''}`;
          recordTaskError(plan, t, {
            kind: signal === 'SIGTERM' || signal === 'SIGINT' ? 'cancelled' : 'killed',
            signal: signal ?? undefined,
            exitCode: code ?? undefined,
            message,
            pid: child.pid,
          });
          inFlight.delete(current);
          summary.failed.push({ index: current, key: t.key, message });
          opts.onEvent?.(`task ${current} (${t.key}): ${message.split('\n')[0]}; the other tasks go on`);
          progress();
        } else if (!ready) {
          startupFailures++;
          opts.onEvent?.(
            `a worker exited before it was ready (${signal ?? `code ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          );
        }
        if (queue.length > 0 && startupFailures <= jobs && live < jobs) spawn();
        finishIfIdle();
      });
    };
    for (let j = 0; j < jobs; j++) spawn();
  });
  summary.seconds = (Date.now() - started) / 1000;
  summary.failed.sort((a, b) => a.index - b.index);
  return summary;
}
