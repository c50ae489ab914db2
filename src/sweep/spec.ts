/**
 * A sweep spec (JSON): models × groups × image sets × measurement options, and the plan it expands
 * to — one task per (model, image set, shard of `shardSize` images). The plan is a pure function of
 * the spec file and the files it names, so every process (a local worker, a Slurm array index)
 * that reads the same spec gets the same task list in the same order, and task INDEX means the
 * same shard everywhere.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKEND_NAMES, threadsProblem, type BackendName } from '../backend';
import { IMAGE_EXTENSIONS } from '../data/decode';
import { DATASET_NAMES, loadDataset } from '../data/loadDataset';
import { checkName, FileFormatError, InputError, UnknownNameError } from '../errors';
import { DIFFERENCES, getGroup, GROUP_NAMES, type Difference } from '../groups';
import { JVP_METHODS, type JvpMethod } from '../jvp';
import { DEFAULT_LEE_BATCH } from '../lie/lee';
import { REDUCTIONS, type Reduction } from '../lie/reductions';
import { listTrainedModels, trainedModelsDir, type TrainedModel } from '../models/trainedModels';
import { globSync, hasGlob } from './glob';

/** A bundled dataset subset; `dataset: 'own'` is each zoo model's own dataset (from the manifest). */
export interface DatasetImagesSpec {
  dataset: string;
  split?: 'train' | 'test';
  limit?: number;
  seed?: number;
  name?: string;
}
/** A .npy file ([N, H, W, 3] float32 RGB in [0, 1]) or a folder of JPEG/PNG images. */
export interface PathImagesSpec {
  path: string;
  name?: string;
}
export type ImagesSpec = string | DatasetImagesSpec | PathImagesSpec;

/** How the Slurm executor submits (every field passed through to sbatch). */
export interface SlurmSpec {
  partition?: string;
  time?: string;
  mem?: string;
  account?: string;
  qos?: string;
  cpusPerTask?: number;
  /** At most this many array tasks at once (sbatch --array=…%N). */
  concurrency?: number;
  /** Shell lines run before the task (e.g. `module load nodejs/20`). */
  setup?: string[];
  /** The node executable on the compute nodes (default: the one running `sweep run`). */
  node?: string;
  /** Further `#SBATCH` options, e.g. ["--constraint=avx2"]. */
  extra?: string[];
}

/** The spec file as written. Relative paths are relative to the spec file's folder. */
export interface SweepSpec {
  name?: string;
  /** The sweep folder: shards, errors, logs, the merged table. On a cluster: the shared filesystem. */
  out: string;
  /** Zoo names (datasets/models/manifest.json), model.json paths, model folders, or globs of these. */
  models: string[];
  /** Folder of the zoo manifest (default datasets/models, or $LIEDERIV_MODELS). */
  modelsDir?: string;
  groups?: string[] | 'all';
  images: ImagesSpec | ImagesSpec[];
  /** Images per task (default 64). */
  shardSize?: number;
  output?: string;
  difference?: Difference;
  reduction?: Reduction;
  method?: JvpMethod;
  batch?: number;
  /** Default 'wasm': the same arithmetic on every node, so shards from different machines agree. */
  backend?: BackendName;
  threads?: number;
  /** Passed to lee() as they are (input-contract options and anything lee grows later). */
  options?: Record<string, unknown>;
  /**
   * Also a layer-wise decomposition (DESIGN §5) per model and image set, on its first `images` images
   * (default 16) under `group`, for the "which layers break equivariance" figure; `options` go to layerwise().
   */
  layerwise?: { group: string; images?: number; options?: Record<string, unknown> };
  slurm?: SlurmSpec;
}

export const DEFAULT_SHARD_SIZE = 64;
export const DEFAULT_SWEEP_BACKEND: BackendName = 'wasm';

export interface SweepModel {
  /** Stable, file-name-safe id, unique in the sweep. */
  id: string;
  name: string;
  /** Absolute path of model.json. */
  modelJson: string;
  /** The manifest entry when the model is one of the zoo's (accuracy, dataset, family). */
  zoo?: Pick<TrainedModel, 'name' | 'architecture' | 'dataset' | 'family' | 'testAccuracy'>;
}

