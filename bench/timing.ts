/**
 * How one side of the benchmark times a measure (bench/ours.ts; bench/torch_lie.py does the same
 * in Python): warm up until two consecutive calls agree, then take `reps` samples, each a timing
 * window of back-to-back calls lasting at least `windowMs`, the garbage collector run (when
 * exposed) before each window and never inside its timing. A sample is ms per image: the window's
 * time over (calls · batch). What is measured is unchanged (one call = one `lee` or one predict on
 * the batch); a window only averages over the per-call noise that made single short calls spread
 * 15–21% on a quiet machine (GC pauses, thread wake-up after idle, the first call after a switch of
 * measure). Calls longer than the window are timed one per sample, as before.
 */

export interface TimingOptions {
  /** Samples to return. */
  reps: number;
  /** Images per call: samples are ms per image. */
  batch: number;
  /** A sample's window lasts at least this long (ms); ≥ 1 call. */
  windowMs: number;
  /** Warm-up: at most this many calls (≥ 1) ... */
  maxWarmup?: number;
  /** ... stopping once the last two agree within this fraction, or the warm-up has lasted 2·windowMs after its first call. */
  stableWithin?: number;
  /** Runs the garbage collector (e.g. Node's global.gc under --expose-gc); called outside the timing. */
  gc?: () => void;
  /** Clock in ms (tests inject one). */
  now?: () => number;
}

/** Default sample window (ms): ~10 SmallCNN forwards, ~4 one-group calls; ResNet-18 calls are longer, one per sample. */
export const DEFAULT_WINDOW_MS = 400;

/** Whether the last two warm-up call times agree within `within` (relative to the earlier one). */
export function warmedUp(callMs: number[], within: number): boolean {
  if (callMs.length < 2) return false;
  const [a, b] = callMs.slice(-2);
  return Math.abs(b - a) <= within * a;
}

/** `reps` samples (ms per image) of `run`, after a warm-up; see the module comment. */
export async function timeWindows(
  run: () => Promise<void>,
  o: TimingOptions,
): Promise<{ samples: number[]; warmupCalls: number; callsPerSample: number[] }> {
  const now = o.now ?? (() => performance.now());
  const maxWarmup = Math.max(1, o.maxWarmup ?? 5);
  const within = o.stableWithin ?? 0.1;
  const warm: number[] = [];
  let warmStart = 0;
  while (warm.length < maxWarmup) {
    const t0 = now();
    await run();
    const t1 = now();
    warm.push(t1 - t0);
    if (warm.length === 1) warmStart = t1;
    else if (warmedUp(warm, within) || t1 - warmStart >= 2 * o.windowMs) break;
    if (warm.length === 1 && warm[0] >= 2 * o.windowMs) break; // a long call: one warm-up, as before
  }
  const samples: number[] = [];
  const callsPerSample: number[] = [];
  for (let r = 0; r < o.reps; r++) {
    o.gc?.();
    const t0 = now();
    let calls = 0;
    let t = t0;
    do {
      await run();
      calls++;
      t = now();
    } while (t - t0 < o.windowMs);
    samples.push((t - t0) / (calls * o.batch));
    callsPerSample.push(calls);
  }
  return { samples, warmupCalls: warm.length, callsPerSample };
}
