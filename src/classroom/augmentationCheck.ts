/**
 * Judging augmentation with a confidence interval: the student computes the paired bootstrap
 * interval (src/stats/bootstrap.ts, compareMeans with `paired`) of the per-image LEE ratio
 * augmented / plain and states the verdict that interval supports. Shared by assignments 02 and 05.
 * A bare 'lower'/'higher' cannot pass (the interval is required), and no feedback names the verdict.
 */
import { compareMeans, type Interval } from '../stats/bootstrap';
import { AssignmentCheckError, passed, type CheckOutcome } from './assignmentCheckError';

export const VERDICTS = ['lower', 'higher', 'no difference shown'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface LeeLike {
  image?: number;
  group: string;
  lee: number;
}

export interface CiAnswer {
  ratio: { estimate: number; lo: number; hi: number };
  verdict: Verdict;
}

/** Per-image values of one group, ordered by image index (so two models' rows pair up). */
export function perImage(rows: LeeLike[], group: string): { images: number[]; values: number[] } {
  const r = rows.filter((x) => x.group === group).map((x, i) => ({ image: x.image ?? i, lee: x.lee }));
  r.sort((a, b) => a.image - b.image);
  return { images: r.map((x) => x.image), values: r.map((x) => x.lee) };
}

/** The verdict a ratio interval supports: a change is claimed only when it excludes 1. */
export function verdictOfRatio(i: { lo: number; hi: number }): Verdict {
  if (i.hi < 1) return 'lower';
  if (i.lo > 1) return 'higher';
  return 'no difference shown';
}

const relClose = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-12);

/**
 * Checks {ratio, verdict} against the paired bootstrap of augmented / plain on `group` with the
 * student's `bootstrapSeed` (2000 resamples, 95 %).
 */
export function checkAugmentationVerdict(
  question: string,
  answer: unknown,
  plain: LeeLike[],
  augmented: LeeLike[],
  group: string,
  bootstrapSeed: number,
  names = { base: 'plain', other: 'augmented' },
): CheckOutcome {
  const q = question;
  const { base, other } = names;
  const p = perImage(plain, group);
  const a = perImage(augmented, group);
  if (!p.values.length || !a.values.length)
    throw new AssignmentCheckError(q, `both LEE tables need rows for '${group}'`);
  if (p.images.join() !== a.images.join())
    throw new AssignmentCheckError(
      q,
      'the two tables were measured on different images; measure both models on the same images so they can be paired.',
    );
  if (typeof answer === 'string')
    throw new AssignmentCheckError(
      q,
      'a word is not enough: answer { ratio: { estimate, lo, hi }, verdict } — the interval comes first, the verdict follows from it.',
    );
  const ans = answer as Partial<CiAnswer> | undefined;
  const r = ans?.ratio;
  if (!r || ![r.estimate, r.lo, r.hi].every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new AssignmentCheckError(
      q,
      `ratio must be { estimate, lo, hi } (numbers: e.g. compareMeans(...).ratio), got ${JSON.stringify(r)}`,
    );
  }
  if (!(r.lo <= r.estimate && r.estimate <= r.hi))
    throw new AssignmentCheckError(q, 'an interval must contain its estimate (lo ≤ estimate ≤ hi); yours does not.');
  const truth = compareMeans(a.values, p.values, { paired: true, seed: bootstrapSeed }).ratio;
  if (!relClose(r.estimate, truth.estimate, 1e-6)) {
    const inverse = relClose(r.estimate, 1 / truth.estimate, 1e-6);
    throw new AssignmentCheckError(
      q,
      inverse
        ? `your estimate is the ratio the other way round: ${other} / ${base}, so a value below 1 means the ${other} model has the lower LEE.`
        : `your estimate is not the ratio of the two models' mean ${group} LEE (${other} / ${base}) over the same images.`,
    );
  }
  if (!relClose(r.lo, truth.lo, 1e-6) || !relClose(r.hi, truth.hi, 1e-6)) {
    const unpaired = compareMeans(a.values, p.values, { paired: false, seed: bootstrapSeed }).ratio;
    const isUnpaired = relClose(r.lo, unpaired.lo, 1e-6) && relClose(r.hi, unpaired.hi, 1e-6);
    throw new AssignmentCheckError(
      q,
      isUnpaired
        ? 'your interval resamples the two models independently, but both were measured on the same images: pair them (paired: true), which removes the image-to-image spread.'
        : `your interval is not the paired bootstrap interval of the ratio (compareMeans(${other}, ${base}, { paired: true, seed: ${bootstrapSeed} }), 95 %, 2000 resamples).`,
    );
  }
  if (!(VERDICTS as readonly string[]).includes(ans!.verdict as string))
    throw new AssignmentCheckError(
      q,
      `verdict must be one of ${VERDICTS.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(ans!.verdict)}`,
    );
  const want = verdictOfRatio(truth);
  if (ans!.verdict !== want) {
    throw new AssignmentCheckError(
      q,
      'your verdict does not follow from your interval. A change is claimed only when the whole 95 % interval lies on one side of "no change": where is "no change" for a ratio, and where is your interval?',
    );
  }
  return passed(
    `ratio ${r.estimate.toPrecision(3)} [${r.lo.toPrecision(3)}, ${r.hi.toPrecision(3)}] on ${p.values.length} paired images; the verdict follows from it.`,
    { truth: truth as Interval, verdict: want },
  );
}
