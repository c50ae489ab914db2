/**
 * Merges a sweep's shards into one table (one row per model × image × group) plus the run's
 * metadata. Refuses an incomplete sweep unless asked for a partial merge, and refuses shards
 * computed with options other than the spec's (a changed spec in an old folder).
 */
import * as path from 'node:path';
import { InputError, FileFormatError } from '../errors';
import { toCsv } from '../report/csv';
import { liederivVersion } from '../version';
import {
  readShard,
  readTaskError,
  shardPath,
  taskState,
  writeJson,
  type ShardMeta,
  type SweepLayerRow,
  type SweepRow,
} from './shards';
import type { SweepPlan, SweepTask } from './spec';
import { shardIdentity } from './task';
import { writeAtomic } from '../models/load';

/** A merged row: the shard row plus what the manifest says about the model. */
export interface MergedRow extends SweepRow {
  family?: string;
  dataset?: string;
  /** Test accuracy from the zoo manifest (fraction), when the model is a zoo model. */
  accuracy?: number;
  task: number;
}

export const MERGED_COLUMNS = [
  'model',
  'family',
  'dataset',
  'accuracy',
  'images',
  'image',
  'file',
  'label',
  'group',
  'output',
  'reduction',
  'lee',
  'mean-abs',
  'mean-sq',
  'l2',
  'sq-l2',
  'task',
] as const;

export interface MergeMeta {
  sweep: string;
  spec: string;
  out: string;
  complete: boolean;
  tasks: number;
  merged: number;
  missing: Array<{ index: number; key: string; state: string; error?: string }>;
  measure: SweepPlan['measure'];
  layerwise?: SweepPlan['layerwise'];
  models: Array<{ name: string; modelJson: string; dataset?: string; accuracy?: number; family?: string }>;
  imageSets: SweepPlan['imageSets'];
  backends: string[];
  hosts: string[];
  /** Sum of the tasks' computation seconds. */
  computeSeconds: number;
  mergedAt: string;
  liederiv: string;
  shards: Array<{ index: number; key: string } & ShardMeta>;
}

export interface MergeResult {
  rows: MergedRow[];
  /** Layer-wise rows of the sweep's 'layerwise' tasks (empty without spec.layerwise). */
  layers: MergedLayerRow[];
  meta: MergeMeta;
}

export interface MergedLayerRow extends SweepLayerRow {
  task: number;
}

export const MERGED_LAYER_COLUMNS = [
  'model',
  'images',
  'group',
  'image',
  'index',
  'layer',
  'kind',
  'sqnorm',
  'projection',
  'meanSq',
  'meanSqShare',
  'defect',
  'pushed',
  'task',
] as const;

/** The merge of the plan's shards, in task order (rows within a shard in lee's order: image-major). */
export function mergeSweep(plan: SweepPlan, { partial = false }: { partial?: boolean } = {}): MergeResult {
  const rows: MergedRow[] = [];
  const layers: MergedLayerRow[] = [];
  const missing: MergeMeta['missing'] = [];
  const shards: MergeMeta['shards'] = [];
  const missingTasks: SweepTask[] = [];
  for (const t of plan.tasks) {
    const shard = readShard(plan, t);
    if (!shard) {
      missing.push({
        index: t.index,
        key: t.key,
        state: taskState(plan, t),
        error: readTaskError(plan, t)?.message.split('\n')[0],
      });
      missingTasks.push(t);
      continue;
    }
    const want = shardIdentity(plan, t);
    if (JSON.stringify(shard.identity) !== JSON.stringify(want)) {
      throw new FileFormatError(
        shardPath(plan, t),
        'computed with other options, model files or images than the spec now names; merge it with the spec it was run with, or use a new "out" folder for the changed sweep',
      );
    }
    const zoo = t.model.zoo;
    for (const r of shard.rows)
      rows.push({
        ...r,
        family: zoo?.family,
        dataset: t.dataset ?? zoo?.dataset,
        accuracy: zoo?.testAccuracy,
        task: t.index,
      });
    for (const r of shard.layers ?? []) layers.push({ ...r, task: t.index });
    shards.push({ index: t.index, key: t.key, ...shard.meta });
  }
  if (missing.length && !partial) {
    const failed = missing.filter((m) => m.state === 'failed');
    const first = failed[0];
    throw new InputError(
      `sweep '${plan.name}' is incomplete: ${missing.length} of ${plan.tasks.length} tasks have no shard in ${path.join(plan.out, 'shards')} ` +
        `(${failed.length} failed${first ? `, e.g. task ${first.index} ${first.key}: ${first.error}` : ''}). ` +
        `Run 'liederiv sweep run ${plan.specFile}' again to finish them (add --executor slurm to resubmit on a cluster), or merge what there is with --partial`,
    );
  }
  const meta: MergeMeta = {
    sweep: plan.name,
    spec: plan.specFile,
    out: plan.out,
    complete: missing.length === 0,
    tasks: plan.tasks.length,
    merged: shards.length,
    missing,
    measure: plan.measure,
    layerwise: plan.layerwise,
    models: plan.models.map((m) => ({
      name: m.name,
      modelJson: m.modelJson,
      dataset: m.zoo?.dataset,
      accuracy: m.zoo?.testAccuracy,
      family: m.zoo?.family,
    })),
    imageSets: plan.imageSets,
    backends: [...new Set(shards.map((s) => s.backend))],
    hosts: [...new Set(shards.map((s) => s.host))],
    computeSeconds: shards.reduce((a, s) => a + s.seconds, 0),
    mergedAt: new Date().toISOString(),
    liederiv: liederivVersion(),
    shards,
  };
  return { rows, layers, meta };
}

/** The merged table as CSV (MERGED_COLUMNS; numbers in full precision). */
export function mergedCsv(rows: readonly MergedRow[]): string {
  return toCsv(rows, MERGED_COLUMNS);
}

export const mergedCsvPath = (dir: string) => path.join(dir, 'merged.csv');
export const mergedMetaPath = (dir: string) => path.join(dir, 'merged.meta.json');
export const mergedLayersPath = (dir: string) => path.join(dir, 'merged-layerwise.csv');

/** Writes merged.csv, merged.meta.json and (with layer-wise tasks) merged-layerwise.csv atomically into `dir`. */
export function writeMerge(result: MergeResult, dir: string): { csv: string; meta: string; layers?: string } {
  const csv = mergedCsvPath(dir);
  const meta = mergedMetaPath(dir);
  writeAtomic(csv, mergedCsv(result.rows));
  let layers: string | undefined;
  if (result.meta.layerwise) writeAtomic((layers = mergedLayersPath(dir)), toCsv(result.layers, MERGED_LAYER_COLUMNS));
  writeJson(meta, result.meta);
  return { csv, meta, layers };
}
