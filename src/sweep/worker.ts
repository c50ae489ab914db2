/**
 * A local worker process (forked by local.ts): plans the sweep from the same spec, then runs the
 * task indices the parent sends over IPC, one at a time, reporting progress and results.
 * argv: SPEC OUT. Messages in: {type: 'task', index} | {type: 'exit'}. Out: WorkerMessage.
 */
import { attemptTask, errorText, recordCancellation } from './attempt';
import { recordTaskError } from './shards';
import { planSweep, taskAt } from './spec';
import { clearTaskCache, startSweepBackend } from './task';
import type { TaskResult } from './task';

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; index: number; done: number; total: number }
  | { type: 'done'; result: TaskResult }
  | { type: 'failed'; index: number; message: string };

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

async function workerMain(): Promise<void> {
  const [specFile, out] = process.argv.slice(2);
  await startSweepBackend(specFile);
  const plan = planSweep(specFile, { out });
  let current: number | undefined;
  recordCancellation(plan, () => current);
  // The parent `sweep run` is gone (killed, or it closed the channel after 'exit'): stop, saying so.
  process.on('disconnect', () => {
    if (current !== undefined) {
      recordTaskError(plan, taskAt(plan, current), {
        kind: 'cancelled',
        message: 'the sweep run that started this worker ended; finished batches are kept and a rerun resumes them',
        pid: process.pid,
      });
      process.exit(1);
    }
  });
  // The handler's promise is caught: an error outside its try (e.g. send() failing) ends the worker, as workerMain's does.
  process.on(
    'message',
    (msg: { type: string; index?: number }) =>
      void (async () => {
        if (msg.type === 'exit') {
          clearTaskCache();
          process.disconnect?.();
          return;
        }
        if (msg.type !== 'task' || msg.index === undefined) return;
        const index = msg.index;
        current = index;
        try {
          const result = await attemptTask(plan, index, {
            onProgress: (done, total) => send({ type: 'progress', index, done, total }),
          });
          send({ type: 'done', result });
        } catch (err) {
          send({ type: 'failed', index, message: errorText(err) });
        } finally {
          current = undefined;
        }
      })().catch(fatal),
  );
  send({ type: 'ready' });
}

function fatal(err: unknown): never {
  process.stderr.write(`liederiv sweep worker: ${errorText(err)}\n`);
  process.exit(1);
}

workerMain().catch(fatal);
