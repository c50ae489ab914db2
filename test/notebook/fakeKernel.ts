import * as path from 'node:path';

/** One message the display layer sent to the (fake) kernel. */
export interface SentMessage {
  data: Record<string, unknown>;
  transient?: { display_id?: string };
  update: boolean;
}

const FAKE_JUPYTER = path.join(path.sep, 'fake', 'node_modules', 'tslab', 'dist', 'jupyter.js');

/**
 * Makes the process look like a tslab kernel the way src/notebook/kernel.ts detects one:
 * `globalThis.__tslab__` set, and tslab's dist/jupyter.js in the module cache exporting
 * lastWriteDisplayData. Returns the captured messages and an undo function.
 */
export function fakeKernel(): { sent: SentMessage[]; restore: () => void } {
  const sent: SentMessage[] = [];
  const g = globalThis as Record<string | symbol, unknown>;
  g.__tslab__ = {};
  const mod = {
    id: FAKE_JUPYTER,
    filename: FAKE_JUPYTER,
    loaded: true,
    exports: {
      lastWriteDisplayData: (
        msg: { data: Record<string, unknown>; transient?: { display_id?: string } },
        update: boolean,
      ) => {
        sent.push({ data: msg.data, transient: msg.transient, update });
      },
    },
  };
  (require.cache as Record<string, unknown>)[FAKE_JUPYTER] = mod;
  return {
    sent,
    restore: () => {
      delete g.__tslab__;
      delete (require.cache as Record<string, unknown>)[FAKE_JUPYTER];
      delete g[Symbol.for('liederiv.plotlySentToKernel')];
    },
  };
}

/** Runs fn with process.stdout.write captured; returns what was written. */
export function captureStdout(fn: () => void): string {
  const original = process.stdout.write.bind(process.stdout);
  let out = '';
  (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  };
  try {
    fn();
  } finally {
    (process.stdout as { write: unknown }).write = original;
  }
  return out;
}
