import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { assertPositiveInt } from '../checks';
import { checkName, InputError } from '../errors';
import { loadDataset } from '../data/loadDataset';
import { mulberry32, permutation } from '../data/rng';
import { type Augmentation, augmentBatch } from './augment';
import { saveModel } from './load';
import { IDENTITY_PREPROCESS } from './model';
import { ensureWasmConv2dBackpropFilter } from './wasmConv2dBackpropFilter';
import { buildZooModel, ZOO } from './zoo';

export interface EpochLog {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy?: number;
  seconds: number;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
}

/** How the Adam learning rate moves over training: fixed, or cosine-annealed to 0 by the last step. */
export type LearningRateSchedule = 'constant' | 'cosine';
export const LEARNING_RATE_SCHEDULES: readonly LearningRateSchedule[] = ['constant', 'cosine'];

/**
 * Learning rate at `step` of `totalSteps` (0-based). Cosine annealing (Loshchilov & Hutter 2017)
 * lets the last epochs settle into a minimum instead of bouncing around it at the full rate; with a
 * constant rate the test accuracy of our small CNNs swings by ±0.5% between late epochs.
 */
export function scheduledLearningRate(
  base: number,
  schedule: LearningRateSchedule,
  step: number,
  totalSteps: number,
): number {
  if (schedule === 'constant') return base;
  return 0.5 * base * (1 + Math.cos((Math.PI * step) / totalSteps));
}

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  /** Adam learning rate (the starting rate with a schedule). */
  learningRate?: number;
  /** Default 'constant'. */
  learningRateSchedule?: LearningRateSchedule;
  /** Seed of the shuffles and augmentation draws (weights are seeded by the model's builder). */
  seed?: number;
  augment?: readonly Augmentation[];
  maxShiftPx?: number;
  maxAngleDeg?: number;
  /** Evaluated after every epoch (top-1 accuracy). */
  test?: { images: tf.Tensor4D; labels: number[] };
  /** After each epoch, e.g. to save a checkpoint; awaited. */
  onEpoch?: (log: EpochLog, model: tf.LayersModel) => void | Promise<void>;
  onProgress?: (p: TrainProgress) => void;
}

/**
 * tfjs differentiates tf.tile with one slice and one add per repeat, and tfjs-layers'
 * LayerNormalization tiles its statistics to the batch, so a ViT step ran ~30 000 tiny kernels.
 * During training this replaces the Tile gradient with the same sum done by one reshape + sum
 * (out[r·d + j] = x[j] ⇒ dx = Σ_r dy.reshape([r, d])), and restores tfjs's own afterwards.
 */
async function withFastTileGradient<T>(fn: () => Promise<T>): Promise<T> {
  const original = tf.getGradient('Tile');
  tf.registerGradient({
    kernelName: 'Tile',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const reps = (attrs as { reps: number[] }).reps;
      const split = x.shape.flatMap((d, i) => [reps[i], d]);
      return {
        x: () =>
          tf
            .sum(
              (dy as tf.Tensor).reshape(split),
              reps.map((_, i) => 2 * i),
            )
            .reshape(x.shape),
      };
    },
  });
  try {
    return await fn();
  } finally {
    if (original) tf.registerGradient(original);
  }
}

/**
 * tfjs's Dropout draws its mask with the layer's `seed`: unseeded (Math.random) is not reproducible,
 * and a fixed seed draws the same mask at every step. So each step gets a fresh seed from the
 * training's own generator; the layers' configured seeds are restored afterwards.
 */
function seededDropout(model: tf.LayersModel, rand: () => number) {
  const layers = model.layers.filter((l) => l.getClassName() === 'Dropout') as { seed?: number }[];
  const original = layers.map((l) => l.seed);
  return {
    // ≥ 1: tfjs treats some seeds of 0 as "none"
    next: () => layers.forEach((l) => (l.seed = 1 + Math.floor(rand() * 0x7ffffffe))),
    restore: () => layers.forEach((l, i) => (l.seed = original[i])),
  };
}

/** Top-1 accuracy of `model` (its output's argmax) on labelled images, in batches. */
export async function evaluateAccuracy(
  model: tf.LayersModel,
  images: tf.Tensor4D,
  labels: number[],
  batchSize = 256,
): Promise<number> {
  let correct = 0;
  for (let start = 0; start < labels.length; start += batchSize) {
    const size = Math.min(batchSize, labels.length - start);
    const pred = tf.tidy(() => (model.predict(images.slice(start, size)) as tf.Tensor).argMax(-1));
    const p = (await pred.data()) as Int32Array;
    pred.dispose();
    for (let i = 0; i < size; i++) if (p[i] === labels[start + i]) correct++;
  }
  return correct / labels.length;
}

/**
 * Trains a classifier whose output is class probabilities (categorical cross-entropy, Adam), with a
 * seeded shuffle and seeded augmentation, so the same (model seed, options) gives the same weights
 * on the same backend. Inference-mode layers (BatchNorm statistics) update as tfjs does in fit().
 *
 * Convention:
 *  - data.images: [N, H, W, 3] float32 RGB in [0, 1]; data.labels: N class indices < K (K = output size).
 *  - memory: leaves numTensors as it found it (the model's weights change in place).
 */
