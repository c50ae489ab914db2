/**
 * Assignment 04 (colour groups): the hue generator in the student's unit of t, the colour tangent
 * L x = G x per pixel for any 3×3 G (random non-square images, several G), and which of the two
 * bundled Coloured-MNIST models (trained with random hues, or with hue tied to the label) is more
 * hue-invariant, judged with a paired bootstrap interval; an explanation graded by a rubric.
 */
import * as tf from '@tensorflow/tfjs';
import { defineGroup, getGroup, imageTangent } from '../groups';
import { rows } from '../groups/generators';
import {
  AssignmentCheckError,
  asRows,
  callStudent,
  passed,
  refuseReferenceCalls,
  type CheckOutcome,
} from './assignmentCheckError';
import { checkAugmentationVerdict, type LeeLike } from './augmentationCheck';
import { gradeFreeText, keywordConcept, type Concept } from './rubric';
import type { AssignmentSpec, CheckContext } from './session';
import { intIn, pick, randomImages, uniform, type Rand } from './variant';

export const HUE_UNITS = { degrees: Math.PI / 180, turns: 2 * Math.PI, gradians: Math.PI / 200 } as const;
export type HueUnit = keyof typeof HUE_UNITS;

export interface ColourVariant {
  /** t measures the hue angle in this unit (t = 1 turns the hue by one of them). */
  unit: HueUnit;
  bootstrapSeed: number;
}

export const COLOUR_ASSIGNMENT: AssignmentSpec<ColourVariant> = {
  id: '04-colour-groups',
  title: 'Colour groups: hue on Coloured MNIST',
  checks: [
    { id: 'Q1', title: 'the hue generator', points: 2 },
    { id: 'Q2', title: 'the colour tangent', points: 3 },
    { id: 'Q3', title: 'which model ignores hue, with its interval', points: 3 },
    { id: 'Q4', title: 'your explanation', points: 2 },
  ],
  variant: (rand: Rand) => ({
    unit: pick(rand, Object.keys(HUE_UNITS) as HueUnit[]),
    bootstrapSeed: intIn(rand, 1, 9999),
  }),
};

export const COLOUR_REFERENCES = [
  'imageTangent',
  'colorTangent',
  'applyGroup',
  'applyColor',
  'getGroup',
  'defineGroup',
  'flow',
  'lieDerivative',
];

const close = (a: number[][], b: number[][], tol = 1e-6) =>
  a.every((r, i) => r.every((v, j) => Math.abs(v - b[i][j]) <= tol));

/** Q1: the 3×3 RGB generator of the hue rotation with t in the student's unit. */
export function checkHueGenerator(
  answer: unknown,
  { variant }: Pick<CheckContext<ColourVariant>, 'variant'>,
): CheckOutcome {
  const q = 'Q1 the hue generator';
  const G = asRows(answer);
  if (!G || G.length !== 3 || G.some((r) => r.length !== 3) || G.flat().some((v) => !Number.isFinite(v)))
    throw new AssignmentCheckError(
      q,
      `expected a 3×3 array of numbers acting on (r, g, b), got ${JSON.stringify(answer)}`,
    );
  const radians = rows(getGroup('hue').generator);
  const want = radians.map((r) => r.map((v) => v * HUE_UNITS[variant.unit]));
  if (G.flat().every((v) => v === 0))
    throw new AssignmentCheckError(
      q,
      'your matrix is all zeros: that leaves every colour unchanged. A hue rotation turns colours about the grey axis.',
    );
  const grey = G.map((r) => r[0] + r[1] + r[2]);
  if (grey.some((v) => Math.abs(v) > 1e-9))
    throw new AssignmentCheckError(
      q,
      'grey must stay grey: a hue rotation fixes every colour (c, c, c), so G·(1, 1, 1) = 0 — yours moves grey.',
    );
  if (G.some((r, i) => r.some((v, j) => Math.abs(v + G[j][i]) > 1e-9)))
    throw new AssignmentCheckError(
      q,
      'a rotation generator is antisymmetric (Gᵀ = −G): its flow preserves lengths in RGB; yours stretches.',
    );
  const c = G[1][0] / want[1][0];
  if (Math.abs(c + 1) < 1e-6)
    throw new AssignmentCheckError(
      q,
      'your hue turns the other way: for t > 0 red must move towards green (and green towards blue).',
    );
  if (close(G, radians, 1e-9) && variant.unit !== ('radians' as string))
    throw new AssignmentCheckError(
      q,
      `your t is in radians, but in your version t is measured in ${variant.unit}: t = 1 must turn the hue by one ${variant.unit.replace(/s$/, '')}.`,
    );
  if (!close(G, want, 1e-6))
    throw new AssignmentCheckError(
      q,
      `right axis and direction, wrong speed: t = 1 must turn the hue by exactly one ${variant.unit.replace(/s$/, '')}.`,
    );
  return passed(`the generator of a hue rotation about the grey axis, t in ${variant.unit}.`);
}

