/** Reads the inventory of every manifest model (after installing the packages). */
import * as path from 'node:path';
import { installPackages } from './install';
import { inventory, type Inventory } from './inventory';
import type { Manifest, ModelEntry } from './manifest';

export function modelFile(m: ModelEntry, dirs: Map<string, string>): string {
  return path.join(dirs.get(m.package)!, m.path);
}

export function readInventories(manifest: Manifest): {
  dirs: Map<string, string>;
  inv: Map<string, Inventory | Error>;
} {
  const dirs = installPackages(manifest.packages);
  const inv = new Map<string, Inventory | Error>();
  for (const m of manifest.models) {
    try {
      inv.set(m.id, inventory(modelFile(m, dirs), measuredNode(m)));
    } catch (err) {
      inv.set(m.id, err as Error);
    }
  }
  return { dirs, inv };
}

/** The graph node `lee` is asked to measure (a named output), or undefined for probs/logits of the only output. */
export function measuredNode(m: ModelEntry): string | undefined {
  const o = m.contract.output;
  return o === 'probs' || o === 'logits' ? undefined : o;
}
