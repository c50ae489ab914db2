/**
 * Claims the paper-figure notebooks print, computed from bootstrap intervals (src/stats/bootstrap)
 * rather than written as prose: a sentence says "lower" or "higher" only when the 95% interval of
 * the difference excludes zero, and "no difference shown" otherwise, so a rerun on another image
 * sample keeps every printed sentence true (test/science/claims.test.ts reruns them).
 *
 * Pure functions of plain number arrays (one value per image, or per training seed); no tensors,
 * no printing.
 */
import { InputError } from '../errors';
import {
  bootstrapCI,
  compareMeans,
  formatInterval,
  mean,
  median,
  meanCI,
  medianCI,
  verdict,
  type BootstrapOptions,
  type Interval,
} from '../stats/bootstrap';

/** What one sample looks like: mean and median with their intervals, and how skewed it is. */
export interface SampleSummary {
  n: number;
  mean: Interval;
  median: Interval;
  /** max / mean: above ~10 a few images carry the mean. */
  maxOverMean: number;
}

export function summarizeSample(values: readonly number[], opts: BootstrapOptions = {}): SampleSummary {
  const m = mean(values);
  return {
    n: values.length,
    mean: meanCI(values, opts),
    median: medianCI(values, opts),
    maxOverMean: m > 0 ? Math.max(...values) / m : NaN,
  };
}

export type Verdict = ReturnType<typeof verdict>;

/** A comparison of sample a (named `a`) with sample b, by the difference of their means. */
export interface Comparison {
  a: string;
  b: string;
  /** What is compared ("translate-x LEE (probs)"). */
  what: string;
  paired: boolean;
  summaryA: SampleSummary;
  summaryB: SampleSummary;
  /** mean(a) − mean(b) and mean(a) / mean(b), with intervals. */
  diff: Interval;
  ratio: Interval;
  /** 'lower' when a's mean is lower than b's with the interval of the difference below zero. */
  verdict: Verdict;
  /** The generated sentence. */
  sentence: string;
}

const fmt = (x: number, digits = 3) =>
  Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? Number(x.toPrecision(digits)).toString() : x.toExponential(digits - 1);
const fmtI = (i: Interval, digits = 3) => `${fmt(i.estimate, digits)} [${fmt(i.lo, digits)}, ${fmt(i.hi, digits)}]`;

/**
 * Compares a with b (`paired` when both are measured on the same images, in the same order — the
 * usual case; unpaired for independent samples such as training seeds) and writes the sentence.
 */
export function compareSamples(
  a: readonly number[],
  b: readonly number[],
  names: { a: string; b: string; what: string },
  opts: BootstrapOptions & { paired?: boolean } = {},
): Comparison {
  const paired = opts.paired ?? false;
  const { diff, ratio } = compareMeans(a, b, { ...opts, paired });
  const v = verdict(diff);
  const summaryA = summarizeSample(a, opts);
  const summaryB = summarizeSample(b, opts);
  const unit = paired ? `${a.length} shared images` : `${a.length} vs ${b.length} independent values`;
  const head =
    v === 'no difference shown'
      ? `${names.what}: no difference shown between ${names.a} and ${names.b}`
      : `${names.what}: ${names.a} is ${v} than ${names.b}`;
  const sentence =
    `${head} — mean ${fmtI(summaryA.mean)} vs ${fmtI(summaryB.mean)}, ratio ${fmtI(ratio, 2)}×, ` +
    `difference ${fmtI(diff)} (95% CI ${v === 'no difference shown' ? 'contains' : 'excludes'} 0; ${unit}); ` +
    `medians ${fmt(summaryA.median.estimate)} vs ${fmt(summaryB.median.estimate)}.`;
  return { ...names, paired, summaryA, summaryB, diff, ratio, verdict: v, sentence };
}

/** "mean 0.0123 [0.011, 0.0136], median 0.00102 [...], max/mean 21" for one sample. */
export function describeSample(name: string, s: SampleSummary): string {
  return `${name}: mean ${fmtI(s.mean)}, median ${fmtI(s.median)}, max/mean ${fmt(s.maxOverMean, 2)} (n = ${s.n})`;
}

/** Least-squares slope of y on x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : NaN;
}

/** Pearson correlation of x and y (NaN when either is constant). */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Ranks 0..n−1 of `v`, ties given their average rank. */
export function ranks(v: readonly number[]): number[] {
  const idx = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(v.length);
  for (let k = 0; k < idx.length;) {
    let j = k;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[k][0]) j++;
    for (let q = k; q <= j; q++) r[idx[q][1]] = (k + j) / 2;
    k = j + 1;
  }
  return r;
}

