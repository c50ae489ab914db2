/**
 * The computations behind each paper-figure notebook's "What we found" (notebooks 01, 03, 04, 05),
 * as functions of the image sample (`images`, `seed`), so a test can rerun every claim on another
 * sample and check that no direction flips (test/science/findings.test.ts). Each returns the
 * comparisons (with their generated sentences) and the per-image values the notebook plots.
 *
 * Units: LEE is mean-abs over the output (DESIGN §1), per normalized unit of t; "per border px"
 * divides by src/science/scales.ts borderSpeed (notebooks/README.md, "Common scale").
 */
import { InputError } from '../errors';
import type { OutputMode } from '../lie/lieDerivative';
import { epochCheckpoints, loadTrainedModel, type TrainedModel } from '../models/trainedModels';
import { loadModel } from '../models/load';
import {
  accuracyTrend,
  averageOver,
  compareSamples,
  perSeedMeans,
  summarizeSample,
  type AccuracyTrend,
  type Comparison,
  type SampleSummary,
} from './claims';
import { measureModels, perImageLee, testSample, type PerImage, type SampleSpec } from './samples';
import { borderSpeed, perBorderPixel } from './scales';
import { bootstrapCI, formatInterval, mean, type Interval } from '../stats/bootstrap';
import { layerwiseAcrossRoles } from '../report/headline';
import type { LayerwiseRow } from '../lie/layerwise';

const MNIST_SIDE = 28;

/** Which paper claim a finding bears on, and how. */
export interface PaperClaim {
  claim: string;
  /** 'supported on probabilities only': lower on probabilities, not shown on logits (softmax saturation). */
  status: 'supported' | 'supported on probabilities only' | 'not supported' | 'contradicted';
  why: string;
}

/** 'supported' when the verdict goes the paper's way, 'contradicted' when the other way, else 'not supported'. */
export function paperStatus(v: string, expected: string): PaperClaim['status'] {
  if (v === expected) return 'supported';
  return /no difference|no relation/.test(v) ? 'not supported' : 'contradicted';
}

// ---------------------------------------------------------------- notebook 01

export interface QuickstartFindings {
  groups: Array<{ group: string; raw: SampleSummary; perBorderPx?: SampleSummary }>;
  /** The least-equivariant spatial group per border pixel vs the next one (paired). */
  top?: Comparison;
  /** Groups whose mean's 95% interval lies above their median's (the mean is carried by few images). */
  skewed: string[];
  /** Groups with LEE exactly 0 on every image. */
  zero: string[];
  values: Record<string, number[]>;
  sentences: string[];
}

