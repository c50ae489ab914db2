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
import { accuracyTrend, averageOver, compareSamples, perSeedMeans, summarizeSample, type AccuracyTrend, type Comparison, type SampleSummary } from './claims';
import { measureModels, perImageLee, testSample, type PerImage, type SampleSpec } from './samples';
import { borderSpeed, perBorderPixel } from './scales';
import { mean } from '../stats/bootstrap';

const MNIST_SIDE = 28;

/** Which paper claim a finding bears on, and how. */
export interface PaperClaim {
  claim: string;
  status: 'supported' | 'not supported' | 'contradicted';
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
  values: Record<string, number[]>;
  sentences: string[];
}

/** One model, its own test set, the given groups; spatial groups also on the common scale. */
export async function quickstartFindings(entry: TrainedModel, groups: string[], spec: SampleSpec = {}): Promise<QuickstartFindings> {
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
    perBorderPx: spatial.includes(g) ? summarizeSample(perBorderPixel(values[g], g, MNIST_SIDE, MNIST_SIDE), { seed: spec.seed }) : undefined,
  }));
  const ranked = out.filter((o) => o.perBorderPx).sort((a, b) => b.perBorderPx!.mean.estimate - a.perBorderPx!.mean.estimate);
  const sentences: string[] = [];
  let top: Comparison | undefined;
  if (ranked.length >= 2) {
    const [a, b] = ranked;
    top = compareSamples(perBorderPixel(values[a.group], a.group, MNIST_SIDE, MNIST_SIDE), perBorderPixel(values[b.group], b.group, MNIST_SIDE, MNIST_SIDE), { a: a.group, b: b.group, what: `${entry.name}, LEE per px of border displacement` }, { paired: true, seed: spec.seed });
    sentences.push(top.verdict === 'higher' ? `Per pixel of border displacement, ${entry.name} is least equivariant under ${a.group}. ${top.sentence}` : `Per pixel of border displacement, the two least-equivariant spatial groups cannot be told apart. ${top.sentence}`);
  }
  for (const o of out) {
    const skew = o.raw.maxOverMean;
    sentences.push(`${o.group}: mean ${o.raw.mean.estimate.toExponential(2)} [${o.raw.mean.lo.toExponential(2)}, ${o.raw.mean.hi.toExponential(2)}], median ${o.raw.median.estimate.toExponential(2)}; ` +
      (o.raw.mean.estimate === 0 ? 'exactly 0 on every image.' : `the median is ${(o.raw.mean.estimate / Math.max(o.raw.median.estimate, 1e-30)).toFixed(1)}× below the mean and the largest image is ${skew.toFixed(0)}× the mean${skew > 10 ? ' — a few images carry the mean' : ''}.`));
  }
  return { groups: out, top, values, sentences };
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
export async function architectureFindings(cnn: TrainedModel, others: Array<{ role: string; model: TrainedModel }>, spec: SampleSpec = {}, group = 'translate-x'): Promise<PairFindings> {
  const outputs: OutputMode[] = ['probs', 'logits'];
  const values = await measureModels([cnn, ...others.map((o) => o.model)], [group], outputs, spec);
  const base = values[0];
  const comparisons: Comparison[] = [];
  const paper: PaperClaim[] = [];
  const sentences: string[] = [];
  others.forEach((o, k) => {
    const v = values[k + 1];
    for (const out of outputs) {
      comparisons.push(compareSamples(v.lee[group][out], base.lee[group][out], { a: o.model.name, b: cnn.name, what: `${group} LEE on ${out}` }, { paired: true, seed: spec.seed }));
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
      if (o.role === 'BlurPool CNN') paper.push({ claim: `anti-aliasing (BlurPool) lowers the translation LEE (§5), on ${out}`, status: paperStatus(c.verdict, 'lower'), why: r });
      else paper.push({ claim: `after training, transformers can be as equivariant as CNNs or more (§6), on ${out}`, status: c.verdict === 'higher' ? 'contradicted' : c.verdict === 'lower' ? 'supported' : 'not supported', why: `${r}${c.verdict === 'no difference shown' ? ' — consistent with "as equivariant", but not shown to be' : ''}; ${acc}${out === 'probs' ? ' (a less confident model\'s probabilities move more for the same logit change)' : ''}` });
    }
  }
  return { comparisons, values, sentences, paper };
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
export async function augmentationFindings(plain: TrainedModel[], augmented: TrainedModel[], groups: string[], spec: SampleSpec = {}): Promise<AugmentationFindings> {
  if (plain.length < 2 || augmented.length < 2) throw new InputError(`augmentationFindings: needs ≥ 2 seeds per arm, got ${plain.length} plain and ${augmented.length} augmented`);
  const vp = await measureModels(plain, groups, ['probs'], spec);
  const va = await measureModels(augmented, groups, ['probs'], spec);
  const bySeed: Comparison[] = [];
  const byImage: Comparison[] = [];
  const sentences: string[] = [];
  for (const g of groups) {
    const a = va.map((v) => v.lee[g].probs);
    const p = vp.map((v) => v.lee[g].probs);
    const s = compareSamples(perSeedMeans(a), perSeedMeans(p), { a: 'augmented', b: 'plain', what: `${g} LEE over training seeds` }, { seed: spec.seed });
    const i = compareSamples(averageOver(a), averageOver(p), { a: 'augmented', b: 'plain', what: `${g} LEE over images (seed-averaged)` }, { paired: true, seed: spec.seed });
    bySeed.push(s);
    byImage.push(i);
    sentences.push(s.sentence, `  (over images: ${i.verdict}, ratio ${i.ratio.estimate.toFixed(2)}× [${i.ratio.lo.toFixed(2)}, ${i.ratio.hi.toFixed(2)}])`);
  }
  const accP = vp.map((v) => mean(v.correct));
  const accA = va.map((v) => mean(v.correct));
  const accC = compareSamples(accA, accP, { a: 'augmented', b: 'plain', what: 'test accuracy over seeds' }, { seed: spec.seed });
  sentences.push(accC.sentence);
  const trained = groups.filter((g) => augmented[0].augmentation.some((a) => g.startsWith(a)));
  const paper: PaperClaim[] = trained.map((g) => {
    const s = bySeed.find((c) => c.what.startsWith(g))!;
    const i = byImage.find((c) => c.what.startsWith(g))!;
    // A training claim needs the seed-level and the image-level interval to agree (3 seeds undercover).
    const v = s.verdict === i.verdict ? s.verdict : 'no difference shown';
    return { claim: `augmenting with a group lowers that group's LEE (§6, data augmentation), ${g}`, status: paperStatus(v, 'lower'), why: `over ${plain.length}+${augmented.length} seeds ${s.verdict} (ratio ${s.ratio.estimate.toFixed(2)}× [${s.ratio.lo.toFixed(2)}, ${s.ratio.hi.toFixed(2)}]), over images ${i.verdict}` };
  });
  return { bySeed, byImage, accuracy: { plain: accP, augmented: accA, comparison: accC }, sentences, paper };
}

export interface EpochFindings {
  first: number;
  last: number;
  comparisons: Comparison[];
  sentences: string[];
}

/** First vs last checkpoint of a run, per group and output, on the same images (paired). */
export async function epochFindings(run: TrainedModel, groups: string[], spec: SampleSpec = {}): Promise<EpochFindings> {
  const cps = epochCheckpoints(run);
  if (cps.length < 2) throw new InputError(`epochFindings: ${run.name} has ${cps.length} checkpoints; train it with --checkpoints`);
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
    for (const out of ['probs', 'logits']) comparisons.push(compareSamples(per[1][g][out], per[0][g][out], { a: `epoch ${ends[1].epoch}`, b: `epoch ${ends[0].epoch}`, what: `${g} LEE on ${out}` }, { paired: true, seed: spec.seed }));
  }
  return { first: ends[0].epoch, last: ends[1].epoch, comparisons, sentences: comparisons.map((c) => c.sentence) };
}

// ---------------------------------------------------------------- notebook 03

export interface ZooFindings {
  values: PerImage[];
  trends: AccuracyTrend[];
  /** Most vs least equivariant MNIST model per group (paired). */
  extremes: Comparison[];
  /** Each width vs the next wider one (paired), then the slope over log2 width. */
  size: Comparison[];
  /** Per family: mean over spatial groups of the LEE per px of border displacement. */
  families: Array<{ family: string; models: number; perBorderPx: SampleSummary; perImage: number[] }>;
  sentences: string[];
  paper: PaperClaim[];
}

/**
 * Every given model on one shared MNIST sample: LEE vs accuracy within the CNN family and across all
 * families (both with image-bootstrap intervals), extremes per group, the width series, and family
 * means on the common scale. `sizeSeries` lists models of one architecture from narrowest to widest.
 */
export async function zooFindings(models: TrainedModel[], groups: string[], sizeSeries: TrainedModel[], spec: SampleSpec = {}, onModel?: (done: number, total: number) => void): Promise<ZooFindings> {
  const all = [...models, ...sizeSeries.filter((s) => !models.some((m) => m.name === s.name))].filter((m) => m.dataset === 'mnist');
  const values = await measureModels(all, groups, ['probs'], spec, onModel);
  const byName = new Map(values.map((v) => [v.model, v]));
  const entry = new Map(all.map((m) => [m.name, m]));
  const zoo = models.filter((m) => m.dataset === 'mnist').map((m) => byName.get(m.name)!);
  const sentences: string[] = [];
  const trends: AccuracyTrend[] = [];
  const paper: PaperClaim[] = [];
  for (const g of groups) {
    const s = (vs: PerImage[]) => vs.map((v) => ({ model: v.model, lee: v.lee[g].probs.map((x) => Math.max(x, 1e-30)), correct: v.correct }));
    const cnns = zoo.filter((v) => entry.get(v.model)!.architecture.startsWith('cnn'));
    if (cnns.length >= 3) trends.push(accuracyTrend(s(cnns), `${g}, within the CNNs`, { seed: spec.seed }));
    if (zoo.length >= 3) trends.push(accuracyTrend(s(zoo), `${g}, across all MNIST families`, { seed: spec.seed }));
  }
  sentences.push(...trends.map((t) => t.sentence));
  for (const t of trends) paper.push({ claim: 'more accurate models are more equivariant (Fig. 1 right)', status: paperStatus(t.verdict, 'more accurate models are more equivariant'), why: t.sentence });
  const extremes: Comparison[] = [];
  for (const g of groups) {
    const ranked = [...zoo].sort((a, b) => mean(a.lee[g].probs) - mean(b.lee[g].probs));
    if (ranked.length < 2) continue;
    const c = compareSamples(ranked[ranked.length - 1].lee[g].probs, ranked[0].lee[g].probs, { a: ranked[ranked.length - 1].model, b: ranked[0].model, what: `${g} LEE, least vs most equivariant` }, { paired: true, seed: spec.seed });
    extremes.push(c);
    sentences.push(c.sentence);
  }
  const size: Comparison[] = [];
  for (let k = 0; k + 1 < sizeSeries.length; k++) {
    for (const g of groups) {
      const a = byName.get(sizeSeries[k + 1].name)!;
      const b = byName.get(sizeSeries[k].name)!;
      size.push(compareSamples(a.lee[g].probs, b.lee[g].probs, { a: sizeSeries[k + 1].name, b: sizeSeries[k].name, what: `${g} LEE, wider vs narrower` }, { paired: true, seed: spec.seed }));
    }
  }
  sentences.push(...size.map((c) => c.sentence));
  const spatial = groups.filter((g) => g !== 'hue');
  if (size.length) {
    const lower = size.filter((c) => c.verdict === 'lower').length;
    const higher = size.filter((c) => c.verdict === 'higher').length;
    paper.push({ claim: 'larger models are more equivariant (Fig. 1 / §5)', status: lower > 0 && higher === 0 ? 'supported' : higher > 0 && lower === 0 ? 'contradicted' : 'not supported', why: `of ${size.length} wider-vs-narrower comparisons, ${lower} lower, ${higher} higher, ${size.length - lower - higher} not shown; accuracy on these images ${sizeSeries.map((m) => `${m.name} ${(100 * mean(byName.get(m.name)!.correct)).toFixed(1)}%`).join(', ')} — width and accuracy rise together here, so this does not separate size from accuracy` });
  }
  const fams = [...new Set(zoo.map((v) => entry.get(v.model)!.family))];
  const families = fams.map((family) => {
    const vs = zoo.filter((v) => entry.get(v.model)!.family === family);
    // per image: mean over the family's models and the spatial groups of LEE / border speed
    const perImage = averageOver(vs.flatMap((v) => spatial.map((g) => v.lee[g].probs.map((x) => x / borderSpeed(g, MNIST_SIDE, MNIST_SIDE)))));
    return { family, models: vs.length, perBorderPx: summarizeSample(perImage, { seed: spec.seed }), perImage };
  }).sort((a, b) => a.perBorderPx.mean.estimate - b.perBorderPx.mean.estimate);
  for (let k = 0; k + 1 < families.length; k++) {
    const [lo, hi] = [families[k], families[k + 1]];
    const c = compareSamples(hi.perImage, lo.perImage, { a: hi.family, b: lo.family, what: 'LEE per px of border displacement (family mean over spatial groups)' }, { paired: true, seed: spec.seed });
    sentences.push(c.sentence);
  }
  return { values, trends, extremes, size, families, sentences, paper };
}
