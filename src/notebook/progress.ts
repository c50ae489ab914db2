import { InputError } from '../errors';
import { escapeHtml, uniqueId } from './html';
import { inKernel, sendBundle } from './kernel';

export interface Progress {
  /** Advances by n steps (default 1). */
  tick(n?: number): void;
  /** Sets the number of steps done; `onProgress: p.update` fits the library's progress callbacks. */
  update(done: number, total?: number): void;
  /** Marks the end (shows the final count and elapsed time). */
  done(): void;
}

export interface ProgressOptions {
  /** Minimum time between redraws, so a fast loop doesn't flood the kernel or the terminal. */
  minIntervalMs?: number;
  /** Where to write outside a kernel (default process.stderr). */
  stream?: { write(s: string): unknown; isTTY?: boolean };
}

/**
 * A progress bar. In a tslab kernel it is one output updated in place (display_data, then
 * update_display_data with the same display id). Outside a kernel it writes to stderr: one line
 * redrawn with "\r" on a terminal, otherwise a line per 10 % step.
 */
export function progress(
  total: number,
  label = 'progress',
  { minIntervalMs = 200, stream = process.stderr }: ProgressOptions = {},
): Progress {
  if (!(Number.isFinite(total) && total > 0))
    throw new InputError(`progress total must be a positive number, got ${total}`);
  const start = Date.now();
  const kernel = inKernel();
  const displayId = uniqueId('liederiv-progress');
  let count = 0;
  let sent = false;
  let lastDraw = 0;
  let lastDecile = -1;
  let finished = false;

  const line = () => {
    const frac = Math.min(count / total, 1);
    const width = 24;
    const filled = Math.round(frac * width);
    const secs = ((Date.now() - start) / 1000).toFixed(1);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total} ${Math.round(frac * 100)}% ${secs}s`;
  };

  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < minIntervalMs) return;
    lastDraw = now;
    if (kernel) {
      const text = line();
      const html = `<div class="liederiv-progress"><progress value="${Math.min(count, total)}" max="${total}" style="width:24em"></progress> <code>${escapeHtml(text.replace(/\[.*\] /, ''))}</code></div>`;
      sendBundle({ 'text/html': html, 'text/plain': text }, { displayId, update: sent });
      sent = true;
      return;
    }
    if (stream.isTTY) {
      stream.write(`\r${line()}${finished ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((10 * Math.min(count, total)) / total);
    if (finished || decile > lastDecile) {
      lastDecile = decile;
      stream.write(`${line()}\n`);
    }
  };

  draw(true);
  return {
    tick(n = 1) {
      count += n;
      draw(false);
    },
    update(done: number, newTotal?: number) {
      if (newTotal !== undefined && newTotal > 0) total = newTotal;
      count = done;
      draw(false);
    },
    done() {
      if (finished) return;
      finished = true;
      draw(true);
    },
  };
}
