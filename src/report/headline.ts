/**
 * The headline results of the paper, reproduced on the bundled models and data (what `npm start`
 * computes): LEE per group per model, LEE vs test accuracy with a fit and R², layer-wise
 * contributions for a CNN, a BlurPool CNN and a ViT, and the Coloured MNIST hue result.
 * Computation only (library calls); headlineReport.ts turns the result into sections and CSVs.
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../data/loadDataset';
import { InputError } from '../errors';
import { linearFit } from '../figures/fit';
import { getGroup } from '../groups';
import { lee } from '../lie/lee';
import { meanCI } from '../stats/bootstrap';
import { layerwise, type LayerwiseRow } from '../lie/layerwise';
import { listTrainedModels, loadTrainedModel, trainedModelsDir, type TrainedModel } from '../models/trainedModels';

/** The product card's four groups (README): what the report measures by default. */
export const HEADLINE_GROUPS = ['translate-x', 'rotate', 'shear-x', 'hue'];
export const DEFAULT_HEADLINE_IMAGES = 128;
export const DEFAULT_LAYERWISE_IMAGES = 16;
/** Layer-wise decomposition group: translation, the symmetry BlurPool is designed to protect. */
export const DEFAULT_LAYERWISE_GROUP = 'translate-x';
/** The headline measure (DESIGN §1): the paper's default output and reduction. */
export const HEADLINE_OUTPUT = 'probs';
export const HEADLINE_REDUCTION = 'mean-abs';

/** One image of one model under one group (compatible with src/figures LeeRow). */
export interface ModelLeeRow {
  model: string;
  family: string;
  dataset: string;
  /** Test accuracy from the manifest, fraction in [0, 1]. */
  accuracy: number;
  image: number;
  label?: number;
  group: string;
  output: string;
  reduction: string;
  lee: number;
  /** The same image under mean-sq (mean over outputs of (L f)², the paper's Eq. 4), when the rows carry it. */
  meanSq?: number;
}

/** Mean LEE of one model under one group. */
export interface ModelGroupSummary {
  model: string;
  family: string;
  dataset: string;
  accuracy: number;
  group: string;
  meanLee: number;
  /** Standard error of the mean over images. */
  seLee: number;
  /** Percentile-bootstrap 95% CI of the mean over images (src/stats/bootstrap.ts; equal to meanLee for one image). */
  ciLo: number;
  ciHi: number;
  images: number;
  output: string;
  reduction: string;
  /** Mean over images of the mean-sq LEE (Eq. 4) and its bootstrap 95% CI; NaN when the rows carry no meanSq. */
  meanSqLee?: number;
  meanSqCiLo?: number;
  meanSqCiHi?: number;
}

/** log10(mean LEE) = intercept + slope · accuracy(%) across models of one dataset, one group. */
export interface AccuracyFit {
  group: string;
  dataset: string;
  models: number;
  slope: number;
  intercept: number;
  r2: number;
}

/** Which models the layer-wise comparison uses, by role; the first trained match wins. */
export const LAYERWISE_ROLES: Array<{ role: string; match: (m: TrainedModel) => boolean }> = [
  { role: 'CNN', match: (m) => m.architecture === 'cnn-relu' && m.dataset === 'mnist' && m.augmentation.length === 0 },
  { role: 'BlurPool CNN', match: (m) => m.architecture === 'cnn-blurpool' },
  { role: 'ViT', match: (m) => m.architecture === 'vit-tiny' },
];

export interface HeadlineProgress {
  stage: 'lee' | 'layerwise';
  model: string;
  /** Models finished in this stage, of `total`. */
  done: number;
  total: number;
}

export interface HeadlineOptions {
  /** Folder with manifest.json (default datasets/models, or $LIEDERIV_MODELS). */
  modelsDir?: string;
  /** Only these manifest names (default: every trained model). */
  models?: string[];
  /** Test images per model (default 128). */
  images?: number;
  groups?: string[];
  layerwiseImages?: number;
  layerwiseGroup?: string;
  /** Seed of the test-image subset (default 0: every model sees the same digits). */
  seed?: number;
  onProgress?: (p: HeadlineProgress) => void;
}