export interface SweepImageSet {
  id: string;
  kind: 'dataset' | 'npy' | 'folder';
  /** For 'dataset': a DATASET_NAMES name or 'own'. */
  dataset?: string;
  split?: 'train' | 'test';
  limit?: number;
  seed?: number;
  /** For 'npy' and 'folder': absolute path. */
  path?: string;
}

export interface SweepTask {
  index: number;
  /** 'lee': LEE of every group on the shard; 'layerwise': the layer-wise decomposition under spec.layerwise.group. */
  kind: 'lee' | 'layerwise';
  /** File-name stem of this task's shard: `<model>__<images>__<start>-<end>`. */
  key: string;
  model: SweepModel;
  images: SweepImageSet;
  /** The concrete dataset name for 'dataset' sets ('own' resolved). */
  dataset?: string;
  /** Image range [start, end) within the image set. */
  start: number;
  end: number;
}

/** What every task measures, identical across tasks. */
export interface SweepMeasure {
  groups: string[];
  output: string;
  difference: Difference;
  reduction: Reduction;
  method: JvpMethod;
  batch: number;
  backend: BackendName;
  threads?: number;
  options: Record<string, unknown>;
}

export const DEFAULT_LAYERWISE_SWEEP_IMAGES = 16;

export interface SweepPlan {
  name: string;
  specFile: string;
  spec: SweepSpec;
  /** Absolute sweep folder. */
  out: string;
  models: SweepModel[];
  imageSets: SweepImageSet[];
  measure: SweepMeasure;
  shardSize: number;
  /** spec.layerwise with its defaults, when asked for. */
  layerwise?: { group: string; images: number; options: Record<string, unknown> };
  tasks: SweepTask[];
}

const SPEC_KEYS = [
  'name',
  'out',
  'models',
  'modelsDir',
  'groups',
  'images',
  'shardSize',
  'output',
  'difference',
  'reduction',
  'method',
  'batch',
  'backend',
  'threads',
  'options',
  'layerwise',
  'slurm',
  '$schema',
  'comment',
];
const SLURM_KEYS = [
  'partition',
  'time',
  'mem',
  'account',
  'qos',
  'cpusPerTask',
  'concurrency',
  'setup',
  'node',
  'extra',
];

function specError(file: string, msg: string): FileFormatError {
  return new FileFormatError(file, `sweep spec: ${msg}`);
}