export async function trainModel(
  model: tf.LayersModel,
  data: { images: tf.Tensor4D; labels: number[] },
  opts: TrainOptions = {},
): Promise<EpochLog[]> {
  const {
    epochs = 5,
    batchSize = 32,
    learningRate = 1e-3,
    learningRateSchedule = 'constant',
    seed = 0,
    augment = [],
  } = opts;
  assertPositiveInt(epochs, 'epochs');
  checkName('learning-rate schedule', learningRateSchedule, LEARNING_RATE_SCHEDULES);
  assertPositiveInt(batchSize, 'batchSize');
  const n = data.labels.length;
  if (data.images.shape[0] !== n) throw new InputError(`trainModel: ${data.images.shape[0]} images but ${n} labels`);
  const numClasses = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
  const bad = data.labels.find((l) => !(Number.isInteger(l) && l >= 0 && l < numClasses));
  if (bad !== undefined) throw new InputError(`trainModel: label ${bad} is not a class index in [0, ${numClasses})`);
  if (tf.getBackend() === 'wasm') ensureWasmConv2dBackpropFilter();
  const optimizer = tf.train.adam(learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const rand = mulberry32(seed ^ 0x5eed);
  const dropoutSeeds = seededDropout(model, mulberry32(seed ^ 0xd20b));
  const logs: EpochLog[] = [];
  const batches = Math.ceil(n / batchSize);
  await withFastTileGradient(async () => {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = Date.now();
      const order = permutation(n, seed * 1000 + epoch);
      let lossSum = 0;
      let accSum = 0;
      for (let b = 0; b < batches; b++) {
        const idx = order.slice(b * batchSize, (b + 1) * batchSize);
        const idxT = tf.tensor1d(idx, 'int32');
        const x = tf.tidy(() => {
          const raw = tf.gather(data.images, idxT) as tf.Tensor4D;
          return augment.length
            ? augmentBatch(raw, rand, { augment, maxShiftPx: opts.maxShiftPx, maxAngleDeg: opts.maxAngleDeg })
            : raw;
        });
        const y = tf.tidy(() =>
          tf
            .oneHot(
              tf.tensor1d(
                idx.map((i) => data.labels[i]),
                'int32',
              ),
              numClasses,
            )
            .toFloat(),
        );
        dropoutSeeds.next();
        // Adam reads its (protected) rate at every step; tfjs has no scheduler to do this for us.
        (optimizer as unknown as { learningRate: number }).learningRate = scheduledLearningRate(
          learningRate,
          learningRateSchedule,
          (epoch - 1) * batches + b,
          epochs * batches,
        );
        const [loss, acc] = (await model.trainOnBatch(x, y)) as number[];
        tf.dispose([idxT, x, y]);
        lossSum += loss * idx.length;
        accSum += acc * idx.length;
        opts.onProgress?.({ epoch, epochs, batch: b + 1, batches, loss });
      }
      const log: EpochLog = {
        epoch,
        loss: lossSum / n,
        trainAccuracy: accSum / n,
        seconds: (Date.now() - started) / 1000,
      };
      if (opts.test) log.testAccuracy = await evaluateAccuracy(model, opts.test.images, opts.test.labels);
      logs.push(log);
      await opts.onEpoch?.(log, model);
    }
  }).finally(() => dropoutSeeds.restore());
  return logs;
}

/** One trained zoo model as recorded in datasets/models/manifest.json. */
export interface ManifestEntry {
  name: string;
  architecture: string;
  dataset: string;
  augmentation: Augmentation[];
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Absent in entries trained before schedules existed (they used 'constant'). */
  learningRateSchedule?: LearningRateSchedule;
  /** Absent when 0. */
  dropout?: number;
  trainCount: number;
  testCount: number;
  testAccuracy: number;
  trainSeconds: number;
  backend: string;
  tfjsVersion: string;
  command: string;
  weightBytes: number;
  history: EpochLog[];
  epochCheckpoints?: string[];
  /**
   * Set on models trained for one notebook study rather than the zoo ('augmentation-seeds',
   * 'model-size'): short runs with one recipe for every arm. listTrainedModels leaves them out
   * unless asked; test/models/trained.test.ts checks them like every other entry.
   */
  study?: string;
}

export interface TrainZooOptions {
  model: string;
  dataset: string;
  epochs?: number;
  augment?: Augmentation[];
  seed?: number;
  /** Output root; the model goes to <out>/<name>/ and its entry to <out>/manifest.json. */
  out: string;
  name?: string;
  batchSize?: number;
  learningRate?: number;
  learningRateSchedule?: LearningRateSchedule;
  /** Dropout rate of the cnn-* architectures (default 0: none). */
  dropout?: number;
  /** Also save every epoch under <out>/<name>/epochs/epoch-<n>/ (for LEE-vs-epoch studies). */
  checkpoints?: boolean;
  /** Labels the entry as trained for one notebook study (ManifestEntry.study); no effect on training. */
  study?: string;
  onProgress?: (p: TrainProgress) => void;
  onEpoch?: (log: EpochLog) => void;
}

