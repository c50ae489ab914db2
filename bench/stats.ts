import { median, quantileSorted } from '../src/stats/bootstrap';

/** Repeated timings (ms per image) summarised robustly: median and interquartile range. */
export interface Spread {
  median: number;
  q1: number;
  q3: number;
  /** (q3 − q1) / median: the spread the benchmark bounds before it reports a ratio. */
  relIqr: number;
  min: number;
  max: number;
  n: number;
  /** The samples themselves (for the ratio's bootstrap interval). */
  samples: number[];
}

export function spread(xs: number[]): Spread {
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x)))
    throw new Error(`spread: expected finite timings, got [${xs.join(', ')}]`);
  const s = [...xs].sort((a, b) => a - b);
  const m = median(s);
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  return { median: m, q1, q3, relIqr: (q3 - q1) / m, min: s[0], max: s[s.length - 1], n: s.length, samples: xs };
}