/** Reads and checks a spec file; every error names the file and the field. */
export function readSpec(file: string): SweepSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileFormatError(
      file,
      `cannot read the sweep spec (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw specError(file, `not valid JSON (${(err as Error).message})`);
  }
  return checkSpec(json, file);
}

const posInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

/** Checks a parsed spec (the fields of SweepSpec, with their types); returns it typed. */
export function checkSpec(json: unknown, file: string): SweepSpec {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw specError(file, 'expected a JSON object {out, models, images, groups, ...}');
  const s = json as Record<string, unknown>;
  const unknown = Object.keys(s).filter((k) => !SPEC_KEYS.includes(k));
  if (unknown.length)
    throw specError(
      file,
      `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; valid: ${SPEC_KEYS.filter((k) => !k.startsWith('$') && k !== 'comment').join(', ')} (options for lee go in "options")`,
    );
  if (typeof s.out !== 'string' || !s.out)
    throw specError(
      file,
      `"out" must be the sweep folder (a path; on a cluster, on the shared filesystem), got ${JSON.stringify(s.out)}`,
    );
  if (!Array.isArray(s.models) || !s.models.length || !s.models.every((m) => typeof m === 'string' && m))
    throw specError(
      file,
      `"models" must be a non-empty array of zoo names, model.json paths or globs, got ${JSON.stringify(s.models)}`,
    );
  if (s.images === undefined)
    throw specError(
      file,
      '"images" is missing: a .npy file, an image folder, or {"dataset": "mnist", "limit": 64} (or a list of these)',
    );
  for (const [k, ok, want] of [
    ['shardSize', posInt, 'a positive integer (images per task)'],
    ['batch', posInt, 'a positive integer (images per batch)'],
    ['threads', posInt, 'a positive integer (wasm threads)'],
    ['name', (v: unknown) => typeof v === 'string', 'a string'],
    ['modelsDir', (v: unknown) => typeof v === 'string', 'a folder path'],
    ['output', (v: unknown) => typeof v === 'string' && v !== '', "'probs', 'logits' or a layer name"],
    ['options', (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v), 'an object (passed to lee as is)'],
  ] as Array<[string, (v: unknown) => boolean, string]>) {
    if (s[k] !== undefined && !ok(s[k])) throw specError(file, `"${k}" must be ${want}, got ${JSON.stringify(s[k])}`);
  }
  const named = <T extends string>(k: string, valid: readonly T[]) => {
    if (s[k] === undefined) return;
    try {
      checkName(`"${k}"`, String(s[k]), valid);
    } catch (err) {
      if (err instanceof UnknownNameError) throw specError(file, err.message);
      throw err;
    }
  };
  named('difference', DIFFERENCES);
  named('reduction', REDUCTIONS);
  named('method', JVP_METHODS);
  named('backend', BACKEND_NAMES);
  // "backend" is a checked name by now (named() above), or absent.
  const threads = threadsProblem(
    (s.backend as BackendName | undefined) ?? DEFAULT_SWEEP_BACKEND,
    s.threads as number | undefined,
  );
  if (threads) throw specError(file, `"threads": ${threads} ("backend": ${JSON.stringify(s.backend)})`);
  if (s.groups !== undefined && s.groups !== 'all') {
    if (!Array.isArray(s.groups) || !s.groups.length)
      throw specError(file, `"groups" must be 'all' or a non-empty array of group names (${GROUP_NAMES.join(', ')})`);
    for (const g of s.groups) {
      try {
        getGroup(String(g));
      } catch (err) {
        if (err instanceof UnknownNameError) throw specError(file, `"groups": ${err.message}`);
        throw err;
      }
    }
  }
  for (const im of Array.isArray(s.images) ? s.images : [s.images]) checkImagesSpec(im, file);
  if (s.layerwise !== undefined) {
    const lw = s.layerwise as Record<string, unknown>;
    if (!lw || typeof lw !== 'object' || Array.isArray(lw) || typeof lw.group !== 'string')
      throw specError(
        file,
        `"layerwise" must be {"group": "translate-x", "images": 16, "options": {...}}, got ${JSON.stringify(s.layerwise)}`,
      );
    try {
      getGroup(lw.group);
    } catch (err) {
      if (err instanceof UnknownNameError) throw specError(file, `"layerwise.group": ${err.message}`);
      throw err;
    }
    if (lw.images !== undefined && !posInt(lw.images))
      throw specError(file, `"layerwise.images" must be a positive integer, got ${JSON.stringify(lw.images)}`);
    if (lw.options !== undefined && (!lw.options || typeof lw.options !== 'object' || Array.isArray(lw.options)))
      throw specError(file, '"layerwise.options" must be an object (passed to layerwise as is)');
    if (s.output !== undefined && s.output !== 'probs' && s.output !== 'logits')
      throw specError(file, `"layerwise" decomposes 'probs' or 'logits', but "output" is ${JSON.stringify(s.output)}`);
  }
  if (s.slurm !== undefined) {
    if (!s.slurm || typeof s.slurm !== 'object' || Array.isArray(s.slurm))
      throw specError(file, '"slurm" must be an object {partition, time, mem, account, concurrency, ...}');
    const sl = s.slurm as Record<string, unknown>;
    const bad = Object.keys(sl).filter((k) => !SLURM_KEYS.includes(k));
    if (bad.length)
      throw specError(
        file,
        `unknown "slurm" field ${bad.map((k) => `'${k}'`).join(', ')}; valid: ${SLURM_KEYS.join(', ')}`,
      );
    for (const k of ['partition', 'time', 'mem', 'account', 'qos', 'node'])
      if (sl[k] !== undefined && (typeof sl[k] !== 'string' || /[\n\r]/.test(sl[k] as string)))
        throw specError(file, `"slurm.${k}" must be a one-line string, got ${JSON.stringify(sl[k])}`);
    for (const k of ['cpusPerTask', 'concurrency'])
      if (sl[k] !== undefined && !posInt(sl[k]))
        throw specError(file, `"slurm.${k}" must be a positive integer, got ${JSON.stringify(sl[k])}`);
    for (const k of ['setup', 'extra'])
      if (
        sl[k] !== undefined &&
        !(Array.isArray(sl[k]) && (sl[k] as unknown[]).every((x) => typeof x === 'string' && !/[\n\r]/.test(x)))
      )
        throw specError(file, `"slurm.${k}" must be an array of one-line strings`);
  }
  // Every field was checked above; SweepSpec has no index signature, so the checked record needs the double cast.
  return s as unknown as SweepSpec;
}

function checkImagesSpec(im: unknown, file: string): void {
  if (typeof im === 'string' && im) return;
  if (im && typeof im === 'object' && !Array.isArray(im)) {
    const o = im as Record<string, unknown>;
    if (typeof o.path === 'string' && o.path) return;
    if (typeof o.dataset === 'string') {
      if (o.dataset !== 'own' && !(DATASET_NAMES as readonly string[]).includes(o.dataset))
        throw specError(
          file,
          `"images": unknown dataset '${o.dataset}'; valid: ${DATASET_NAMES.join(', ')}, or 'own' (each zoo model's own dataset)`,
        );
      if (o.split !== undefined && o.split !== 'train' && o.split !== 'test')
        throw specError(file, `"images": split must be 'train' or 'test', got ${JSON.stringify(o.split)}`);
      if (o.limit !== undefined && !posInt(o.limit))
        throw specError(file, `"images": limit must be a positive integer, got ${JSON.stringify(o.limit)}`);
      if (o.seed !== undefined && !Number.isInteger(o.seed))
        throw specError(file, `"images": seed must be an integer, got ${JSON.stringify(o.seed)}`);
      return;
    }
  }
  throw specError(
    file,
    `"images" entries must be a .npy path, an image folder, {"path": ...} or {"dataset": "mnist", "split": "test", "limit": 64, "seed": 0}; got ${JSON.stringify(im)}`,
  );
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';

