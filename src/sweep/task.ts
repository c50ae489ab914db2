/**
 * One sweep task: the LEE of one model on one shard of one image set, under every group of the
 * spec, through the library's `lee` (src/lie/lee.ts). The same function runs in a local worker
 * process and in a Slurm array index (`liederiv sweep task SPEC INDEX`).
 *
 * Idempotent: a finished shard is skipped (after checking it was computed with this spec's
 * options); a partial shard left by a killed attempt is resumed at its first missing batch. Batches
 * are aligned to the shard's start, so a resumed shard holds exactly the numbers of an
 * uninterrupted one (same batches, same backend).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../backend';
import { fingerprintFiles, modelFiles } from '../cli/output';
import { loadImageFolder } from '../data/imageFolder';
import { loadDataset } from '../data/loadDataset';
import { loadImagesNpy } from '../data/npy';
import { FileFormatError, InputError } from '../errors';
import { layerwise, type LayerwiseOptions, type LayerwiseOutput } from '../lie/layerwise';
import { lee, type LeeOptions } from '../lie/lee';
import { loadModel } from '../models/load';
import type { ModelWrapper } from '../models/model';
import { liederivVersion } from '../version';
import {
  ensureSweepDirs,
  errorPath,
  partialPath,
  readJsonFile,
  readShard,
  runningPath,
  shardPath,
  writeJson,
  type PartialShard,
  type Shard,
  type ShardIdentity,
  type SweepLayerRow,
  type SweepRow,
} from './shards';
import { DEFAULT_SWEEP_BACKEND, readSpec, taskAt, type SweepPlan, type SweepTask } from './spec';

export interface TaskResult {
  index: number;
  key: string;
  status: 'done' | 'skipped';
  images: number;
  seconds: number;
  resumedBatches: number;
}

export interface RunTaskOptions {
  /** After each batch: images of this shard done so far, of its total. */
  onProgress?: (done: number, total: number) => void;
}

/** What the shard's numbers depend on: model files, image source, range and measurement options. */
export function shardIdentity(plan: SweepPlan, t: SweepTask): ShardIdentity {
  const images: Record<string, unknown> =
    t.images.kind === 'dataset'
      ? { dataset: t.dataset, split: t.images.split, limit: t.images.limit ?? null, seed: t.images.seed }
      : {
          [t.images.kind]:
            t.images.kind === 'npy'
              ? fingerprintFiles([t.images.path!], path.dirname(t.images.path!))
              : folderFingerprint(t.images.path!),
        };
  const { threads: _threads, ...lee } = plan.measure; // wasm threads give identical results (environment.md)
  const measure = t.kind === 'layerwise' ? { ...lee, layerwise: plan.layerwise } : lee;
  return {
    key: t.key,
    model: fingerprintFiles(modelFiles(t.model.modelJson), path.dirname(t.model.modelJson)),
    images,
    start: t.start,
    end: t.end,
    measure,
  };
}

function folderFingerprint(dir: string): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  return fingerprintFiles(files, dir);
}

const sameIdentity = (a: ShardIdentity, b: ShardIdentity) => JSON.stringify(a) === JSON.stringify(b);

/** Caches of the last model and image set, so a worker running consecutive shards loads them once. */
let cachedModel: { path: string; model: ModelWrapper } | undefined;
let cachedImages: { key: string; data: { images: tf.Tensor4D; labels?: number[]; files?: string[] } } | undefined;

/** Frees the cached model and images (a worker calls this before exiting; tests for leak checks). */
export function clearTaskCache(): void {
  cachedModel?.model.net.dispose();
  cachedModel = undefined;
  cachedImages?.data.images.dispose();
  cachedImages = undefined;
}

async function modelFor(t: SweepTask): Promise<ModelWrapper> {
  if (cachedModel?.path === t.model.modelJson) return cachedModel.model;
  clearTaskCache();
  const model = await loadModel(t.model.modelJson, { name: t.model.name });
  cachedModel = { path: t.model.modelJson, model };
  return model;
}

function imagesFor(t: SweepTask, model: ModelWrapper): { images: tf.Tensor4D; labels?: number[]; files?: string[] } {
  const [h, w] = model.inputSize;
  const key = JSON.stringify([t.images, t.dataset, t.images.kind === 'folder' ? [h, w] : null]);
  if (cachedImages?.key === key) return cachedImages.data;
  cachedImages?.data.images.dispose();
  cachedImages = undefined;
  let data: { images: tf.Tensor4D; labels?: number[]; files?: string[] };
  if (t.images.kind === 'dataset')
    data = loadDataset(t.dataset!, { split: t.images.split, limit: t.images.limit, seed: t.images.seed });
  else if (t.images.kind === 'npy') data = { images: loadImagesNpy(t.images.path!) };
  else {
    if (!h || !w)
      throw new InputError(
        `model '${model.name}' has no fixed input size; give inputSize in its liederiv.json to load the image folder ${t.images.path}`,
      );
    const f = loadImageFolder(t.images.path!, { size: [h, w] });
    data = { images: f.images, labels: f.labels, files: f.files };
  }
  cachedImages = { key, data };
  return data;
}

let backendStarted: string | undefined;

/**
 * Starts the sweep's backend once per process (before planning, which may load a dataset to count
 * its images). Accepts the plan's measure or the spec file itself.
 */
export async function startSweepBackend(from: SweepPlan | string): Promise<string> {
  if (!backendStarted) {
    const { backend, threads } = typeof from === 'string' ? readSpec(path.resolve(from)) : from.measure;
    const report = await useBackend(backend ?? DEFAULT_SWEEP_BACKEND, { wasmThreads: threads });
    backendStarted = report.backend;
  }
  return backendStarted;
}

