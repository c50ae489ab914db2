/**
 * Our side of the benchmark, run as its own process (so its peak RSS is its own): builds the
 * model, then times model.predict, `lee` for one group and `lee` for all groups in one call
 * (forward mode, 'probs', mean-abs, difference 'forward' — the paper's sampler). Prints one JSON
 * line (OursResult): every sample (ms per image; each a timing window of back-to-back calls after
 * a warm-up, bench/timing.ts), not a summary, so the parent can pool runs. With `exportDir`, first writes the images, the weights and check values there for the
 * PyTorch side (bench/torch_lie.py): the same images and weights on both sides.
 *   node dist/bench/ours.js '{"model":"smallcnn","batch":64,"reps":3,"backend":"wasm",...}'
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useBackend } from '../src/backend';
import { GROUP_NAMES } from '../src/groups/catalog';
import { getGroup, rows } from '../src/groups/generators';
import { imageTangent } from '../src/groups/tangent';
import { lee } from '../src/lie/lee';
import { endsInSoftmax, lieDerivative } from '../src/lie/lieDerivative';
import { buildBenchModel, MODEL_SHAPES, type BenchModel } from './models';
import { DEFAULT_WINDOW_MS, timeWindows } from './timing';

export interface OursConfig {
  model: BenchModel;
  batch: number;
  reps: number;
  backend: string;
  /** wasm threads; undefined = useBackend's default (what a user gets with no flag). */
  wasmThreads?: number;
  /** The one-group measure's group. */
  group: string;
  /** Groups of the all-groups call. */
  groups: string[];
  difference: 'forward' | 'central';
  /** Images per JVP pass (lieDerivative's imagesPerPass); undefined = its default. */
  imagesPerPass?: number;
  /** Write images, weights and check values here for the PyTorch side first. */
  exportDir?: string;
  /** A sample's timing window (ms, bench/timing.ts); default DEFAULT_WINDOW_MS. */
  windowMs?: number;
}

export interface OursResult {
  backend: string;
  /** ms per image of every sample (a timing window of back-to-back calls, after a warm-up: bench/timing.ts). */
  samples: { forward: number[]; one: number[]; all: number[] };
  /** Calls per sample window, per measure (1 where a call outlasts the window). */
  callsPerSample: { forward: number[]; one: number[]; all: number[] };
}

/**
 * manifest.json (layers with their weights in getWeights() order, channels-last, as offsets into
 * weights.bin; the images' shape; the nine groups' generators; check values on the first images:
 * softmax probabilities, the translate-x image tangent and its Lie derivative), images.bin
 * (float32 NHWC), weights.bin (float32).
 */
async function exportForTorch(
  dir: string,
  name: BenchModel,
  model: tf.LayersModel,
  images: tf.Tensor4D,
  difference: 'forward' | 'central',
): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const chunks: Buffer[] = [];
  let offset = 0;
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    weights: layer.getWeights().map((w) => {
      const data = Buffer.from((w.dataSync() as Float32Array).slice().buffer);
      chunks.push(data);
      const e = { shape: w.shape, offset, size: w.size };
      offset += data.length;
      return e;
    }),
  }));
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat(chunks));
  fs.writeFileSync(path.join(dir, 'images.bin'), Buffer.from((images.dataSync() as Float32Array).slice().buffer));
  const n = Math.min(images.shape[0], images.shape[1] > 64 ? 2 : 8);
  const group = 'translate-x';
  const head = tf.slice(images, [0, 0, 0, 0], [n, -1, -1, -1]);
  const out = model.predict(head) as tf.Tensor;
  const probs = endsInSoftmax(model) ? out : tf.softmax(out);
  const tangent = imageTangent(head, group, { difference });
  const [{ lie }] = await lieDerivative(model, head, [group], { difference, output: 'probs' });
  const spatial = GROUP_NAMES.filter((g) => getGroup(g).kind === 'spatial');
  const manifest = {
    model: name,
    images: { shape: images.shape },
    layers,
    generators: Object.fromEntries(spatial.map((g) => [g, rows(getGroup(g).generator).slice(0, 2)])),
    check: {
      n,
      group,
      difference,
      probs: Array.from(await probs.data()),
      tangent: Array.from(await tangent.data()),
      lie: Array.from(await lie.data()),
    },
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  tf.dispose([head, out, probs, tangent, lie]);
}

export async function runOurs(cfg: OursConfig): Promise<OursResult> {
  const report = await useBackend(cfg.backend, cfg.wasmThreads === undefined ? {} : { wasmThreads: cfg.wasmThreads });
  const model = buildBenchModel(cfg.model);
  const { size } = MODEL_SHAPES[cfg.model];
  const images = tf.randomUniform([cfg.batch, size, size, 3], 0, 1, 'float32', 0) as tf.Tensor4D;
  if (cfg.exportDir) await exportForTorch(cfg.exportDir, cfg.model, model, images, cfg.difference);
  const opts = { difference: cfg.difference, batchSize: cfg.batch, imagesPerPass: cfg.imagesPerPass };
  // Node's collector, when the parent started us with --expose-gc: run before each window, outside its timing.
  const gc = (globalThis as { gc?: () => void }).gc;
  const timing = { reps: cfg.reps, batch: cfg.batch, windowMs: cfg.windowMs ?? DEFAULT_WINDOW_MS, gc };
  const forward = await timeWindows(async () => {
    const y = model.predict(images) as tf.Tensor;
    await y.data();
    y.dispose();
  }, timing);
  const one = await timeWindows(
    async () => void (await lee(model, { images }, { ...opts, groups: [cfg.group] })),
    timing,
  );
  const all = await timeWindows(
    async () => void (await lee(model, { images }, { ...opts, groups: cfg.groups })),
    timing,
  );
  images.dispose();
  return {
    backend: report.line.replace(/^liederiv backend: /, ''),
    samples: { forward: forward.samples, one: one.samples, all: all.samples },
    callsPerSample: { forward: forward.callsPerSample, one: one.callsPerSample, all: all.callsPerSample },
  };
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