function uniqueIds<T extends { id: string }>(items: T[]): T[] {
  const seen = new Map<string, number>();
  return items.map((it) => {
    const n = seen.get(it.id) ?? 0;
    seen.set(it.id, n + 1);
    return n === 0 ? it : { ...it, id: `${it.id}-${n + 1}` };
  });
}

/** Zoo names, model.json paths, model folders and globs → models, in spec order, without duplicates. */
export function resolveModels(spec: SweepSpec, baseDir: string, file: string): SweepModel[] {
  const zooDir = spec.modelsDir ? path.resolve(baseDir, spec.modelsDir) : trainedModelsDir();
  let zoo: TrainedModel[] | undefined;
  const zooModels = () => (zoo ??= fs.existsSync(path.join(zooDir, 'manifest.json')) ? listTrainedModels(zooDir) : []);
  const manifests = new Map<string, TrainedModel[]>();
  /** A model.json in a folder whose parent has a manifest listing it is a zoo model too (accuracy, dataset). */
  const zooEntryFor = (modelJson: string): TrainedModel | undefined => {
    const parent = path.dirname(path.dirname(modelJson));
    if (!manifests.has(parent))
      manifests.set(parent, fs.existsSync(path.join(parent, 'manifest.json')) ? listTrainedModels(parent) : []);
    return manifests.get(parent)!.find((m) => path.resolve(m.dir, 'model.json') === modelJson);
  };
  const out: SweepModel[] = [];
  const add = (modelJson: string, zooEntry?: TrainedModel) => {
    if (out.some((m) => m.modelJson === modelJson)) return;
    const entry = zooEntry ?? zooEntryFor(modelJson);
    const name = entry?.name ?? path.basename(path.dirname(modelJson));
    out.push({
      id: slug(name),
      name,
      modelJson,
      zoo: entry && {
        name: entry.name,
        architecture: entry.architecture,
        dataset: entry.dataset,
        family: entry.family,
        testAccuracy: entry.testAccuracy,
      },
    });
  };
  const asModelJson = (p: string) => (fs.statSync(p).isDirectory() ? path.join(p, 'model.json') : p);
  for (const m of spec.models) {
    if (hasGlob(m)) {
      const hits = globSync(m, baseDir)
        .map(asModelJson)
        .filter((p) => fs.existsSync(p) && p.endsWith('.json'));
      if (!hits.length)
        throw specError(file, `"models": the pattern '${m}' matches no model.json (relative to ${baseDir})`);
      hits.forEach((h) => add(h));
      continue;
    }
    const p = path.resolve(baseDir, m);
    if (!m.includes('/') && !m.endsWith('.json')) {
      const entry = zooModels().find((z) => z.name === m);
      if (entry) {
        add(path.join(entry.dir, 'model.json'), entry);
        continue;
      }
      if (!fs.existsSync(p))
        throw specError(
          file,
          `"models": '${m}' is neither a zoo model in ${path.join(zooDir, 'manifest.json')} (${
            zooModels()
              .map((z) => z.name)
              .join(', ') || 'none trained'
          }) nor a path`,
        );
    }
    if (!fs.existsSync(p))
      throw specError(
        file,
        `"models": '${m}' does not exist (relative to ${baseDir}); expected a zoo name, a model.json, a model folder or a glob`,
      );
    const json = asModelJson(p);
    if (!fs.existsSync(json)) throw specError(file, `"models": folder '${p}' has no model.json`);
    add(json);
  }
  return uniqueIds(out);
}

