/**
 * Uncertainty over images: percentile bootstrap confidence intervals for a mean, a median, and the
 * difference or ratio of two groups' means. One place for every "± CI" the notebooks, the report
 * and the CLI summary print, so a claim "A is lower than B" is made the same way everywhere: only
 * when the interval of the difference excludes zero.
 *
 * Convention:
 *  - values: plain numbers (one per image); NaN/Inf are refused (they would make every bound NaN).
 *  - resamples: B (default 2000); level: the coverage (default 0.95); seed: the resampling stream
 *    (default 0), so a printed interval is reproducible.
 *  - percentile interval (Efron & Tibshirani 1993, §13.3): the (1 ± level)/2 quantiles of the B
 *    resampled statistics, linearly interpolated.
 */
import { InputError } from '../errors';
import { mulberry32 } from '../data/rng';

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
  seed?: number;
}

export interface Interval {
  /** The statistic on the data itself. */
  estimate: number;
  lo: number;
  hi: number;
  level: number;
  n: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_LEVEL = 0.95;

function checkValues(values: readonly number[], what: string): void {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values))
    throw new InputError(`${what} must be an array of numbers`);
  if (values.length === 0) throw new InputError(`${what} is empty: a confidence interval needs at least one value`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new InputError(`${what}[${i}] = ${values[i]}; expected finite numbers`);
  }
}

function checkOptions(opts: BootstrapOptions): Required<BootstrapOptions> {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? DEFAULT_LEVEL;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(resamples) || resamples < 10)
    throw new InputError(`resamples must be an integer ≥ 10, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new InputError(`level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(seed)) throw new InputError(`seed must be an integer, got ${seed}`);
  return { resamples, level, seed };
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** The median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Linear-interpolated quantile q ∈ [0, 1] of sorted values (type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

function percentile(stats: Float64Array, estimate: number, level: number, n: number): Interval {
  stats.sort();
  const a = (1 - level) / 2;
  return { estimate, lo: quantileSorted(stats, a), hi: quantileSorted(stats, 1 - a), level, n };
}

/** A resample of `values` (with replacement) drawn from `rand`, into `out`. */
function resample(values: readonly number[], rand: () => number, out: number[]): number[] {
  for (let i = 0; i < values.length; i++) out[i] = values[Math.floor(rand() * values.length)];
  return out;
}

/** Bootstrap CI of any statistic of one sample. */
export function bootstrapCI(
  values: readonly number[],
  statistic: (xs: readonly number[]) => number,
  opts: BootstrapOptions = {},
): Interval {
  checkValues(values, 'values');
  const { resamples, level, seed } = checkOptions(opts);
  const rand = mulberry32(seed);
  const buf = new Array<number>(values.length);
  const stats = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) stats[b] = statistic(resample(values, rand, buf));
  return percentile(stats, statistic(values), level, values.length);
}

/** Bootstrap CI of the mean of one sample. */
export function meanCI(values: readonly number[], opts: BootstrapOptions = {}): Interval {
  return bootstrapCI(values, mean, opts);
}

/** Bootstrap CI of the median of one sample. */
export function medianCI(values: readonly number[], opts: BootstrapOptions = {}): Interval {
  return bootstrapCI(values, median, opts);
}

/**
 * Two samples compared by their means, each resampled on its own (independent samples: two models
 * on disjoint images, or seeds), or — with `paired` — by resampling the indices of equal-length
 * samples together (two models on the same images: the usual case here, and much tighter).
 * `diff`: mean(a) − mean(b). `ratio`: mean(a) / mean(b) (b's mean must stay positive).
 */
export function compareMeans(
  a: readonly number[],
  b: readonly number[],
  opts: BootstrapOptions & { paired?: boolean } = {},
): { diff: Interval; ratio: Interval; paired: boolean } {
  checkValues(a, 'a');
  checkValues(b, 'b');
  const { resamples, level, seed } = checkOptions(opts);
  const paired = opts.paired ?? false;
  if (paired && a.length !== b.length)
    throw new InputError(`paired comparison needs equal sample sizes, got ${a.length} and ${b.length}`);
  const rand = mulberry32(seed);
  const diffs = new Float64Array(resamples);
  const ratios = new Float64Array(resamples);
  const ba = new Array<number>(a.length);
  const bb = new Array<number>(b.length);
  for (let r = 0; r < resamples; r++) {
    if (paired) {
      for (let i = 0; i < a.length; i++) {
        const j = Math.floor(rand() * a.length);
        ba[i] = a[j];
        bb[i] = b[j];
      }
    } else {
      resample(a, rand, ba);
      resample(b, rand, bb);
    }
    const ma = mean(ba);
    const mb = mean(bb);
    diffs[r] = ma - mb;
    ratios[r] = ma / mb;
  }
  const ma = mean(a);
  const mb = mean(b);
  return {
    diff: percentile(diffs, ma - mb, level, a.length + b.length),
    ratio: percentile(ratios, ma / mb, level, a.length + b.length),
    paired,
  };
}

/** 'lower' / 'higher' when the interval of a − b excludes 0, else 'no difference shown'. */
export function verdict(diff: Interval): 'lower' | 'higher' | 'no difference shown' {
  if (diff.hi < 0) return 'lower';
  if (diff.lo > 0) return 'higher';
  return 'no difference shown';
}

/** "0.0445 [0.0301, 0.0612]" with `digits` significant digits. */
export function formatInterval(i: Interval, digits = 3): string {
  const f = (x: number) => Number(x.toPrecision(digits)).toString();
  return `${f(i.estimate)} [${f(i.lo)}, ${f(i.hi)}]`;
}
