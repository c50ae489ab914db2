/**
 * `npm run bench`: our `lee` against three PyTorch routes (bench/torch_lie.py: the paper's double
 * backward, torch forward-AD, functorch vmap(jvp)) on the same images and weights (our side
 * exports them), the same thread count, SmallCNN 32² batch 64 and ResNet-18 224² batch 8, for one
 * group (translate-x) and the nine spatial groups. Each side runs in its own processes (so its
 * peak RSS is its own), interleaved (ours, PyTorch, ours, …) so that a change of load hits both,
 * never concurrently. The 1-minute load is recorded around every process, and a ratio is refused
 * when either side's IQR/median exceeds --max-spread. Writes bench/RESULTS.md (keeping the
 * hand-written analysis above the generated marker).
 *
 *   node dist/bench/run.js [--quick] [--runs N] [--reps N] [--backend wasm|cpu] [--threads N]
 *                          [--models smallcnn,resnet18] [--max-spread 0.15] [--window-ms 400] [--out FILE]
 * --reps: samples per process and measure, each a timing window of back-to-back calls lasting
 *   ≥ --window-ms (one call when a call is longer), after a warm-up until two calls agree (bench/timing.ts).
 * --threads: both sides' threads. Absent: what our default would choose (one wasm thread per idle
 *   core, src/backend.ts threadsForIdleCores), decided once at the start so that every process
 *   of both sides runs with the same count.
 * --quick: SmallCNN only, batch 16, 3 groups, 2 runs of 2 reps, 100 ms windows, 1 thread (the test suite's smoke test).
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { idleCores, threadsForIdleCores } from '../src/backend';
import { lastJson, runMeasured } from './child';
import { MODEL_SHAPES, type BenchModel } from './models';
import type { OursConfig, OursResult } from './ours';
import { DEFAULT_WINDOW_MS } from './timing';
import { generatedSection, MEASURES, mergeResults, pooled, type Measure, type ModelRun } from './results';
import { runTorchOnce, torchAvailable, TORCH_ROUTES, type TorchRoute, type TorchRun } from './torch';

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
const TITLES: Record<BenchModel, string> = {
  smallcnn: 'SmallCNN 32²',
  resnet18: 'ResNet-18 224²',
  resnet50: 'ResNet-50 224²',
};
/** Timed reps per process: ResNet-18's nine groups cost seconds per call on 2 threads, so fewer. */
const REPS: Record<BenchModel, number> = { smallcnn: 5, resnet18: 2, resnet50: 2 };
/**
 * Left out on ResNet-18 by default to keep `npm run bench` within ~8 minutes on a quiet 2-core
 * machine (add --all-routes): the paper's nine groups one by one (9 double backwards, ~15 s per
 * call) and forward-AD with the nine groups stacked (a batch of 72 at 224², ~13 s per call and
 * 2.4 GiB; functorch vmap(jvp), the target's comparison, is measured).
 */
const SKIP_ROUTES: Record<BenchModel, TorchRoute[]> = {
  smallcnn: [],
  resnet18: ['paper9', 'fwdad9'],
  resnet50: ['paper9', 'fwdad9'],
};
const REPO = path.resolve(__dirname, '..', '..');

interface Args {
  quick: boolean;
  runs: number;
  reps?: number;
  backend: string;
  threads?: number;
  models: BenchModel[];
  maxSpread: number;
  windowMs: number;
  allRoutes: boolean;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const threads = get('--threads') ?? (quick ? '1' : undefined);
  const a: Args = {
    quick,
    runs: Number(get('--runs') ?? (quick ? 2 : 3)),
    reps: get('--reps') === undefined ? (quick ? 2 : undefined) : Number(get('--reps')),
    backend: get('--backend') ?? 'wasm',
    threads: threads === undefined ? undefined : Number(threads),
    models: (get('--models') ?? (quick ? 'smallcnn' : 'smallcnn,resnet18')).split(',') as BenchModel[],
    maxSpread: Number(get('--max-spread') ?? 0.15),
    windowMs: Number(get('--window-ms') ?? (quick ? 100 : DEFAULT_WINDOW_MS)),
    allRoutes: argv.includes('--all-routes'),
    out: path.resolve(get('--out') ?? path.join(REPO, 'bench', 'RESULTS.md')),
  };
  const posInt = (x: number | undefined) => x === undefined || (Number.isInteger(x) && x >= 1);
  if (!posInt(a.threads) || !posInt(a.runs) || !posInt(a.reps))
    throw new Error('--threads, --runs and --reps must be integers ≥ 1');
  if (!(a.windowMs >= 0))
    throw new Error(
      `--window-ms must be a number of milliseconds ≥ 0 (0: one call per sample), got ${get('--window-ms')}`,
    );
  if (!(a.maxSpread > 0))
    throw new Error(`--max-spread must be a positive fraction (0.15 = 15%), got ${get('--max-spread')}`);
  for (const m of a.models)
    if (!(m in MODEL_SHAPES)) throw new Error(`--models: unknown model '${m}' (smallcnn, resnet18, resnet50)`);
  return a;
}