/** One model, its own test set, the given groups; spatial groups also on the common scale. */
export async function quickstartFindings(
  entry: TrainedModel,
  groups: string[],
  spec: SampleSpec = {},
): Promise<QuickstartFindings> {
  const data = testSample(entry.dataset, spec);
  const model = await loadTrainedModel(entry);
  let per: Record<string, Record<string, number[]>>;
  try {
    per = await perImageLee(model, data, groups, ['probs']);
  } finally {
    model.net.dispose();
    data.images.dispose();
  }
  const values = Object.fromEntries(groups.map((g) => [g, per[g].probs]));
  const spatial = groups.filter((g) => g !== 'hue' && !['saturation', 'brightness', 'contrast'].includes(g));
  const out = groups.map((g) => ({
    group: g,
    raw: summarizeSample(values[g], { seed: spec.seed }),
    perBorderPx: spatial.includes(g)
      ? summarizeSample(perBorderPixel(values[g], g, MNIST_SIDE, MNIST_SIDE), { seed: spec.seed })
      : undefined,
  }));
  const ranked = out
    .filter((o) => o.perBorderPx)
    .sort((a, b) => b.perBorderPx!.mean.estimate - a.perBorderPx!.mean.estimate);
  const sentences: string[] = [];
  let top: Comparison | undefined;
  if (ranked.length >= 2) {
    const [a, b] = ranked;
    top = compareSamples(
      perBorderPixel(values[a.group], a.group, MNIST_SIDE, MNIST_SIDE),
      perBorderPixel(values[b.group], b.group, MNIST_SIDE, MNIST_SIDE),
      { a: a.group, b: b.group, what: `${entry.name}, LEE per px of border displacement` },
      { paired: true, seed: spec.seed },
    );
    sentences.push(
      top.verdict === 'higher'
        ? `Per pixel of border displacement, ${entry.name} is least equivariant under ${a.group}. ${top.sentence}`
        : `Per pixel of border displacement, the two least-equivariant spatial groups cannot be told apart. ${top.sentence}`,
    );
  }
  for (const o of out) {
    sentences.push(
      `${o.group}: mean ${o.raw.mean.estimate.toExponential(2)} [${o.raw.mean.lo.toExponential(2)}, ${o.raw.mean.hi.toExponential(2)}], median ${o.raw.median.estimate.toExponential(2)} [${o.raw.median.lo.toExponential(2)}, ${o.raw.median.hi.toExponential(2)}]; ` +
        (o.raw.mean.estimate === 0
          ? 'exactly 0 on every image.'
          : `the largest image is ${o.raw.maxOverMean.toFixed(0)}× the mean.`),
    );
  }
  // A skew claim from the intervals: the mean's interval above the median's (not a threshold on max/mean, which grows with n).
  const skewed = out.filter((o) => o.raw.mean.lo > o.raw.median.hi).map((o) => o.group);
  const zero = out.filter((o) => o.raw.mean.estimate === 0).map((o) => o.group);
  sentences.push(
    skewed.length
      ? `For ${skewed.join(', ')} the mean's interval lies above the median's: the mean LEE is carried by a minority of images, so means from a few dozen images are unreliable; medians are printed beside every mean.`
      : 'No group has its mean clearly above its median here.',
  );
  if (zero.length)
    sentences.push(
      `LEE is exactly 0 for ${zero.join(', ')}: ${entry.dataset.startsWith('colored') ? 'the model ignores this change entirely' : 'colour groups do nothing to grey digits'}.`,
    );
  return { groups: out, top, skewed, zero, values, sentences };
}

// ---------------------------------------------------------------- notebook 04

export interface PairFindings {
  comparisons: Comparison[];
  values: PerImage[];
  sentences: string[];
  paper: PaperClaim[];
}

/**
 * BlurPool CNN vs CNN and ViT vs CNN, translate-x LEE on probabilities and on logits (softmax
 * saturation compresses a confident model's probabilities, so the two can disagree), same images.
 */
export async function architectureFindings(
  cnn: TrainedModel,
  others: Array<{ role: string; model: TrainedModel }>,
  spec: SampleSpec = {},
  group = 'translate-x',
): Promise<PairFindings> {
  const outputs: OutputMode[] = ['probs', 'logits'];
  const values = await measureModels([cnn, ...others.map((o) => o.model)], [group], outputs, spec);
  const base = values[0];
  const comparisons: Comparison[] = [];
  const paper: PaperClaim[] = [];
  const sentences: string[] = [];
  others.forEach((o, k) => {
    const v = values[k + 1];
    for (const out of outputs) {
      comparisons.push(
        compareSamples(
          v.lee[group][out],
          base.lee[group][out],
          { a: o.model.name, b: cnn.name, what: `${group} LEE on ${out}` },
          { paired: true, seed: spec.seed },
        ),
      );
    }
  });
  for (const c of comparisons) sentences.push(c.sentence);
  const find = (name: string, out: string) => comparisons.find((c) => c.a === name && c.what.endsWith(out));
  const n = values[0].correct.length;
  for (const o of others) {
    const acc = `test accuracy ${(100 * mean(values[others.indexOf(o) + 1].correct)).toFixed(1)}% vs the CNN's ${(100 * mean(base.correct)).toFixed(1)}% on these ${n} images`;
    for (const out of outputs) {
      const c = find(o.model.name, out)!;
      const r = `${out}: ${o.role} ${c.verdict} (ratio ${c.ratio.estimate.toFixed(2)}× [${c.ratio.lo.toFixed(2)}, ${c.ratio.hi.toFixed(2)}])`;
      if (o.role === 'BlurPool CNN')
        paper.push({
          claim: `anti-aliasing (BlurPool) lowers the translation LEE (§5), on ${out}`,
          status: paperStatus(c.verdict, 'lower'),
          why: r,
        });
      else
        paper.push({
          claim: `after training, transformers can be as equivariant as CNNs or more (§6), on ${out}`,
          status: c.verdict === 'higher' ? 'contradicted' : c.verdict === 'lower' ? 'supported' : 'not supported',
          why: `${r}${c.verdict === 'no difference shown' ? ' — consistent with "as equivariant", but not shown to be' : ''}; ${acc}${out === 'probs' ? " (a less confident model's probabilities move more for the same logit change)" : ''}`,
        });
    }
  }
  return { comparisons, values, sentences, paper };
}