function resolveImageSets(spec: SweepSpec, baseDir: string, file: string): SweepImageSet[] {
  const list = Array.isArray(spec.images) ? spec.images : [spec.images];
  const sets = list.map((im): SweepImageSet => {
    const p = typeof im === 'string' ? im : 'path' in im ? im.path : undefined;
    const name = typeof im === 'object' ? im.name : undefined;
    if (p !== undefined) {
      const abs = path.resolve(baseDir, p);
      if (!fs.existsSync(abs)) throw specError(file, `"images": '${p}' does not exist (relative to ${baseDir})`);
      if (fs.statSync(abs).isDirectory()) return { id: slug(name ?? path.basename(abs)), kind: 'folder', path: abs };
      if (path.extname(abs).toLowerCase() !== '.npy')
        throw specError(file, `"images": '${p}' must be a .npy file or a folder of images`);
      return { id: slug(name ?? path.basename(abs, path.extname(abs))), kind: 'npy', path: abs };
    }
    const d = im as DatasetImagesSpec;
    const split = d.split ?? 'test';
    return {
      id: slug(name ?? `${d.dataset}-${split}${d.limit ? `-${d.limit}` : ''}${d.seed ? `-s${d.seed}` : ''}`),
      kind: 'dataset',
      dataset: d.dataset,
      split,
      limit: d.limit,
      seed: d.seed ?? 0,
    };
  });
  return uniqueIds(sets);
}

const counts = new Map<string, number>();

/** Number of images in a set for a model (the 'own' dataset depends on the model). Cached per process. */
export function imageCount(set: SweepImageSet, dataset: string | undefined): number {
  const key = `${set.kind}\0${set.path ?? dataset}\0${set.split}\0${set.limit}\0${set.seed}`;
  const hit = counts.get(key);
  if (hit !== undefined) return hit;
  let n: number;
  if (set.kind === 'npy') n = npyImageCount(set.path!);
  else if (set.kind === 'folder') n = folderImageCount(set.path!);
  else {
    const d = loadDataset(dataset!, { split: set.split, limit: set.limit, seed: set.seed });
    n = d.images.shape[0];
    d.images.dispose();
  }
  counts.set(key, n);
  return n;
}

/** The first dimension of a .npy file, from its header alone. */
function npyImageCount(file: string): number {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const got = fs.readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, got).toString('latin1');
    const shape = /'shape'\s*:\s*\(\s*(\d+)/.exec(text);
    if (!text.startsWith('\x93NUMPY') || !shape)
      throw new FileFormatError(file, 'not a .npy file with a shape in its header (expected [N, H, W, 3] float32)');
    return Number(shape[1]);
  } finally {
    fs.closeSync(fd);
  }
}

