import * as fs from 'node:fs';
import * as path from 'node:path';
import { lastJson, PYTHON, runMeasured } from './child';
import type { BenchModel } from './models';
import { spread, type Spread } from './stats';

/** The paper's method in PyTorch: ../shared/bench/torch_baseline.py (LIEDERIV_TORCH_BASELINE overrides). */
export function torchBaselinePath(repoRoot: string): string {
  return process.env.LIEDERIV_TORCH_BASELINE || path.resolve(repoRoot, '..', 'shared', 'bench', 'torch_baseline.py');
}

interface BaselineJson {
  torch: string;
  forward_ms_per_image: number;
  lie_ms_per_image: Record<string, number>;
  all_groups_ms_per_image: number;
}

export interface TorchResult {
  torch: string;
  /** Spreads over `runs` invocations of the script (each itself a median over its --reps). */
  forward: Spread;
  perGroup: Record<string, Spread>;
  /** Σ over groups (the script runs groups one by one: that is the paper's cost for all of them). */
  allGroups: Spread;
  peakRssMiB: number;
}

/** Whether Debian's torch is importable (the baseline's requirement). */
export function torchAvailable(): boolean {
  return runMeasured([PYTHON, '-c', 'import torch, torchvision'], 120_000).status === 0;
}

export function runTorch(repoRoot: string, model: BenchModel, batch: number, groups: string[], reps: number, runs: number, threads: number): TorchResult {
  const script = torchBaselinePath(repoRoot);
  if (!fs.existsSync(script)) throw new Error(`PyTorch baseline not found at ${script}`);
  const outs: BaselineJson[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const args = [PYTHON, script, '--model', model, '--batch', String(batch), '--threads', String(threads), '--reps', String(reps), '--groups', groups.join(',')];
    const r = runMeasured(args, 3_600_000);
    if (r.status !== 0) throw new Error(`torch baseline failed (${r.status}): ${r.stderr.slice(-2000)}`);
    outs.push(lastJson<BaselineJson>(r.stdout, 'torch_baseline.py'));
    peak = Math.max(peak, r.peakRssMiB);
  }
  const perGroup: Record<string, Spread> = {};
  for (const g of groups) perGroup[g] = spread(outs.map((o) => o.lie_ms_per_image[g]));
  return {
    torch: outs[0].torch,
    forward: spread(outs.map((o) => o.forward_ms_per_image)),
    perGroup,
    allGroups: spread(outs.map((o) => o.all_groups_ms_per_image)),
    peakRssMiB: peak,
  };
}
