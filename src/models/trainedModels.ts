/**
 * The trained zoo models under datasets/models/ (manifest.json, written by `liederiv train`), for
 * the report and the notebooks: they iterate over whatever the manifest lists, so they work as
 * more models land.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { datasetsDir } from '../data/paths';
import { FileFormatError, InputError } from '../errors';
import { loadModel } from './load';
import type { ModelWrapper } from './model';
import { readManifest, type ManifestEntry } from './train';

/** `LIEDERIV_MODELS` overrides the folder (tests point it at small models). */
export function trainedModelsDir(): string {
  return process.env.LIEDERIV_MODELS ? path.resolve(process.env.LIEDERIV_MODELS) : path.join(datasetsDir(), 'models');
}

/** Architecture family for colouring figures: 'CNN', 'MLP', 'ResNet', 'ViT', 'Mixer'. */
export function modelFamily(architecture: string): string {
  if (architecture.startsWith('cnn')) return 'CNN';
  if (architecture.startsWith('resnet')) return 'ResNet';
  if (architecture.startsWith('vit')) return 'ViT';
  if (architecture.startsWith('mixer')) return 'Mixer';
  if (architecture.startsWith('mlp')) return 'MLP';
  return architecture;
}

/** One manifest entry with the folder it lives in. */
export interface TrainedModel extends ManifestEntry {
  family: string;
  /** Absolute path of the model's folder (model.json, weights.bin, liederiv.json). */
  dir: string;
}

/**
 * Every model the manifest lists whose model.json is on disk, in manifest order (sorted by name).
 * An empty list when there is no manifest yet. Entries with a `study` (short runs trained for one
 * notebook's controlled comparison) are left out unless `studies` is true or names that study.
 */
export function listTrainedModels(
  dir: string = trainedModelsDir(),
  { studies = false }: { studies?: boolean | string } = {},
): TrainedModel[] {
  const file = path.join(dir, 'manifest.json');
  let manifest: { models: ManifestEntry[] };
  try {
    manifest = readManifest(dir);
  } catch (err) {
    throw new FileFormatError(file, `cannot read the model manifest: ${(err as Error).message}`);
  }
  if (!manifest || !Array.isArray(manifest.models)) throw new FileFormatError(file, 'expected {"models": [...]}');
  return manifest.models
    .map((m) => ({ ...m, family: modelFamily(m.architecture), dir: path.join(dir, m.name) }))
    .filter((m) => fs.existsSync(path.join(m.dir, 'model.json')))
    .filter((m) => !m.study || studies === true || studies === m.study);
}

/**
 * The first trained model matching `want` (a name, or a predicate), trying each alternative in
 * order; undefined when none is trained yet.
 */
export function findTrainedModel(
  want: Array<string | ((m: TrainedModel) => boolean)>,
  models: TrainedModel[] = listTrainedModels(),
): TrainedModel | undefined {
  for (const w of want) {
    const found = models.find((m) => (typeof w === 'string' ? m.name === w : w(m)));
    if (found) return found;
  }
  return undefined;
}

/** Loads a trained model (its liederiv.json gives input size, preprocessing and class names). */
export async function loadTrainedModel(m: TrainedModel | string, models?: TrainedModel[]): Promise<ModelWrapper> {
  const entry = typeof m === 'string' ? (models ?? listTrainedModels()).find((x) => x.name === m) : m;
  if (!entry)
    throw new InputError(
      `no trained model '${typeof m === 'string' ? m : m.name}' in ${path.join(trainedModelsDir(), 'manifest.json')}; train it with scripts/trainZoo.sh`,
    );
  return loadModel(path.join(entry.dir, 'model.json'), { name: entry.name });
}

/** The per-epoch checkpoints of a model trained with --checkpoints: [{epoch, dir}], by epoch. */
export function epochCheckpoints(m: TrainedModel): Array<{ epoch: number; dir: string; testAccuracy?: number }> {
  return (m.epochCheckpoints ?? [])
    .map((rel) => {
      const epoch = Number(/epoch-(\d+)/.exec(rel)?.[1]);
      return {
        epoch,
        dir: path.join(m.dir, rel),
        testAccuracy: m.history?.find((h) => h.epoch === epoch)?.testAccuracy,
      };
    })
    .filter((c) => Number.isFinite(c.epoch) && fs.existsSync(path.join(c.dir, 'model.json')))
    .sort((a, b) => a.epoch - b.epoch);
}