/**
 * Spearman rank correlation (Pearson r of the average ranks); 0 when either side is constant — a
 * bootstrap draw of models that repeats one model has no ranking, and counts as none.
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const r = pearson(ranks(x), ranks(y));
  return Number.isFinite(r) ? r : 0;
}

/** Per-model, per-image measurements on one shared image sample (same images, same order). */
export interface ModelSample {
  model: string;
  /** LEE per image (> 0 for the log). */
  lee: readonly number[];
  /** 1 where the model's top-1 class is the label, else 0, per image. */
  correct: readonly number[];
}

export interface AccuracyTrend {
  models: string[];
  /** Slope of log10(mean LEE) on accuracy in percentage points, interval over images. */
  slope: Interval;
  /** Pearson r of accuracy and log10(mean LEE), interval over images. */
  r: Interval;
  verdict:
    'more accurate models are more equivariant' | 'more accurate models are less equivariant' | 'no relation shown';
  sentence: string;
}

/**
 * LEE vs accuracy across models, with both measured on the same images and resampled together:
 * each bootstrap draw of images recomputes every model's accuracy and mean LEE, so the accuracy's
 * own sampling noise (about ±0.3 points at 98% on 2 000 digits) is in the interval — with models
 * whose accuracies are within that noise the slope's interval is wide, as it should be.
 */
export function accuracyTrend(
  samples: readonly ModelSample[],
  label: string,
  opts: BootstrapOptions = {},
): AccuracyTrend {
  if (samples.length < 3) throw new InputError(`accuracyTrend: needs at least 3 models, got ${samples.length}`);
  const n = samples[0].lee.length;
  for (const s of samples) {
    if (s.lee.length !== n || s.correct.length !== n)
      throw new InputError(
        `accuracyTrend: every model needs the same ${n} images; ${s.model} has ${s.lee.length} LEE values and ${s.correct.length} correctness values`,
      );
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  const stat = (which: 'slope' | 'r') => (ix: readonly number[]) => {
    const acc = samples.map((s) => (100 * ix.reduce((a, i) => a + s.correct[i], 0)) / ix.length);
    const logLee = samples.map((s) => Math.log10(ix.reduce((a, i) => a + s.lee[i], 0) / ix.length));
    const v = which === 'slope' ? slope(acc, logLee) : pearson(acc, logLee);
    return Number.isFinite(v) ? v : 0; // a draw where every accuracy ties has no slope: count it as none
  };
  const s = bootstrapCI(idx, stat('slope'), opts);
  const r = bootstrapCI(idx, stat('r'), opts);
  const v =
    s.hi < 0
      ? 'more accurate models are more equivariant'
      : s.lo > 0
        ? 'more accurate models are less equivariant'
        : 'no relation shown';
  const sentence =
    `${label} (${samples.length} models, ${n} shared images): slope of log10 LEE on accuracy ${fmtI(s)} decades per point, ` +
    `r = ${fmtI(r, 2)} — ${v}${v === 'no relation shown' ? " (the slope's 95% CI contains 0)" : ''}.`;
  return { models: samples.map((x) => x.model), slope: s, r, verdict: v, sentence };
}

/** Two verdicts contradict when one says lower and the other higher (either may be "not shown"). */
export function contradicts(v1: string, v2: string): boolean {
  const sign = (v: string) => (/lower|more equivariant/.test(v) ? -1 : /higher|less equivariant/.test(v) ? 1 : 0);
  return sign(v1) * sign(v2) < 0;
}

/** Mean over the rows of a per-seed table: each seed's mean of its per-image values. */
export function perSeedMeans(perSeed: ReadonlyArray<readonly number[]>): number[] {
  return perSeed.map((v) => mean(v));
}

/** Element-wise mean of equal-length arrays (one value per image averaged over seeds). */
export function averageOver(arrays: ReadonlyArray<readonly number[]>): number[] {
  const n = arrays[0].length;
  if (arrays.some((a) => a.length !== n)) throw new InputError('averageOver: arrays of different lengths');
  return Array.from({ length: n }, (_, i) => arrays.reduce((s, a) => s + a[i], 0) / arrays.length);
}

export { formatInterval, median, mean };