export interface HeadlineResult {
  models: TrainedModel[];
  lee: ModelLeeRow[];
  summary: ModelGroupSummary[];
  fits: AccuracyFit[];
  layerwise: LayerwiseRow[];
  /** Role → model name of the layer-wise comparison (roles without a trained model are absent). */
  layerwiseModels: Array<{ role: string; model: string; telescopingError: number }>;
  meta: {
    backend: string;
    images: number;
    groups: string[];
    layerwiseImages: number;
    layerwiseGroup: string;
    output: string;
    reduction: string;
    seconds: number;
    modelsDir: string;
  };
}

/**
 * LEE of each model on `images` test images of its own dataset, per group. Models are loaded and
 * disposed one at a time.
 *
 * Convention: images are the dataset's test split, RGB in [0, 1], the same seeded subset for every
 * model of a dataset; output probs, reduction mean-abs (DESIGN §1). Leaves no tensors behind.
 */
export async function leeAcrossModels(
  models: TrainedModel[],
  {
    images = DEFAULT_HEADLINE_IMAGES,
    groups = HEADLINE_GROUPS,
    seed = 0,
    onProgress,
  }: Pick<HeadlineOptions, 'images' | 'groups' | 'seed' | 'onProgress'> = {},
): Promise<ModelLeeRow[]> {
  groups.forEach((g) => getGroup(g));
  const rows: ModelLeeRow[] = [];
  for (let k = 0; k < models.length; k++) {
    const m = models[k];
    const data = loadDataset(m.dataset, { split: 'test', limit: images, seed });
    const model = await loadTrainedModel(m);
    try {
      const leeRows = await lee(model, data, { groups, output: HEADLINE_OUTPUT, reduction: HEADLINE_REDUCTION });
      for (const r of leeRows) {
        rows.push({
          model: m.name,
          family: m.family,
          dataset: m.dataset,
          accuracy: m.testAccuracy,
          image: r.image,
          label: r.label,
          group: r.group,
          output: r.output,
          reduction: r.reduction,
          lee: r.lee,
          meanSq: r['mean-sq'],
        });
      }
    } finally {
      data.images.dispose();
      model.net.dispose();
    }
    onProgress?.({ stage: 'lee', model: m.name, done: k + 1, total: models.length });
  }
  return rows;
}