/** Q2: colourTangent(x, G) = G x at every pixel, on random non-square images, for the student's G and random ones. */
export function checkColourTangent(
  fn: (x: tf.Tensor4D, G: number[][]) => tf.Tensor,
  { variant, rand }: Pick<CheckContext<ColourVariant>, 'variant' | 'rand'>,
): CheckOutcome {
  const q = 'Q2 the colour tangent';
  if (typeof fn !== 'function')
    throw new AssignmentCheckError(q, `expected a function (x: [B, H, W, 3], G) => L x, got ${typeof fn}`);
  refuseReferenceCalls(q, fn, COLOUR_REFERENCES);
  const hue = rows(getGroup('hue').generator).map((r) => r.map((v) => v * HUE_UNITS[variant.unit]));
  const gens = [
    hue,
    [0, 1, 2].map(() => [0, 1, 2].map(() => uniform(rand, -1, 1))),
    [0, 1, 2].map(() => [0, 1, 2].map(() => uniform(rand, -1, 1))),
  ];
  const outs: tf.Tensor[] = [];
  try {
    for (const G of gens) {
      const x = randomImages(rand, { batch: 2 });
      const want = imageTangent(x, defineGroup('student-colour', G, 'color'));
      try {
        const got = callStudent(q, 'your colour tangent', () =>
          tf.tidy(() =>
            fn(
              x.clone(),
              G.map((r) => [...r]),
            ),
          ),
        );
        if (!(got instanceof tf.Tensor)) throw new AssignmentCheckError(q, `expected a tf.Tensor, got ${typeof got}`);
        outs.push(got);
        if (got.shape.join() !== x.shape.join())
          throw new AssignmentCheckError(
            q,
            `L x has the shape of x: on a [${x.shape.join(', ')}] test image yours has [${got.shape.join(', ')}]`,
          );
        const [err, errT] = tf.tidy(() => {
          const g = tf.cast(got, 'float32');
          const flat = tf.reshape(x, [-1, 3]);
          const transposed = tf.reshape(tf.matMul(flat, tf.tensor2d(G)), x.shape); // x·G, i.e. Gᵀ applied
          const rel = (a: tf.Tensor, b: tf.Tensor) => tf.div(tf.norm(tf.sub(a, b)), tf.norm(b)).dataSync()[0];
          return [rel(g, want), rel(g, transposed)];
        });
        if (err < 1e-5) continue;
        if (errT < 1e-5)
          throw new AssignmentCheckError(
            q,
            'you applied Gᵀ instead of G: a pixel is a row of x, so G·pixel is pixel·Gᵀ in row form.',
          );
        throw new AssignmentCheckError(
          q,
          `wrong for one of the test generators on a ${x.shape[1]}×${x.shape[2]} image: L x at a pixel is the velocity of its colour, G times the colour — for any G you are given.`,
        );
      } finally {
        tf.dispose([x, want]);
      }
    }
  } finally {
    tf.dispose(outs);
  }
  return passed('right for your hue generator and two random colour generators on random images.');
}

/** Q3: hue LEE of the label-hue model over the random-hue model, paired over the same images. */
export function checkHueModels(
  answer: unknown,
  randomHue: LeeLike[],
  labelHue: LeeLike[],
  { variant }: Pick<CheckContext<ColourVariant>, 'variant'>,
): CheckOutcome {
  return checkAugmentationVerdict(
    'Q3 which model ignores hue',
    answer,
    randomHue,
    labelHue,
    'hue',
    variant.bootstrapSeed,
    { base: 'random-hue', other: 'label-hue' },
  );
}

export function colourRubric(): Concept[] {
  return [
    keywordConcept(
      'shortcut',
      'What could the label-hue model have learned instead of digit shapes?',
      'shortcut / spurious correlation: hue predicts the label, so the model uses colour',
      [/shortcut|spurious|correlat|predict|cheat|colou?r (?:tells|gives|reveals)|hue (?:tells|gives|reveals|predicts)/],
    ),
    keywordConcept(
      'data',
      'How does the training distribution of hues teach (or not teach) invariance?',
      'random hues in training act as augmentation: invariance is learned from data, not built in',
      [/random hue|augment|training (?:data|distribution|set)|learn/],
    ),
    keywordConcept(
      'evidence',
      'Which interval supports your answer, on how many images?',
      'quotes the ratio or its interval and the number of images',
      [/interval|\bCI\b|ratio|confiden/],
    ),
  ];
}

export function checkColourExplanation(text: unknown): CheckOutcome {
  return gradeFreeText('Q4 your explanation', text, colourRubric());
}