function runOursChild(cfg: OursConfig): { result: OursResult; peakRssMiB: number } {
  // --expose-gc: the collector runs before each timing window (bench/timing.ts), not inside it.
  const r = runMeasured(
    [process.execPath, '--expose-gc', path.join(__dirname, 'ours.js'), JSON.stringify(cfg)],
    3_600_000,
  );
  if (r.status !== 0) throw new Error(`our benchmark (${cfg.model}) failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { result: lastJson<OursResult>(r.stdout, 'bench/ours.js'), peakRssMiB: r.peakRssMiB };
}

/** wasm threads our side ran with, from its backend line ('… 2 threads' / 'single-threaded'). */
function threadsOf(backendLine: string): number {
  const m = /(\d+) threads/.exec(backendLine);
  return m ? Number(m[1]) : 1;
}

function machine(): string[] {
  const cpuModel = os.cpus()[0]?.model ?? 'unknown';
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${os.cpus().length} CPUs (nproc), ${os.availableParallelism()} available, ${cpuModel}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
    `versions: node ${process.version}, tfjs ${tf.version.tfjs}`,
  ];
}

const load1 = () => os.loadavg()[0];

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const haveTorch = torchAvailable();
  let threadsNote = `--threads ${a.threads}`;
  if (a.threads === undefined) {
    const idle = await idleCores(500);
    a.threads = threadsForIdleCores(idle);
    threadsNote = `no --threads: the default's choice at the start, ${a.threads} (${idle.toFixed(1)} of ${os.availableParallelism()} cores idle)`;
  }
  const t0 = Date.now();
  const loadStart = load1();
  const runs: ModelRun[] = [];
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-bench-'));
  try {
    for (const model of a.models) {
      const { size, batch: fullBatch } = MODEL_SHAPES[model];
      const batch = a.quick ? 16 : fullBatch;
      const groups = a.quick ? ['translate-x', 'rotate', 'scale'] : SPATIAL;
      const group = 'translate-x';
      const reps = a.reps ?? REPS[model];
      const routes = TORCH_ROUTES.filter((r) => a.allRoutes || !SKIP_ROUTES[model].includes(r));
      const dataDir = path.join(dataRoot, model);
      const ours: Record<Measure, number[][]> = { forward: [], one: [], all: [] };
      const torch: Partial<Record<TorchRoute, number[][]>> = {};
      const load: ModelRun['load'] = { ours: [], torch: [] };
      let backend = '';
      let threads = a.threads as number;
      let oursRss = 0;
      let torchRss = 0;
      let paperRss: number | undefined;
      let last: TorchRun | undefined;
      for (let run = 0; run < a.runs; run++) {
        process.stderr.write(`bench: ${model} batch ${batch}, run ${run + 1}/${a.runs}: ours (${a.backend})…\n`);
        const cfg: OursConfig = {
          model,
          batch,
          reps,
          backend: a.backend,
          wasmThreads: a.threads,
          group,
          groups,
          difference: 'forward',
          windowMs: a.windowMs,
          exportDir: run === 0 && haveTorch ? dataDir : undefined,
        };
        load.ours.push(load1());
        const o = runOursChild(cfg);
        load.ours.push(load1());
        backend = o.result.backend;
        threads = threadsOf(backend); // what ours really ran with (a failed threaded start-up falls back to 1)
        oursRss = Math.max(oursRss, o.peakRssMiB);
        for (const m of MEASURES) ours[m].push(o.result.samples[m]);
        if (!haveTorch) continue;
        process.stderr.write(
          `bench: ${model} batch ${batch}, run ${run + 1}/${a.runs}: PyTorch (${threads} thread(s))…\n`,
        );
        load.torch.push(load1());
        last = runTorchOnce(REPO, { model, dataDir, threads, reps, windowMs: a.windowMs, routes, group, groups });
        load.torch.push(load1());
        torchRss = Math.max(torchRss, last.peakRssMiB);
        const p = last.peakRssAfter.paper1;
        if (p !== undefined) paperRss = Math.max(paperRss ?? 0, p);
        for (const r of routes) (torch[r] ??= []).push(last.samples[r] as number[]);
      }
      runs.push({
        title: TITLES[model],
        model,
        batch,
        size,
        group,
        groups,
        runs: a.runs,
        reps,
        windowMs: a.windowMs,
        ours: {
          backend,
          threads,
          measures: { forward: pooled(ours.forward), one: pooled(ours.one), all: pooled(ours.all) },
          peakRssMiB: oursRss,
        },
        torch: last && {
          torch: last.torch,
          routes: Object.fromEntries(Object.entries(torch).map(([r, xs]) => [r, pooled(xs as number[][])])),
          check: last.check,
          peakRssMiB: torchRss,
          paperRssMiB: paperRss,
        },
        load,
      });
    }
  } finally {
    fs.rmSync(dataRoot, { recursive: true, force: true });
  }
  const meta = [
    ...machine(),
    `threads: ${threadsNote}, both sides`,
    `liederiv: ${runs[0]?.ours.backend ?? a.backend}; PyTorch: ${haveTorch ? `${runs[0]?.torch?.torch} (bench/torch_lie.py), torch.set_num_threads as ours` : 'not installed (apt-get install python3-torch python3-torchvision)'}`,
    `noise: 1-minute load average ${loadStart.toFixed(2)} at the start, ${load1().toFixed(2)} at the end, on ${os.cpus().length} CPUs; per model below, around each side's processes. A ratio is refused when either side's IQR/median exceeds ${(100 * a.maxSpread).toFixed(0)}% (--max-spread); rerun on a quieter machine.`,
    `peak RSS: each side's process, measured by its parent (ru_maxrss)`,
    `wall time of this benchmark: ${((Date.now() - t0) / 60000).toFixed(1)} min`,
  ];
  const existing = fs.existsSync(a.out) ? fs.readFileSync(a.out, 'utf8') : undefined;
  fs.writeFileSync(a.out, mergeResults(existing, generatedSection(meta, runs, a.maxSpread)));
  process.stdout.write(`bench: wrote ${a.out}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