/** Mean, standard error and bootstrap 95% CI of the mean per (model, group), in the rows' order. */
export function summarizeLee(rows: ModelLeeRow[]): ModelGroupSummary[] {
  const byKey = new Map<string, ModelLeeRow[]>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.group}`;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(r);
  }
  return [...byKey.values()].map((rs) => {
    const n = rs.length;
    const mean = rs.reduce((a, r) => a + r.lee, 0) / n;
    const variance = n > 1 ? rs.reduce((a, r) => a + (r.lee - mean) ** 2, 0) / (n - 1) : 0;
    const { model, family, dataset, accuracy, group, output, reduction } = rs[0];
    const ci = n > 1 ? meanCI(rs.map((r) => r.lee)) : { lo: mean, hi: mean };
    // Eq. 4's reduction beside the headline one (DESIGN §1): its own mean and CI over the same images.
    const sq = rs.every((r) => Number.isFinite(r.meanSq)) ? rs.map((r) => r.meanSq as number) : undefined;
    const sqMean = sq ? sq.reduce((a, b) => a + b, 0) / n : NaN;
    const sqCi = sq && n > 1 ? meanCI(sq) : { lo: sqMean, hi: sqMean };
    return {
      model,
      family,
      dataset,
      accuracy,
      group,
      meanLee: mean,
      seLee: Math.sqrt(variance / n),
      ciLo: ci.lo,
      ciHi: ci.hi,
      images: n,
      output,
      reduction,
      meanSqLee: sqMean,
      meanSqCiLo: sqCi.lo,
      meanSqCiHi: sqCi.hi,
    };
  });
}

/**
 * Per (dataset, group) with at least three models, distinct accuracies and positive LEE: the
 * least-squares line of log10(mean LEE) against test accuracy in %, as the paper's Figure 1
 * (right) and src/figures/leeVsAccuracy draw it. Models are compared only on a shared test set.
 */
export function accuracyFits(
  summary: ModelGroupSummary[],
  { minModels = 3 }: { minModels?: number } = {},
): AccuracyFit[] {
  const fits: AccuracyFit[] = [];
  const keys = [...new Set(summary.map((s) => `${s.dataset}\u0000${s.group}`))];
  for (const key of keys) {
    const [dataset, group] = key.split('\u0000');
    const ss = summary.filter((s) => s.dataset === dataset && s.group === group && s.meanLee > 0);
    if (ss.length < minModels || new Set(ss.map((s) => s.accuracy)).size < 2) continue;
    const fit = linearFit(
      ss.map((s) => 100 * s.accuracy),
      ss.map((s) => Math.log10(s.meanLee)),
    );
    fits.push({ group, dataset, models: ss.length, ...fit });
  }
  return fits;
}

/**
 * Layer-wise contributions (DESIGN §5) for the CNN / BlurPool CNN / ViT roles that have a trained
 * model, on `images` test images. Rows carry the model's name.
 */
export async function layerwiseAcrossRoles(
  models: TrainedModel[],
  {
    images = DEFAULT_LAYERWISE_IMAGES,
    group = DEFAULT_LAYERWISE_GROUP,
    seed = 0,
    onProgress,
  }: { images?: number; group?: string; seed?: number; onProgress?: HeadlineOptions['onProgress'] } = {},
): Promise<{ rows: LayerwiseRow[]; models: HeadlineResult['layerwiseModels'] }> {
  const picks = LAYERWISE_ROLES.map((r) => ({ role: r.role, m: models.find(r.match) })).filter((p) => p.m) as Array<{
    role: string;
    m: TrainedModel;
  }>;
  const rows: LayerwiseRow[] = [];
  const used: HeadlineResult['layerwiseModels'] = [];
  for (let k = 0; k < picks.length; k++) {
    const { role, m } = picks[k];
    const data = loadDataset(m.dataset, { split: 'test', limit: images, seed });
    const model = await loadTrainedModel(m);
    try {
      const res = await layerwise(model, data.images, group, { output: HEADLINE_OUTPUT });
      rows.push(...res.rows);
      used.push({ role, model: m.name, telescopingError: res.meta.telescopingError });
    } finally {
      data.images.dispose();
      model.net.dispose();
    }
    onProgress?.({ stage: 'layerwise', model: m.name, done: k + 1, total: picks.length });
  }
  return { rows, models: used };
}

/**
 * Everything `liederiv report` shows. Throws when no trained model is found (the message says how
 * to train them). Leaves no tensors behind.
 */
export async function computeHeadline(opts: HeadlineOptions = {}): Promise<HeadlineResult> {
  const started = Date.now();
  const modelsDir = opts.modelsDir ?? trainedModelsDir();
  let models = listTrainedModels(modelsDir);
  if (opts.models) {
    const missing = opts.models.filter((n) => !models.some((m) => m.name === n));
    if (missing.length)
      throw new InputError(
        `no trained model ${missing.map((n) => `'${n}'`).join(', ')} in ${modelsDir}; trained: ${models.map((m) => m.name).join(', ') || 'none'}`,
      );
    models = models.filter((m) => opts.models!.includes(m.name));
  }
  if (models.length === 0)
    throw new InputError(
      `no trained models in ${modelsDir} (manifest.json lists none with a model.json); train them with scripts/trainZoo.sh`,
    );
  const images = opts.images ?? DEFAULT_HEADLINE_IMAGES;
  const groups = opts.groups ?? HEADLINE_GROUPS;
  const layerwiseImages = opts.layerwiseImages ?? DEFAULT_LAYERWISE_IMAGES;
  const layerwiseGroup = opts.layerwiseGroup ?? DEFAULT_LAYERWISE_GROUP;
  const leeRows = await leeAcrossModels(models, { images, groups, seed: opts.seed, onProgress: opts.onProgress });
  const summary = summarizeLee(leeRows);
  const lw = await layerwiseAcrossRoles(models, {
    images: layerwiseImages,
    group: layerwiseGroup,
    seed: opts.seed,
    onProgress: opts.onProgress,
  });
  return {
    models,
    lee: leeRows,
    summary,
    fits: accuracyFits(summary),
    layerwise: lw.rows,
    layerwiseModels: lw.models,
    meta: {
      backend: tf.getBackend(),
      images,
      groups,
      layerwiseImages,
      layerwiseGroup,
      output: HEADLINE_OUTPUT,
      reduction: HEADLINE_REDUCTION,
      seconds: (Date.now() - started) / 1000,
      modelsDir,
    },
  };
}
