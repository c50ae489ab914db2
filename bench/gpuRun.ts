/**
 * The timing half of bench/gpu.sh: our `lee` on webgpu against the paper's method on CUDA
 * (bench/torch_baseline_cuda.py), SmallCNN 32² batch 64 and ResNet-50 224² batch 32, one group and
 * all nine spatial groups in one call; prints the results tables (Markdown) on stdout.
 *   node dist/bench/gpuRun.js [--reps N] [--models smallcnn,resnet50] [--max-spread 0.15]
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { lastJson, PYTHON, runMeasured } from './child';
import { MODEL_SHAPES, type BenchModel } from './models';
import type { OursConfig, OursResult } from './ours';
import { modelTable, targetsTable, type ModelRun } from './results';
import { spread } from './stats';

const SPATIAL = [
  'translate-x',
  'translate-y',
  'rotate',
  'shear-x',
  'shear-y',
  'stretch-x',
  'stretch-y',
  'scale',
  'hyperbolic-rotate',
];

interface CudaJson {
  torch: string;
  device: string;
  samples: { forward: number[]; paper1: number[]; paper9: number[] };
  peak_cuda_mib: number;
}

function main(): void {
  const argv = process.argv.slice(2);
  const get = (n: string) => (argv.includes(n) ? argv[argv.indexOf(n) + 1] : undefined);
  const reps = Number(get('--reps') ?? 5);
  const maxSpread = Number(get('--max-spread') ?? 0.15);
  const models = (get('--models') ?? 'smallcnn,resnet50').split(',') as BenchModel[];
  const runs: ModelRun[] = [];
  for (const model of models) {
    const { size, batch } = MODEL_SHAPES[model];
    const group = 'translate-x';
    const cfg: OursConfig = { model, batch, reps, backend: 'webgpu', group, groups: SPATIAL, difference: 'forward' };
    const l0 = os.loadavg()[0];
    const ours = runMeasured([process.execPath, path.join(__dirname, 'ours.js'), JSON.stringify(cfg)], 1_800_000);
    const l1 = os.loadavg()[0];
    if (ours.status !== 0) throw new Error(`ours ${model}: ${ours.stderr.slice(-3000)}`);
    const t = runMeasured(
      [
        PYTHON,
        path.join(__dirname, '..', '..', 'bench', 'torch_baseline_cuda.py'),
        '--model',
        model,
        '--batch',
        String(batch),
        '--reps',
        String(reps),
        '--group',
        group,
      ],
      1_800_000,
    );
    const l2 = os.loadavg()[0];
    if (t.status !== 0) throw new Error(`torch ${model}: ${t.stderr.slice(-3000)}`);
    const c = lastJson<CudaJson>(t.stdout, 'torch_baseline_cuda.py');
    const o = lastJson<OursResult>(ours.stdout, 'ours.js');
    runs.push({
      title: `${model} ${size}² (GPU)`,
      model,
      batch,
      size,
      group,
      groups: SPATIAL,
      runs: 1,
      reps,
      ours: {
        backend: o.backend,
        threads: 1,
        measures: { forward: spread(o.samples.forward), one: spread(o.samples.one), all: spread(o.samples.all) },
        peakRssMiB: ours.peakRssMiB,
      },
      torch: {
        torch: `${c.torch} CUDA on ${c.device} (peak CUDA memory ${c.peak_cuda_mib.toFixed(0)} MiB)`,
        routes: {
          forward: spread(c.samples.forward),
          paper1: spread(c.samples.paper1),
          paper9: spread(c.samples.paper9),
        },
        check: {},
        peakRssMiB: t.peakRssMiB,
      },
      load: { ours: [l0, l1], torch: [l1, l2] },
    });
  }
  process.stdout.write(
    ['### Targets on the GPU', '', targetsTable(runs, maxSpread), ...runs.map((r) => modelTable(r, maxSpread))].join(
      '\n',
    ),
  );
}

main();
