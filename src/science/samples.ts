/**
 * Per-image measurements behind the notebooks' claims: the LEE of every image of a seeded test
 * sample (one value per image, per group and output), and whether the model classified it right,
 * so src/science/claims.ts can put bootstrap intervals over images on every comparison.
 *
 * Convention: the sample is `loadDataset(dataset, {split: 'test', limit, seed})` — the same images,
 * in the same order, for every model of a dataset with the same (limit, seed), so comparisons
 * between models are paired. `limit` ≥ the split's size means the whole split. Models are loaded and
 * disposed one at a time; no tensors are left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../data/loadDataset';
import type { ImageDataset } from '../data/dataset';
import { lee } from '../lie/lee';
import type { OutputMode } from '../lie/lieDerivative';
import { modelOutput } from '../lie/metrics/modelOutput';
import type { ModelWrapper } from '../models/model';
import { loadTrainedModel, type TrainedModel } from '../models/trainedModels';

export interface SampleSpec {
  /** Images drawn from the test split (default 2000, the whole bundled MNIST test split). */
  images?: number;
  /** Seed of the image sample (default 0). */
  seed?: number;
}

/** One model's per-image values on a sample: lee[group][output] and correct (1/0). */
export interface PerImage {
  model: string;
  dataset: string;
  lee: Record<string, Record<string, number[]>>;
  correct: number[];
}

export function testSample(dataset: string, { images = 2000, seed = 0 }: SampleSpec = {}): ImageDataset {
  return loadDataset(dataset, { split: 'test', limit: images, seed });
}

/** 1 where argmax f(x) is the label, per image, in batches of 256. */
export async function correctness(
  model: ModelWrapper,
  data: { images: tf.Tensor4D; labels: number[] },
): Promise<number[]> {
  const N = data.images.shape[0];
  const out: number[] = [];
  for (let s = 0; s < N; s += 256) {
    const n = Math.min(256, N - s);
    const pred = tf.tidy(() =>
      tf.argMax(modelOutput(model, tf.slice(data.images, [s, 0, 0, 0], [n, -1, -1, -1]), 'logits'), 1),
    );
    const p = await pred.data();
    pred.dispose();
    for (let i = 0; i < n; i++) out.push(p[i] === data.labels[s + i] ? 1 : 0);
  }
  return out;
}

/** Per-image LEE (mean-abs, central differences) of one loaded model, per group and output. */
export async function perImageLee(
  model: ModelWrapper,
  data: { images: tf.Tensor4D; labels?: number[] },
  groups: string[],
  outputs: OutputMode[] = ['probs'],
): Promise<Record<string, Record<string, number[]>>> {
  const res: Record<string, Record<string, number[]>> = Object.fromEntries(groups.map((g) => [g, {}]));
  for (const output of outputs) {
    const rows = await lee(model, data, { groups, output, reduction: 'mean-abs' });
    for (const g of groups) res[g][output] = rows.filter((r) => r.group === g).map((r) => r.lee);
  }
  return res;
}

/**
 * perImageLee and correctness for each trained model on its dataset's test sample (one sample per
 * dataset, shared by its models). `onModel` is called after each model.
 */
export async function measureModels(
  models: TrainedModel[],
  groups: string[],
  outputs: OutputMode[],
  spec: SampleSpec = {},
  onModel?: (done: number, total: number) => void,
): Promise<PerImage[]> {
  const samples = new Map<string, ImageDataset>();
  const result: PerImage[] = [];
  try {
    for (let k = 0; k < models.length; k++) {
      const m = models[k];
      if (!samples.has(m.dataset)) samples.set(m.dataset, testSample(m.dataset, spec));
      const data = samples.get(m.dataset)!;
      const model = await loadTrainedModel(m);
      try {
        result.push({
          model: m.name,
          dataset: m.dataset,
          lee: await perImageLee(model, data, groups, outputs),
          correct: await correctness(model, data),
        });
      } finally {
        model.net.dispose();
      }
      onModel?.(k + 1, models.length);
    }
  } finally {
    for (const d of samples.values()) d.images.dispose();
  }
  return result;
}