function folderImageCount(dir: string): number {
  const isImage = (n: string) => (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(n).toLowerCase());
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  if (subdirs.length)
    return subdirs.reduce((a, e) => a + fs.readdirSync(path.join(dir, e.name)).filter(isImage).length, 0);
  return entries.filter((e) => e.isFile() && isImage(e.name)).length;
}

/**
 * The plan of a spec file: its models, image sets and tasks. `out` overrides the spec's sweep
 * folder (e.g. to run the same spec twice into two folders).
 */
export function planSweep(specFile: string, { out }: { out?: string } = {}): SweepPlan {
  const file = path.resolve(specFile);
  const spec = readSpec(file);
  const baseDir = path.dirname(file);
  const models = resolveModels(spec, baseDir, file);
  const imageSets = resolveImageSets(spec, baseDir, file);
  const shardSize = spec.shardSize ?? DEFAULT_SHARD_SIZE;
  const measure: SweepMeasure = {
    groups: spec.groups === undefined || spec.groups === 'all' ? [...GROUP_NAMES] : spec.groups.map(String),
    output: spec.output ?? 'probs',
    difference: spec.difference ?? 'central',
    reduction: spec.reduction ?? 'mean-abs',
    method: spec.method ?? 'forward',
    batch: spec.batch ?? DEFAULT_LEE_BATCH,
    backend: spec.backend ?? DEFAULT_SWEEP_BACKEND,
    threads: spec.threads,
    options: spec.options ?? {},
  };
  const layerwise = spec.layerwise && {
    group: spec.layerwise.group,
    images: spec.layerwise.images ?? DEFAULT_LAYERWISE_SWEEP_IMAGES,
    options: spec.layerwise.options ?? {},
  };
  const tasks: SweepTask[] = [];
  const layerTasks: SweepTask[] = [];
  for (const model of models) {
    for (const images of imageSets) {
      let dataset: string | undefined;
      if (images.kind === 'dataset') {
        dataset = images.dataset === 'own' ? model.zoo?.dataset : images.dataset;
        if (!dataset)
          throw specError(
            file,
            `"images": {"dataset": "own"} needs zoo models (with a manifest entry naming their dataset); '${model.name}' has none`,
          );
      }
      const n = imageCount(images, dataset);
      if (n === 0) throw specError(file, `"images": '${images.id}' holds no images`);
      const imagesId = images.dataset === 'own' ? `${images.id}-${dataset}` : images.id;
      for (let start = 0; start < n; start += shardSize) {
        const end = Math.min(n, start + shardSize);
        tasks.push({
          index: tasks.length,
          kind: 'lee',
          key: `${model.id}__${imagesId}__${start}-${end}`,
          model,
          images,
          dataset,
          start,
          end,
        });
      }
      if (layerwise) {
        const end = Math.min(n, layerwise.images);
        layerTasks.push({
          index: -1,
          kind: 'layerwise',
          key: `${model.id}__${imagesId}__layerwise-${layerwise.group}-0-${end}`,
          model,
          images,
          dataset,
          start: 0,
          end,
        });
      }
    }
  }
  // Layer-wise tasks come last, so asking for them leaves the LEE tasks' indices as they were.
  for (const t of layerTasks) tasks.push({ ...t, index: tasks.length });
  const outDir = path.resolve(out ?? path.resolve(baseDir, spec.out));
  return {
    name: spec.name ?? path.basename(file, path.extname(file)),
    specFile: file,
    spec,
    out: outDir,
    models,
    imageSets,
    measure,
    shardSize,
    layerwise,
    tasks,
  };
}

/** The task at `index`, with an error naming the valid range. */
export function taskAt(plan: SweepPlan, index: number): SweepTask {
  if (!Number.isInteger(index) || index < 0 || index >= plan.tasks.length)
    throw new InputError(
      `sweep '${plan.name}': task index ${index} out of range; the plan has tasks 0..${plan.tasks.length - 1}`,
    );
  return plan.tasks[index];
}