/**
 * Runs task `index` of the plan unless its shard is already there. Throws (and leaves the partial
 * shard for a retry) when the computation fails; the caller records the error.
 */
export async function runTask(plan: SweepPlan, index: number, opts: RunTaskOptions = {}): Promise<TaskResult> {
  const t = taskAt(plan, index);
  ensureSweepDirs(plan);
  const identity = shardIdentity(plan, t);
  const existing = readShard(plan, t);
  if (existing) {
    if (!sameIdentity(existing.identity, identity)) throw staleShard(shardPath(plan, t), existing.identity, identity);
    return { index, key: t.key, status: 'skipped', images: t.end - t.start, seconds: 0, resumedBatches: 0 };
  }
  const startedAt = new Date();
  const slurmJob = process.env.SLURM_ARRAY_JOB_ID
    ? `${process.env.SLURM_ARRAY_JOB_ID}_${process.env.SLURM_ARRAY_TASK_ID}`
    : process.env.SLURM_JOB_ID;
  writeJson(runningPath(plan, t), {
    key: t.key,
    index,
    pid: process.pid,
    host: os.hostname(),
    slurmJob,
    startedAt: startedAt.toISOString(),
  });
  fs.rmSync(errorPath(plan, t), { force: true });
  // Temporary files of writes a killed attempt never renamed (writeAtomic names them <file>.tmp-<pid>-<time>).
  const shardsDir = path.dirname(shardPath(plan, t));
  for (const f of fs.readdirSync(shardsDir))
    if (f.startsWith(`${t.key}.`) && f.includes('.json.tmp-')) fs.rmSync(path.join(shardsDir, f), { force: true });

  let partial = readJsonFile<PartialShard>(partialPath(plan, t));
  if (partial && !sameIdentity(partial.identity, identity)) partial = undefined; // another spec's leftovers: start over
  const rows: SweepRow[] = partial ? [...partial.rows] : [];
  const resumedBatches = partial?.batches ?? 0;
  const previousSeconds = partial?.seconds ?? 0;

  const backend = await startSweepBackend(plan);
  const model = await modelFor(t);
  const data = imagesFor(t, model);
  const N = data.images.shape[0];
  if (t.end > N)
    throw new InputError(
      `task ${index} (${t.key}): the image set has ${N} images, the plan expected at least ${t.end}; was it changed after planning?`,
    );
  const n = t.end - t.start;
  const shardImages = tf.slice(data.images, [t.start, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D;
  const labels = data.labels?.slice(t.start, t.end);
  const source = t.images.kind === 'dataset' ? `${t.dataset}/${t.images.split}` : path.basename(t.images.path!);
  const t0 = Date.now();
  let layers: SweepLayerRow[] | undefined;
  let telescopingError: number | undefined;
  try {
    const m = plan.measure;
    if (t.kind === 'layerwise') {
      const lw = plan.layerwise!;
      const res = await layerwise(model, shardImages, lw.group, {
        ...(lw.options as LayerwiseOptions),
        output: m.output as LayerwiseOutput,
        difference: m.difference,
        onProgress: opts.onProgress,
      });
      layers = res.rows.map((r) => ({
        ...r,
        model: t.model.name,
        image: t.start + r.image,
        images: t.images.id,
        group: lw.group,
      }));
      telescopingError = res.meta.telescopingError;
      return await finish();
    }
    const leeOptions: LeeOptions = {
      ...(m.options as LeeOptions),
      groups: m.groups,
      output: m.output,
      difference: m.difference,
      reduction: m.reduction,
      method: m.method,
      batchSize: m.batch,
      startBatch: resumedBatches,
      onProgress: opts.onProgress,
      onBatch: async (batchRows, b) => {
        for (const r of batchRows) {
          const image = t.start + r.image;
          rows.push({
            ...r,
            image,
            model: t.model.name,
            images: t.images.id,
            file: data.files ? data.files[image] : source,
          });
        }
        const p: PartialShard = {
          version: 1,
          identity,
          batches: b + 1,
          rows,
          seconds: previousSeconds + (Date.now() - t0) / 1000,
        };
        writeJson(partialPath(plan, t), p);
        // lee's awaits resolve as microtasks: without a turn of the event loop a SIGTERM (scancel)
        // or an IPC message would wait for the whole shard.
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    await lee(model, { images: shardImages, labels }, leeOptions);
    return await finish();
  } finally {
    shardImages.dispose();
  }

  async function finish(): Promise<TaskResult> {
    const seconds = previousSeconds + (Date.now() - t0) / 1000;
    const shard: Shard = {
      version: 1,
      identity,
      rows,
      ...(layers ? { layers, telescopingError } : {}),
      meta: {
        backend,
        tfjs: tf.version.tfjs,
        liederiv: liederivVersion(),
        host: os.hostname(),
        pid: process.pid,
        slurmJob,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        seconds,
        resumedBatches,
      },
    };
    writeJson(shardPath(plan, t), shard);
    fs.rmSync(partialPath(plan, t), { force: true });
    fs.rmSync(runningPath(plan, t), { force: true });
    return { index, key: t.key, status: 'done', images: n, seconds, resumedBatches };
  }
}

function staleShard(file: string, had: ShardIdentity, want: ShardIdentity): FileFormatError {
  const diff = (Object.keys(want) as Array<keyof ShardIdentity>).filter(
    (k) => JSON.stringify(had[k]) !== JSON.stringify(want[k]),
  );
  return new FileFormatError(
    file,
    `this shard was computed with a different ${diff.join(', ')} than the spec now asks for; use a new "out" folder for the changed sweep (or delete the shard to recompute it)`,
  );
}
