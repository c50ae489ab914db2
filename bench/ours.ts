/**
 * Our side of the benchmark, run as its own process (so its peak RSS is its own): builds the
 * model, then times model.predict and `lee` (forward mode, 'probs', mean-abs) per group and for
 * all groups in one call. Prints one JSON line (OursResult). Usage (after npm run build):
 *   node dist/bench/ours.js '{"model":"smallcnn","batch":64,"reps":3,"backend":"wasm",...}'
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend';
import { lee } from '../src/lie/lee';
import { buildBenchModel, MODEL_SHAPES, type BenchModel } from './models';
import { spread, type Spread } from './stats';

export interface OursConfig {
  model: BenchModel;
  batch: number;
  reps: number;
  backend: string;
  wasmThreads: number;
  /** Groups of the all-groups call. */
  groups: string[];
  /** Groups timed alone (a subset of `groups`, to bound the run time on big models). */
  perGroup: string[];
  difference: 'forward' | 'central';
  /** Images per JVP pass (lieDerivative's imagesPerPass); undefined = its default. */
  imagesPerPass?: number;
  /** Also profile one all-groups call by kernel (tf.profile; adds one call). */
  profile?: boolean;
}

export interface OursResult {
  backend: string;
  forward: Spread;
  perGroup: Record<string, Spread>;
  allGroups: Spread;
  /** With `profile`: the all-groups call's kernels, ms summed per kernel name, largest first. */
  kernels?: Array<{ kernel: string; ms: number; calls: number }>;
}

/** ms per image of each of `reps` timed runs, after one warm-up. */
async function timePerImage(run: () => Promise<void>, reps: number, batch: number): Promise<Spread> {
  await run();
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await run();
    ms.push((performance.now() - t0) / batch);
  }
  return spread(ms);
}

export async function runOurs(cfg: OursConfig): Promise<OursResult> {
  const report = await useBackend(cfg.backend, { wasmThreads: cfg.wasmThreads });
  const model = buildBenchModel(cfg.model);
  const { size } = MODEL_SHAPES[cfg.model];
  const images = tf.randomUniform([cfg.batch, size, size, 3], 0, 1, 'float32', 0) as tf.Tensor4D;
  const opts = { difference: cfg.difference, batchSize: cfg.batch, imagesPerPass: cfg.imagesPerPass };
  const forward = await timePerImage(async () => {
    const y = model.predict(images) as tf.Tensor;
    await y.data();
    y.dispose();
  }, cfg.reps, cfg.batch);
  const perGroup: Record<string, Spread> = {};
  for (const g of cfg.perGroup) perGroup[g] = await timePerImage(async () => void (await lee(model, { images }, { ...opts, groups: [g] })), cfg.reps, cfg.batch);
  const allGroups = await timePerImage(async () => void (await lee(model, { images }, { ...opts, groups: cfg.groups })), cfg.reps, cfg.batch);
  let kernels: OursResult['kernels'];
  if (cfg.profile) {
    const p = await tf.profile(async () => void (await lee(model, { images }, { ...opts, groups: cfg.groups })));
    const byName = new Map<string, { ms: number; calls: number }>();
    for (const k of p.kernels) {
      // tfjs reports both the op ('fusedConv2d__op') and its kernel ('FusedConv2D'): keep kernels.
      if (k.name.endsWith('__op')) continue;
      const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += Number(await k.kernelTimeMs);
      e.calls += 1;
      byName.set(k.name, e);
    }
    kernels = [...byName].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms);
  }
  images.dispose();
  return { backend: report.line.replace(/^liederiv backend: /, ''), forward, perGroup, allGroups, kernels };
}

if (require.main === module) {
  runOurs(JSON.parse(process.argv[2]) as OursConfig)
    .then((r) => {
      process.stdout.write(JSON.stringify(r) + '\n');
      process.exit(0); // wasm pthread workers (if any) are unref'd; exit promptly anyway
    })
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      process.exit(1);
    });
}
