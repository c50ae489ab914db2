/**
 * `npm run bench`: our `lee` against the paper's method in PyTorch (../shared/bench/torch_baseline.py)
 * on the same architectures, batches and input sizes, one after the other (never concurrently),
 * each side in its own process so its peak RSS is its own. Writes bench/RESULTS.md (keeping the
 * hand-written analysis above the generated marker).
 *
 *   node dist/bench/run.js [--quick] [--reps N] [--torch-runs N] [--backend wasm|cpu]
 *                          [--threads N] [--models smallcnn,resnet18] [--out FILE] [--no-profile]
 * --threads: threads of both sides (wasm threads for ours, torch.set_num_threads for the baseline),
 *   default 2 — the same budget on both sides, as the issue's PyTorch anchors were measured.
 * --quick: SmallCNN only, batch 16, 3 groups, 1 rep, 1 PyTorch run, 1 thread (the test suite's smoke test).
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastJson, runMeasured } from './child';
import { MODEL_SHAPES, type BenchModel } from './models';
import type { OursConfig, OursResult } from './ours';
import { generatedSection, mergeResults, type ModelRun } from './results';
import { runTorch, torchAvailable } from './torch';

const SPATIAL = ['translate-x', 'translate-y', 'rotate', 'shear-x', 'shear-y', 'stretch-x', 'stretch-y', 'scale', 'hyperbolic-rotate'];
const TITLES: Record<BenchModel, string> = { smallcnn: 'SmallCNN 32²', resnet18: 'ResNet-18 224²', resnet50: 'ResNet-50 224²' };
const REPO = path.resolve(__dirname, '..', '..');

interface Args {
  quick: boolean;
  reps: number;
  torchRuns: number;
  backend: string;
  threads: number;
  models: BenchModel[];
  out: string;
  profile: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  return {
    quick,
    reps: Number(get('--reps') ?? (quick ? 1 : 5)),
    torchRuns: Number(get('--torch-runs') ?? (quick ? 1 : 3)),
    backend: get('--backend') ?? 'wasm',
    threads: Number(get('--threads') ?? (quick ? 1 : 2)),
    models: (get('--models') ?? (quick ? 'smallcnn' : 'smallcnn,resnet18')).split(',') as BenchModel[],
    out: path.resolve(get('--out') ?? path.join(REPO, 'bench', 'RESULTS.md')),
    profile: !quick && !argv.includes('--no-profile'),
  };
}

function runOursChild(cfg: OursConfig): { result: OursResult; peakRssMiB: number } {
  const r = runMeasured([process.execPath, path.join(__dirname, 'ours.js'), JSON.stringify(cfg)], 3_600_000);
  if (r.status !== 0) throw new Error(`our benchmark (${cfg.model}) failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { result: lastJson<OursResult>(r.stdout, 'bench/ours.js'), peakRssMiB: r.peakRssMiB };
}

function machine(): string[] {
  const cpuModel = os.cpus()[0]?.model ?? 'unknown';
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${os.cpus().length} CPUs (nproc), ${cpuModel}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
    `versions: node ${process.version}, tfjs ${tf.version.tfjs}`,
  ];
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  if (!(Number.isInteger(a.threads) && a.threads >= 1)) throw new Error(`--threads must be an integer ≥ 1, got ${a.threads}`);
  const haveTorch = torchAvailable();
  const load0 = os.loadavg();
  const runs: ModelRun[] = [];
  for (const model of a.models) {
    const { size, batch: fullBatch } = MODEL_SHAPES[model];
    const batch = a.quick ? 16 : fullBatch;
    const groups = a.quick ? ['translate-x', 'rotate', 'scale'] : SPATIAL;
    const cfg: OursConfig = { model, batch, reps: a.reps, backend: a.backend, wasmThreads: a.threads, groups, perGroup: groups, difference: 'forward', profile: a.profile };
    process.stderr.write(`bench: ${model} batch ${batch}: ours (${a.backend})…\n`);
    const ours = runOursChild(cfg);
    let torch: ModelRun['torch'];
    if (haveTorch) {
      process.stderr.write(`bench: ${model} batch ${batch}: PyTorch ×${a.torchRuns}…\n`);
      torch = runTorch(REPO, model, batch, groups, Math.max(a.reps, 1), a.torchRuns, a.threads);
    }
    runs.push({ title: TITLES[model], model, batch, size, groups, reps: a.reps, ours: ours.result, oursPeakRssMiB: ours.peakRssMiB, torch });
  }
  const load1 = os.loadavg();
  const meta = [
    ...machine(),
    `backend (ours): ${runs[0]?.ours.backend ?? a.backend}; PyTorch: ${haveTorch ? `${runs[0]?.torch?.torch} on ${a.threads} thread(s) (torch_baseline.py --threads ${a.threads}), ${a.torchRuns} run(s) of --reps ${a.reps}; spreads are over runs` : 'not installed (apt-get install python3-torch python3-torchvision)'}`,
    `noise: 1-minute load average ${load0[0].toFixed(2)} at the start, ${load1[0].toFixed(2)} at the end, on ${os.cpus().length} CPUs (above the CPU count, other processes competed for the cores: compare the min–max spreads)`,
    `peak RSS: each side's process, measured by its parent (ru_maxrss)`,
  ];
  const existing = fs.existsSync(a.out) ? fs.readFileSync(a.out, 'utf8') : undefined;
  fs.writeFileSync(a.out, mergeResults(existing, generatedSection(meta, runs)));
  process.stdout.write(`bench: wrote ${a.out}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
