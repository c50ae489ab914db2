import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SweepSpec } from '../../../src/sweep/spec';
import { readJsonFile } from '../../../src/sweep/shards';

/** Three bundled zoo models of different families (CNN, MLP, ViT) × two groups on a few MNIST digits. */
export const ZOO_SWEEP: Omit<SweepSpec, 'out'> = {
  name: 'zoo-test',
  models: ['cnn-relu-mnist', 'mlp-mnist', 'vit-tiny-mnist'],
  groups: ['translate-x', 'rotate'],
  images: { dataset: 'mnist', split: 'test', limit: 8, seed: 3 },
  // 2 shards per model, 4 batches per shard: a task is killed between batches, with some kept.
  shardSize: 4,
  batch: 1,
  backend: 'wasm',
};

/** A temporary folder with spec.json (sweep folder `out` inside it). */
export function writeSpec(
  spec: Omit<SweepSpec, 'out'> & { out?: string },
  prefix = 'liederiv-sweep-',
): { dir: string; spec: string; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'spec.json');
  fs.writeFileSync(file, JSON.stringify({ out: 'out', ...spec }, null, 2));
  return { dir, spec: file, out: path.join(dir, spec.out ?? 'out') };
}

/** Running markers (task key → pid) in a sweep folder. */
export function runningMarkers(out: string): Array<{ key: string; pid: number; slurmJob?: string }> {
  const dir = path.join(out, 'running');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.includes('.tmp-'))
    .flatMap((f) => {
      try {
        const m = readJsonFile<{ key: string; pid: number; slurmJob?: string }>(path.join(dir, f));
        return m ? [m] : [];
      } catch {
        return [];
      }
    });
}

export const hasPartial = (out: string, key: string) => fs.existsSync(path.join(out, 'shards', `${key}.partial.json`));

/** The (model, image, group) keys of a merged CSV, and whether any repeats. */
export function mergedKeys(csv: string): { keys: string[]; duplicates: number } {
  const lines = csv.trim().split('\n');
  const header = lines[0].split(',');
  const [m, i, g] = ['model', 'image', 'group'].map((c) => header.indexOf(c));
  const keys = lines.slice(1).map((l) => {
    const f = l.split(',');
    return `${f[m]}|${f[i]}|${f[g]}`;
  });
  return { keys, duplicates: keys.length - new Set(keys).size };
}

/** merged.csv of a sweep folder, as written. */
export const readMerged = (out: string) => fs.readFileSync(path.join(out, 'merged.csv'), 'utf8');
