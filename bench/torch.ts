import * as path from 'node:path';
import { lastJson, PYTHON, runMeasured } from './child';
import type { BenchModel } from './models';

/** The PyTorch routes bench/torch_lie.py times (its docstring says what each computes). */
export const TORCH_ROUTES = ['forward', 'paper1', 'paper9', 'fwdad1', 'fwdad9', 'vmap9'] as const;
export type TorchRoute = (typeof TORCH_ROUTES)[number];

/** The repository's own PyTorch baselines (bench/torch_lie.py): nothing outside the repository is read. */
export function torchScriptPath(repoRoot: string): string {
  return path.join(repoRoot, 'bench', 'torch_lie.py');
}

/** What torch_lie.py's check found: max abs differences against our exported values. */
export interface TorchCheck {
  forward_max_abs_diff?: number;
  tangent_max_abs_diff?: number;
  tangent_max_abs?: number;
  lie_fwdad_max_abs_diff?: number;
  lie_paper_max_abs_diff?: number;
  lie_max_abs?: number;
}

export interface TorchRun {
  torch: string;
  /** ms per image of every sample (a timing window, as bench/timing.ts), per route. */
  samples: Partial<Record<TorchRoute, number[]>>;
  check: TorchCheck;
  peakRssMiB: number;
  /** The process's peak RSS once each route had run (monotonic; routes run in TORCH_ROUTES order). */
  peakRssAfter: Partial<Record<TorchRoute, number>>;
}

/** Whether Debian's torch (and torchvision, functorch) is importable. */
export function torchAvailable(): boolean {
  return runMeasured([PYTHON, '-c', 'import torch, torchvision, functorch'], 120_000).status === 0;
}

/** One process of bench/torch_lie.py on the images and weights our side exported into `dataDir`. */
export function runTorchOnce(
  repoRoot: string,
  o: {
    model: BenchModel;
    dataDir: string;
    threads: number;
    reps: number;
    windowMs: number;
    routes: TorchRoute[];
    group: string;
    groups: string[];
  },
): TorchRun {
  const args = [
    PYTHON,
    torchScriptPath(repoRoot),
    '--model',
    o.model,
    '--data',
    o.dataDir,
    '--threads',
    String(o.threads),
    '--reps',
    String(o.reps),
    '--window-ms',
    String(o.windowMs),
  ];
  args.push('--routes', o.routes.join(','), '--group', o.group, '--groups', o.groups.join(','));
  const r = runMeasured(args, 3_600_000);
  if (r.status !== 0) throw new Error(`bench/torch_lie.py (${o.model}) failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const j = lastJson<{
    torch: string;
    samples: TorchRun['samples'];
    check: TorchCheck;
    peak_rss_mib: TorchRun['peakRssAfter'];
  }>(r.stdout, 'bench/torch_lie.py');
  return { torch: j.torch, samples: j.samples, check: j.check, peakRssMiB: r.peakRssMiB, peakRssAfter: j.peak_rss_mib };
}