export interface LayerShare {
  role: string;
  model: string;
  /** The layer kind with the largest summed projection, and the runner-up. */
  topKind: string;
  secondKind?: string;
  /** Σ_images projection of the top kind / Σ_images ‖L f‖, interval over images. */
  share: Interval;
  /** (top − runner-up) / Σ ‖L f‖, interval over images: the top kind is claimed only when it excludes 0. */
  lead?: Interval;
  separated: boolean;
  layers: number;
  images: number;
}

export interface LayerwiseFindings {
  rows: LayerwiseRow[];
  models: Array<{ role: string; model: string; telescopingError: number }>;
  shares: LayerShare[];
  sentences: string[];
}

/**
 * Notebook 04's layer-wise claims: which layer kind carries the largest (signed) share of ‖L f‖ for
 * each of the CNN / BlurPool / ViT roles, on `images` test digits. Signed projections of other
 * kinds can cancel, so a share can exceed 100%.
 */
export async function layerwiseFindings(
  models: TrainedModel[],
  { images = 16, seed = 0, group = 'translate-x' }: { images?: number; seed?: number; group?: string } = {},
): Promise<LayerwiseFindings> {
  const lw = await layerwiseAcrossRoles(models, { images, group, seed });
  const shares: LayerShare[] = lw.models.map(({ role, model }) => {
    const rs = lw.rows.filter((r) => r.model === model);
    const imgs = [...new Set(rs.map((r) => r.image))];
    const byKind = new Map<string, number>();
    for (const r of rs) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + r.projection);
    const [[topKind], second] = [...byKind].sort((a, b) => b[1] - a[1]);
    const perImage = (kind: string) =>
      imgs.map((i) => rs.filter((r) => r.image === i && r.kind === kind).reduce((a, r) => a + r.projection, 0));
    const top = perImage(topKind);
    const all = imgs.map((i) => rs.filter((r) => r.image === i).reduce((a, r) => a + r.projection, 0));
    const ix = imgs.map((_, k) => k);
    const sum = (v: number[], s: readonly number[]) => s.reduce((a, k) => a + v[k], 0);
    const share = bootstrapCI(ix, (s) => sum(top, s) / sum(all, s), { seed });
    let lead: Interval | undefined;
    if (second) {
      const sec = perImage(second[0]);
      lead = bootstrapCI(ix, (s) => (sum(top, s) - sum(sec, s)) / sum(all, s), { seed });
    }
    return {
      role,
      model,
      topKind,
      secondKind: second?.[0],
      share,
      lead,
      separated: !lead || lead.lo > 0,
      layers: new Set(rs.map((r) => r.index)).size,
      images: imgs.length,
    };
  });
  const pct = (i: Interval) => formatInterval({ ...i, estimate: 100 * i.estimate, lo: 100 * i.lo, hi: 100 * i.hi }, 2);
  const sentences = shares.map(
    (m) =>
      `${m.role} (${m.model}, ${m.layers} steps): ` +
      (m.separated
        ? `${m.topKind} layers carry the largest share of ‖L f‖, ${pct(m.share)}% of Σ ‖L f‖ over ${m.images} images${m.lead ? `, ahead of ${m.secondKind} by ${pct(m.lead)} points` : ''}`
        : `${m.topKind} layers carry the largest share by point estimate (${pct(m.share)}%), but their lead over ${m.secondKind} (${pct(m.lead!)} points) is not shown on ${m.images} images`) +
      ' (signed shares: other kinds can cancel, so a share can exceed 100%).',
  );
  sentences.push(
    `The decomposition is exact: Σ C_i matches L f to ${Math.max(...lw.models.map((m) => m.telescopingError)).toExponential(1)} relative (float32).`,
  );
  return { rows: lw.rows, models: lw.models, shares, sentences };
}

