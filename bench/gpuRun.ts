/**
 * The timing half of bench/gpu.sh: our `lee` on webgpu against the paper's method on CUDA
 * (bench/torch_baseline_cuda.py), SmallCNN 32² batch 64 and ResNet-50 224² batch 32, all nine
 * spatial groups in one call; prints the results tables (Markdown) on stdout.
 *   node dist/bench/gpuRun.js [--reps N] [--models smallcnn,resnet50]
 */
import * as path from 'node:path';
import { lastJson, PYTHON, runMeasured } from './child';
import { MODEL_SHAPES, type BenchModel } from './models';
import type { OursConfig, OursResult } from './ours';
import { modelTable, targetsTable, type ModelRun } from './results';
import { spread } from './stats';
import type { TorchResult } from './torch';

const SPATIAL = ['translate-x', 'translate-y', 'rotate', 'shear-x', 'shear-y', 'stretch-x', 'stretch-y', 'scale', 'hyperbolic-rotate'];

interface CudaJson {
  torch: string;
  device: string;
  forward_ms_per_image: number;
  lie_ms_per_image: Record<string, number>;
  all_groups_ms_per_image: number;
  peak_cuda_mib: number;
}

function main(): void {
  const argv = process.argv.slice(2);
  const get = (n: string) => (argv.includes(n) ? argv[argv.indexOf(n) + 1] : undefined);
  const reps = Number(get('--reps') ?? 5);
  const models = (get('--models') ?? 'smallcnn,resnet50').split(',') as BenchModel[];
  const runs: ModelRun[] = [];
  for (const model of models) {
    const { size, batch } = MODEL_SHAPES[model];
    // One group alone (they all cost the same: one primal, one tangent) and all nine together.
    const cfg: OursConfig = { model, batch, reps, backend: 'webgpu', wasmThreads: 1, groups: SPATIAL, perGroup: ['rotate'], difference: 'forward' };
    const ours = runMeasured([process.execPath, path.join(__dirname, 'ours.js'), JSON.stringify(cfg)], 1_800_000);
    if (ours.status !== 0) throw new Error(`ours ${model}: ${ours.stderr.slice(-3000)}`);
    const t = runMeasured([PYTHON, path.join(__dirname, '..', '..', 'bench', 'torch_baseline_cuda.py'), '--model', model, '--batch', String(batch), '--reps', String(reps)], 1_800_000);
    if (t.status !== 0) throw new Error(`torch ${model}: ${t.stderr.slice(-3000)}`);
    const c = lastJson<CudaJson>(t.stdout, 'torch_baseline_cuda.py');
    const one = (x: number) => spread([x]);
    const torch: TorchResult = {
      torch: `${c.torch} CUDA on ${c.device} (peak CUDA memory ${c.peak_cuda_mib.toFixed(0)} MiB)`,
      forward: one(c.forward_ms_per_image),
      perGroup: Object.fromEntries(Object.entries(c.lie_ms_per_image).map(([g, ms]) => [g, one(ms)])),
      allGroups: one(c.all_groups_ms_per_image),
      peakRssMiB: t.peakRssMiB,
    };
    runs.push({ title: `${model} ${size}² (GPU)`, model, batch, size, groups: SPATIAL, reps, ours: lastJson<OursResult>(ours.stdout, 'ours.js'), oursPeakRssMiB: ours.peakRssMiB, torch });
  }
  process.stdout.write(['### Targets on the GPU', '', targetsTable(runs), ...runs.map(modelTable)].join('\n'));
}

main();