/**
 * The `liederiv train` command line that rebuilds a model, as the manifest records it: options
 * at their defaults are left out, the rest in the CLI's usage order.
 */
export function trainCommandLine(o: Omit<TrainZooOptions, 'onProgress' | 'onEpoch'> & { backend: string }): string {
  const {
    epochs = 5,
    augment = [],
    seed = 0,
    batchSize = 32,
    learningRate = 1e-3,
    learningRateSchedule = 'constant',
    dropout = 0,
  } = o;
  return [
    `liederiv train --model ${o.model} --dataset ${o.dataset} --epochs ${epochs}`,
    augment.length ? `--augment ${augment.join(',')}` : '',
    `--seed ${seed} --out ${o.out}`,
    o.name !== undefined ? `--name ${o.name}` : '',
    batchSize !== 32 ? `--batch ${batchSize}` : '',
    learningRate !== 1e-3 ? `--lr ${learningRate}` : '',
    learningRateSchedule !== 'constant' ? `--lr-schedule ${learningRateSchedule}` : '',
    dropout > 0 ? `--dropout ${dropout}` : '',
    o.checkpoints ? '--checkpoints' : '',
    o.study ? `--study ${o.study}` : '',
    o.backend !== 'wasm' ? `--backend ${o.backend}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Default output name: <architecture>-<dataset>[-<augmentations>]. */
export function trainedModelName(model: string, dataset: string, augment: readonly Augmentation[] = []): string {
  return [model, dataset, ...augment].join('-');
}

/**
 * Builds a zoo architecture (seeded), trains it on a bundled dataset's train split, evaluates it on
 * the test split and saves it with its liederiv.json sidecar and a manifest entry. What
 * `liederiv train` runs; every number in the manifest comes from here.
 */
export async function trainZooModel(opts: TrainZooOptions): Promise<ManifestEntry> {
  const {
    model: arch,
    dataset,
    epochs = 5,
    augment = [],
    seed = 0,
    batchSize = 32,
    learningRate = 1e-3,
    learningRateSchedule = 'constant',
  } = opts;
  const name = opts.name ?? trainedModelName(arch, dataset, augment);
  const train = loadDataset(dataset, { split: 'train' });
  const test = loadDataset(dataset, { split: 'test' });
  const dir = path.join(opts.out, name);
  const meta = {
    name,
    inputSize: [train.images.shape[1], train.images.shape[2]] as [number, number],
    preprocess: IDENTITY_PREPROCESS,
    classNames: train.classNames,
  };
  try {
    const model = buildZooModel(arch, {
      seed,
      dropout: opts.dropout,
      inputShape: [train.images.shape[1], train.images.shape[2], 3],
      numClasses: train.classNames.length,
    });
    const checkpoints: string[] = [];
    const started = Date.now();
    const history = await trainModel(model, train, {
      epochs,
      batchSize,
      learningRate,
      learningRateSchedule,
      seed,
      augment,
      test,
      onProgress: opts.onProgress,
      onEpoch: async (log, m) => {
        opts.onEpoch?.(log);
        if (opts.checkpoints) {
          const rel = path.join('epochs', `epoch-${log.epoch}`);
          await saveModel(m, path.join(dir, rel), meta);
          checkpoints.push(rel);
        }
      },
    });
    // Training time excludes checkpoint writing (small) but includes per-epoch evaluation.
    const trainSeconds = (Date.now() - started) / 1000;
    await saveModel(model, dir, meta);
    const entry: ManifestEntry = {
      name,
      architecture: arch,
      dataset,
      augmentation: [...augment],
      seed,
      epochs,
      batchSize,
      learningRate,
      learningRateSchedule,
      ...(opts.dropout ? { dropout: opts.dropout } : {}),
      trainCount: train.labels.length,
      testCount: test.labels.length,
      testAccuracy: await evaluateAccuracy(model, test.images, test.labels),
      trainSeconds: Math.round(trainSeconds),
      backend: tf.getBackend(),
      tfjsVersion: tf.version.tfjs,
      command: trainCommandLine({
        ...opts,
        epochs,
        augment,
        seed,
        batchSize,
        learningRate,
        learningRateSchedule,
        backend: tf.getBackend(),
      }),
      weightBytes: fs.statSync(path.join(dir, 'weights.bin')).size,
      history,
      ...(checkpoints.length ? { epochCheckpoints: checkpoints } : {}),
      ...(opts.study ? { study: opts.study } : {}),
    };
    model.dispose();
    updateManifest(opts.out, entry);
    return entry;
  } finally {
    tf.dispose([train.images, test.images]);
  }
}

/** Reads <dir>/manifest.json ({models: ManifestEntry[]}), or an empty one. */
export function readManifest(dir: string): { models: ManifestEntry[] } {
  const file = path.join(dir, 'manifest.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { models: [] };
}

function updateManifest(dir: string, entry: ManifestEntry): void {
  const manifest = readManifest(dir);
  manifest.models = [...manifest.models.filter((m) => m.name !== entry.name), entry].sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

export { ZOO };