// ---------------------------------------------------------------- notebook 05

export interface AugmentationFindings {
  /** Per group: over seeds (per-seed means, unpaired) and over images (seed-averaged, paired). */
  bySeed: Comparison[];
  byImage: Comparison[];
  accuracy: { plain: number[]; augmented: number[]; comparison: Comparison };
  sentences: string[];
  paper: PaperClaim[];
}

/**
 * Augmented vs plain arms (same recipe, ≥ 2 seeds each), LEE per group. A difference is claimed
 * from the seed-level interval (the training claim); the image-level one is printed beside it.
 */
export async function augmentationFindings(
  plain: TrainedModel[],
  augmented: TrainedModel[],
  groups: string[],
  spec: SampleSpec = {},
): Promise<AugmentationFindings> {
  if (plain.length < 2 || augmented.length < 2)
    throw new InputError(
      `augmentationFindings: needs ≥ 2 seeds per arm, got ${plain.length} plain and ${augmented.length} augmented`,
    );
  const vp = await measureModels(plain, groups, ['probs'], spec);
  const va = await measureModels(augmented, groups, ['probs'], spec);
  const bySeed: Comparison[] = [];
  const byImage: Comparison[] = [];
  const sentences: string[] = [];
  for (const g of groups) {
    const a = va.map((v) => v.lee[g].probs);
    const p = vp.map((v) => v.lee[g].probs);
    const s = compareSamples(
      perSeedMeans(a),
      perSeedMeans(p),
      { a: 'augmented', b: 'plain', what: `${g} LEE over training seeds` },
      { seed: spec.seed },
    );
    const i = compareSamples(
      averageOver(a),
      averageOver(p),
      { a: 'augmented', b: 'plain', what: `${g} LEE over images (seed-averaged)` },
      { paired: true, seed: spec.seed },
    );
    bySeed.push(s);
    byImage.push(i);
    sentences.push(
      s.sentence,
      `  (over images: ${i.verdict}, ratio ${i.ratio.estimate.toFixed(2)}× [${i.ratio.lo.toFixed(2)}, ${i.ratio.hi.toFixed(2)}])`,
    );
  }
  const accP = vp.map((v) => mean(v.correct));
  const accA = va.map((v) => mean(v.correct));
  const accC = compareSamples(
    accA,
    accP,
    { a: 'augmented', b: 'plain', what: 'test accuracy over seeds' },
    { seed: spec.seed },
  );
  sentences.push(accC.sentence);
  const trained = groups.filter((g) => augmented[0].augmentation.some((a) => g.startsWith(a)));
  const paper: PaperClaim[] = trained.map((g) => {
    const s = bySeed.find((c) => c.what.startsWith(g))!;
    const i = byImage.find((c) => c.what.startsWith(g))!;
    // A training claim needs the seed-level and the image-level interval to agree (3 seeds undercover).
    const v = s.verdict === i.verdict ? s.verdict : 'no difference shown';
    return {
      claim: `augmenting with a group lowers that group's LEE (§6, data augmentation), ${g}`,
      status: paperStatus(v, 'lower'),
      why: `over ${plain.length}+${augmented.length} seeds ${s.verdict} (ratio ${s.ratio.estimate.toFixed(2)}× [${s.ratio.lo.toFixed(2)}, ${s.ratio.hi.toFixed(2)}]), over images ${i.verdict}`,
    };
  });
  return { bySeed, byImage, accuracy: { plain: accP, augmented: accA, comparison: accC }, sentences, paper };
}

export interface EpochFindings {
  first: number;
  last: number;
  comparisons: Comparison[];
  sentences: string[];
  paper: PaperClaim[];
}

