/**
 * Assignment 05 (augmentation judged with confidence intervals): the bootstrap interval of a mean
 * LEE, the paired interval of the ratio augmented / plain with its verdict, whether that verdict
 * survives on a small sample, and the confounds that could explain the difference (rubric).
 * All intervals are src/stats/bootstrap.ts's, with the student's seed.
 */
import { meanCI, medianCI } from '../stats/bootstrap';
import { AssignmentCheckError, passed, type CheckOutcome } from './assignmentCheckError';
import { checkAugmentationVerdict, perImage, type LeeLike } from './augmentationCheck';
import { gradeFreeText, keywordConcept, type Concept } from './rubric';
import type { AssignmentSpec, CheckContext } from './session';
import { intIn, pick, type Rand } from './variant';

export interface AugmentationVariant {
  /** The group the student judges (the augmented model was trained with translations and rotations). */
  group: 'rotate' | 'translate-x' | 'translate-y';
  bootstrapSeed: number;
  /** Size of the small sample of Q3 (the first images by index). */
  smallN: number;
}

export const AUGMENTATION_ASSIGNMENT: AssignmentSpec<AugmentationVariant> = {
  id: '05-augmentation-intervals',
  title: 'Did augmentation make the model more equivariant? Judge it with intervals',
  checks: [
    { id: 'Q1', title: 'the interval of a mean LEE', points: 2 },
    { id: 'Q2', title: 'the paired ratio and its verdict', points: 3 },
    { id: 'Q3', title: 'the verdict on a small sample', points: 2 },
    { id: 'Q4', title: 'what else could explain it', points: 3 },
  ],
  variant: (rand: Rand) => ({
    group: pick(rand, ['rotate', 'translate-x', 'translate-y'] as const),
    bootstrapSeed: intIn(rand, 1, 9999),
    smallN: intIn(rand, 8, 16),
  }),
};

const relClose = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(b), 1e-12);

/** Q1: meanCI of the plain model's per-image LEE on the student's group, with the student's seed. */
export function checkMeanInterval(
  answer: unknown,
  plain: LeeLike[],
  { variant }: Pick<CheckContext<AugmentationVariant>, 'variant'>,
): CheckOutcome {
  const q = 'Q1 the interval of a mean LEE';
  const { values } = perImage(plain, variant.group);
  if (!values.length) throw new AssignmentCheckError(q, `your table has no rows for '${variant.group}'`);
  const a = answer as { estimate?: unknown; lo?: unknown; hi?: unknown } | undefined;
  if (!a || ![a.estimate, a.lo, a.hi].every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw new AssignmentCheckError(q, `expected { estimate, lo, hi } (numbers), got ${JSON.stringify(answer)}`);
  const truth = meanCI(values, { seed: variant.bootstrapSeed });
  const med = medianCI(values, { seed: variant.bootstrapSeed });
  if (relClose(a.estimate as number, med.estimate) && !relClose(med.estimate, truth.estimate))
    throw new AssignmentCheckError(
      q,
      'that is the median; this question asks for the mean (the LEE is heavy-tailed, so they differ a lot — remember it).',
    );
  if (!relClose(a.estimate as number, truth.estimate))
    throw new AssignmentCheckError(
      q,
      `your estimate is not the mean of the per-image '${variant.group}' LEE of the plain model.`,
    );
  if (!relClose(a.lo as number, truth.lo) || !relClose(a.hi as number, truth.hi))
    throw new AssignmentCheckError(
      q,
      `right estimate, but not the 95 % percentile-bootstrap interval with your seed (${variant.bootstrapSeed}, 2000 resamples).`,
    );
  return passed(`mean ${truth.estimate.toPrecision(3)} with its 95 % interval over ${values.length} images.`);
}

/** Q2: paired ratio augmented / plain on the student's group. */
export function checkPairedRatio(
  answer: unknown,
  plain: LeeLike[],
  augmented: LeeLike[],
  { variant }: Pick<CheckContext<AugmentationVariant>, 'variant'>,
): CheckOutcome {
  return checkAugmentationVerdict(
    'Q2 the paired ratio and its verdict',
    answer,
    plain,
    augmented,
    variant.group,
    variant.bootstrapSeed,
  );
}

/** Q3: the same judgement on the first `smallN` images (by image index). */
export function checkSmallSample(
  answer: unknown,
  plain: LeeLike[],
  augmented: LeeLike[],
  { variant }: Pick<CheckContext<AugmentationVariant>, 'variant'>,
): CheckOutcome {
  const firstN = (rows: LeeLike[]) => {
    const imgs = perImage(rows, variant.group).images.slice(0, variant.smallN);
    const keep = new Set(imgs);
    return rows.filter((r) => r.group === variant.group && keep.has(r.image ?? -1));
  };
  return checkAugmentationVerdict(
    'Q3 the verdict on a small sample',
    answer,
    firstN(plain),
    firstN(augmented),
    variant.group,
    variant.bootstrapSeed,
  );
}

export function confoundRubric(): Concept[] {
  return [
    keywordConcept(
      'recipe',
      'Were the two models trained the same way apart from augmentation?',
      'names a recipe difference: epochs, dropout, learning rate, schedule',
      [/epoch|dropout|learning.rate|schedule|recipe|hyper.?param/],
    ),
    keywordConcept(
      'seeds',
      'Would a second training run of each give the same numbers?',
      'one training run per model: seed-to-seed variation is not in the image interval',
      [/seed|run|initiali[sz]|retrain|repeat/],
    ),
    keywordConcept(
      'sample',
      'What did the small sample teach you about claims from a few images?',
      'small samples give wide intervals / a verdict can flip; heavy tails carried by a few images',
      [/small|few images|wide|sample size|heavy|outlier|tail/],
    ),
    keywordConcept(
      'accuracy',
      'Could a difference in accuracy or confidence (softmax saturation) explain the LEE difference?',
      'accuracy / confidence / saturation confound; logits vs probabilities',
      [/accura|confiden|saturat|logit|softmax/],
    ),
  ];
}

export function checkConfounds(text: unknown): CheckOutcome {
  return gradeFreeText('Q4 what else could explain it', text, confoundRubric());
}