/** First vs last checkpoint of a run, per group and output, on the same images (paired). */
export async function epochFindings(
  run: TrainedModel,
  groups: string[],
  spec: SampleSpec = {},
): Promise<EpochFindings> {
  const cps = epochCheckpoints(run);
  if (cps.length < 2)
    throw new InputError(`epochFindings: ${run.name} has ${cps.length} checkpoints; train it with --checkpoints`);
  const ends = [cps[0], cps[cps.length - 1]];
  const data = testSample(run.dataset, spec);
  const per: Array<Record<string, Record<string, number[]>>> = [];
  try {
    for (const c of ends) {
      const m = await loadModel(`${c.dir}/model.json`);
      try {
        per.push(await perImageLee(m, data, groups, ['probs', 'logits']));
      } finally {
        m.net.dispose();
      }
    }
  } finally {
    data.images.dispose();
  }
  const comparisons: Comparison[] = [];
  for (const g of groups) {
    for (const out of ['probs', 'logits'])
      comparisons.push(
        compareSamples(
          per[1][g][out],
          per[0][g][out],
          { a: `epoch ${ends[1].epoch}`, b: `epoch ${ends[0].epoch}`, what: `${g} LEE on ${out}` },
          { paired: true, seed: spec.seed },
        ),
      );
  }
  const paper: PaperClaim[] = groups.map((g) => {
    const p = comparisons.find((c) => c.what === `${g} LEE on probs`)!;
    const l = comparisons.find((c) => c.what === `${g} LEE on logits`)!;
    // Probabilities saturate as a model grows confident: lower on probs alone is not lower on logits.
    const status: PaperClaim['status'] =
      p.verdict === 'lower' && l.verdict === 'lower'
        ? 'supported'
        : p.verdict === 'lower'
          ? 'supported on probabilities only'
          : paperStatus(p.verdict, 'lower');
    return {
      claim: `models become more equivariant as they train (§6), ${g}`,
      status,
      why: `epoch ${ends[1].epoch} vs ${ends[0].epoch} of one run (${run.name}; seeds not repeated): probs ${p.verdict} (${formatInterval(p.ratio, 2)}×), logits ${l.verdict} (${formatInterval(l.ratio, 2)}×)`,
    };
  });
  return {
    first: ends[0].epoch,
    last: ends[1].epoch,
    comparisons,
    sentences: comparisons.map((c) => c.sentence),
    paper,
  };
}

export interface HueFindings {
  values: PerImage[];
  comparisons: Comparison[];
  sentences: string[];
  paper: PaperClaim[];
}

/**
 * The random-hue vs the label-hue Coloured MNIST model, hue LEE on probs and logits. Each model has
 * its own test set (its own colouring), so the comparison is unpaired.
 */
export async function hueFindings(
  randomHue: TrainedModel,
  labelHue: TrainedModel,
  spec: SampleSpec = {},
): Promise<HueFindings> {
  const values = await measureModels([randomHue, labelHue], ['hue'], ['probs', 'logits'], spec);
  const [r, l] = values;
  const comparisons = (['probs', 'logits'] as const).map((out) =>
    compareSamples(
      r.lee.hue[out],
      l.lee.hue[out],
      { a: 'random-hue model', b: 'label-hue model', what: `hue LEE on ${out}` },
      { seed: spec.seed },
    ),
  );
  const acc = (v: PerImage) => `${(100 * mean(v.correct)).toFixed(1)}%`;
  const paper = comparisons.map((c, k) => ({
    claim: `a model learns the invariance the data supports (§6: training data shapes equivariance), hue on ${k ? 'logits' : 'probs'}`,
    status: paperStatus(c.verdict, 'lower'),
    why: `random-hue / label-hue ${formatInterval(c.ratio, 2)}×, ${c.verdict}; the label-hue model must read hue to classify (accuracy on these images ${acc(l)} vs ${acc(r)}); one seed per model, so this is about these two models, not about training in general`,
  }));
  return { values, comparisons, sentences: comparisons.map((c) => c.sentence), paper };
}

// ---------------------------------------------------------------- notebook 03

export interface ZooFindings {
  values: PerImage[];
  trends: AccuracyTrend[];
  /** Most vs least equivariant MNIST model per group (paired). */
  extremes: Comparison[];
  /** Each width vs the next narrower one, per group: over images (seed-averaged, paired) and over training seeds. */
  size: Comparison[];
  sizeBySeed: Comparison[];
  /** Every pair of families (alphabetical order), paired by image. */
  familyPairs: Comparison[];
  /** Per family: mean over spatial groups of the LEE per px of border displacement. */
  families: Array<{ family: string; models: number; perBorderPx: SampleSummary; perImage: number[] }>;
  sentences: string[];
  paper: PaperClaim[];
}

/**
 * Every given model on one shared MNIST sample: LEE vs accuracy within the CNN family and across all
 * families (both with image-bootstrap intervals), extremes per group, the width series, and family
 * means on the common scale. `sizeSeries` lists, from narrowest to widest, the trained seeds of one
 * architecture at each width.
 */
export async function zooFindings(
  models: TrainedModel[],
  groups: string[],
  sizeSeries: TrainedModel[][],
  spec: SampleSpec = {},
  onModel?: (done: number, total: number) => void,
): Promise<ZooFindings> {
  const all = [...models, ...sizeSeries.flat().filter((s) => !models.some((m) => m.name === s.name))].filter(
    (m) => m.dataset === 'mnist',
  );
  const values = await measureModels(all, groups, ['probs'], spec, onModel);
  const byName = new Map(values.map((v) => [v.model, v]));
  const entry = new Map(all.map((m) => [m.name, m]));
  const zoo = models.filter((m) => m.dataset === 'mnist').map((m) => byName.get(m.name)!);
  const sentences: string[] = [];
  const trends: AccuracyTrend[] = [];
  const paper: PaperClaim[] = [];
  for (const g of groups) {
    const s = (vs: PerImage[]) =>
      vs.map((v) => ({ model: v.model, lee: v.lee[g].probs.map((x) => Math.max(x, 1e-30)), correct: v.correct }));
    const cnns = zoo.filter((v) => entry.get(v.model)!.architecture.startsWith('cnn'));
    if (cnns.length >= 3) trends.push(accuracyTrend(s(cnns), `${g}, within the CNNs`, { seed: spec.seed }));
    if (zoo.length >= 3) trends.push(accuracyTrend(s(zoo), `${g}, across all MNIST families`, { seed: spec.seed }));
  }
  sentences.push(...trends.map((t) => t.sentence));
  const accRange = (names: string[]) => {
    const accs = names.map((n) => 100 * mean(byName.get(n)!.correct));
    return `${Math.min(...accs).toFixed(1)}–${Math.max(...accs).toFixed(1)}%`;
  };
  // At this scale: a handful of small MNIST models, one training seed each, accuracies within a few points.
  for (const t of trends)
    paper.push({
      claim: 'more accurate models are more equivariant (Fig. 1 right)',
      status: paperStatus(t.verdict, 'more accurate models are more equivariant'),
      why: `${t.sentence.replace(/\.$/, '')}; ${t.models.length} MNIST models trained once each, accuracies ${accRange(t.models)} on these images (the paper fits many ImageNet models over a much wider accuracy range)`,
    });
  const extremes: Comparison[] = [];
  for (const g of groups) {
    const ranked = [...zoo].sort((a, b) => mean(a.lee[g].probs) - mean(b.lee[g].probs));
    if (ranked.length < 2) continue;
    const c = compareSamples(
      ranked[ranked.length - 1].lee[g].probs,
      ranked[0].lee[g].probs,
      { a: ranked[ranked.length - 1].model, b: ranked[0].model, what: `${g} LEE, least vs most equivariant` },
      { paired: true, seed: spec.seed },
    );
    extremes.push(c);
    sentences.push(c.sentence);
  }
  // The width series: per pair of neighbouring widths and group, over training seeds (per-seed
  // means, unpaired) and over images (seed-averaged, paired), as in the augmentation study.
  const size: Comparison[] = [];
  const sizeBySeed: Comparison[] = [];
  const label = (ms: TrainedModel[]) => ms[0].architecture;
  for (let k = 0; k + 1 < sizeSeries.length; k++) {
    const [narrow, wide] = [sizeSeries[k], sizeSeries[k + 1]];
    for (const g of groups) {
      const a = wide.map((m) => byName.get(m.name)!.lee[g].probs);
      const b = narrow.map((m) => byName.get(m.name)!.lee[g].probs);
      const names = { a: label(wide), b: label(narrow) };
      size.push(
        compareSamples(
          averageOver(a),
          averageOver(b),
          { ...names, what: `${g} LEE, wider vs narrower, over images (seed-averaged)` },
          { paired: true, seed: spec.seed },
        ),
      );
      if (wide.length >= 2 && narrow.length >= 2)
        sizeBySeed.push(
          compareSamples(
            perSeedMeans(a),
            perSeedMeans(b),
            { ...names, what: `${g} LEE, wider vs narrower, over training seeds` },
            { seed: spec.seed },
          ),
        );
    }
  }
  sentences.push(...sizeBySeed.map((c) => c.sentence), ...size.map((c) => c.sentence));
  const spatial = groups.filter((g) => g !== 'hue');
  if (size.length) {
    const seeds = Math.min(...sizeSeries.map((w) => w.length));
    // A training claim needs the seed-level and the image-level verdicts to agree (3 seeds undercover).
    const agreed = size.map((c, k) =>
      seeds >= 2 && sizeBySeed[k].verdict === c.verdict ? c.verdict : 'no difference shown',
    );
    const lower = agreed.filter((v) => v === 'lower').length;
    const higher = agreed.filter((v) => v === 'higher').length;
    const accOf = (w: TrainedModel[]) => mean(w.map((m) => mean(byName.get(m.name)!.correct)));
    paper.push({
      claim: 'larger models are more equivariant (Fig. 1 / §5)',
      status: lower > 0 && higher === 0 ? 'supported' : higher > 0 && lower === 0 ? 'contradicted' : 'not supported',
      why: `${seeds >= 2 ? `${seeds}+ seeds per width; ` : 'one seed per width, so no claim about training; '}of ${size.length} wider-vs-narrower comparisons where seeds and images agree, ${lower} lower, ${higher} higher, ${size.length - lower - higher} not shown; mean accuracy on these images ${sizeSeries.map((w) => `${label(w)} ${(100 * accOf(w)).toFixed(1)}%`).join(', ')} — ${sizeSeries.every((w, k) => k === 0 || accOf(w) > accOf(sizeSeries[k - 1])) ? 'width and accuracy rise together here, so this does not separate size from accuracy' : 'accuracy does not rise with width here'}; 3-epoch models of one small CNN at ¼–1 width, not the paper's ImageNet-scale models`,
    });
  }
  const fams = [...new Set(zoo.map((v) => entry.get(v.model)!.family))];
  const families = fams
    .map((family) => {
      const vs = zoo.filter((v) => entry.get(v.model)!.family === family);
      // per image: mean over the family's models and the spatial groups of LEE / border speed
      const perImage = averageOver(
        vs.flatMap((v) => spatial.map((g) => v.lee[g].probs.map((x) => x / borderSpeed(g, MNIST_SIDE, MNIST_SIDE)))),
      );
      return { family, models: vs.length, perBorderPx: summarizeSample(perImage, { seed: spec.seed }), perImage };
    })
    .sort((a, b) => a.perBorderPx.mean.estimate - b.perBorderPx.mean.estimate);
  // Every pair of families, named in a fixed (alphabetical) order so a rerun compares the same pairs.
  const familyPairs: Comparison[] = [];
  const byFamily = [...families].sort((a, b) => a.family.localeCompare(b.family));
  for (let i = 0; i < byFamily.length; i++) {
    for (let j = i + 1; j < byFamily.length; j++) {
      const [a, b] = [byFamily[i], byFamily[j]];
      familyPairs.push(
        compareSamples(
          a.perImage,
          b.perImage,
          { a: a.family, b: b.family, what: 'LEE per px of border displacement (family mean over spatial groups)' },
          { paired: true, seed: spec.seed },
        ),
      );
    }
  }
  sentences.push(...familyPairs.map((c) => c.sentence));
  return { values, trends, extremes, size, sizeBySeed, families, familyPairs, sentences, paper };
}
