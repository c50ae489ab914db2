/**
 * Measures one manifest model in its own process (run by measure.ts, which enforces a time limit
 * per phase and survives crashes): `node measureOne.js <model.json> <entry JSON> <options JSON>`.
 * Prints one JSON line per finished phase (`{"phase": ..., "partial": ModelResult}`) and a final
 * `{"result": ModelResult}` on stdout. Options.phase says which half runs:
 *
 * 'lee' (default):
 *  1. loadModel (wasm), once bare (what the library detects) and then told the manifest's contract;
 *  2. for each output of the manifest (the contract's own, then `moreOutputs`: probs, logits, an
 *     inner node): lee on the bundled photos (datasets/photos) for translate-x, rotate and hue, with
 *     vectors; the reverse-mode oracle (oracle.ts) on **wasm** (tfjs's gradient kernels against our
 *     forward rules, the same forward kernels, so the same side of every ReLU/max-pool kink); and,
 *     where affordable, lee and the oracle on **cpu** for the first image (the exactness check) and
 *     wasm lee against the cpu oracle (the backends' spread, reported, not judged).
 * 'layerwise': layerwise for rotate on one image on the contract's output, and its telescoping error.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { loadPhotos } from '../../src/data/photos';
import { LiederivError } from '../../src/errors';
import { layerwise } from '../../src/lie/layerwise';
import { lee } from '../../src/lie/lee';
import { loadModel } from '../../src/models/load';
import type { ModelWrapper } from '../../src/models/model';
import { CACHE_DIR, REPO_ROOT } from './install';
import { outputsOf, rangeAsAffine, type ModelEntry, type OutputSpec } from './manifest';
import { compareImage, measuredFunction, projectionSpread } from './oracle';
import { ensureOracleGradients } from './oracleGradients';
import type { ModelResult } from './report';
import { imageCount, modelStatus, outputStatus, relativise, type OutputResult } from './status';

export const GROUPS = ['translate-x', 'rotate', 'hue'];

export interface MeasureOptions {
  images: number;
  /** Above this many input pixels lee and the oracle use one image (the biggest models). */
  bigPixels: number;
  /** The cpu check (lee and tf.grad on cpu, first image) runs for every output up to cpuAllPixels, for the first output up to cpuPixels. */
  cpuAllPixels: number;
  cpuPixels: number;
  tolerance: number;
  components: number;
  /** Width of the uniform dither added to the photos (0: none). */
  dither: number;
  /** Seconds the wasm oracle may take per output (at least one cotangent of one image is always done). */
  oracleBudgetS: number;
  /** Seconds the cpu check may start cotangents for (at least one). */
  cpuBudgetS: number;
  /** Which half of the measurement this process runs. */
  phase?: 'lee' | 'layerwise';
}

function emit(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/** First line of an error (repository paths made relative), and whether it is one of the library's typed errors (a clear refusal). */
export function describe(err: unknown): { typed: boolean; message: string } {
  const e = err as Error;
  const typed = err instanceof LiederivError;
  const message = relativise(String(e?.message ?? err).split('\n')[0], REPO_ROOT, CACHE_DIR);
  return { typed, message: typed ? message : `${e?.name ?? 'Error'}: ${message}` };
}

/** x·(1 − d) + d/2 + U(−d/2, d/2) (seeded): inside [0, 1] without clipping, no two pixels equal. */
export function dithered(x: tf.Tensor4D, d: number): tf.Tensor4D {
  if (!(d > 0)) return x.clone();
  return tf.tidy(
    () =>
      tf.add(tf.add(tf.mul(x, 1 - d), d / 2), tf.randomUniform(x.shape, -d / 2, d / 2, 'float32', 1)) as tf.Tensor4D,
  );
}

const sliceOne = (x: tf.Tensor4D, i: number) => x.slice([i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;

async function leeVectors(w: ModelWrapper, images: tf.Tensor4D, output: string): Promise<Float32Array[][]> {
  const n = images.shape[0];
  const rows = await lee(w, { images }, { groups: GROUPS, output, vectors: true, batchSize: n });
  return Array.from({ length: n }, (_, i) =>
    GROUPS.map((g) => Float32Array.from(rows.find((r) => r.image === i && r.group === g)!.lie!)),
  );
}

/** One output: lee on wasm, the wasm oracle, and the cpu check where affordable. */
async function measureOutput(
  wrapper: ModelWrapper,
  m: ModelEntry,
  spec: OutputSpec,
  first: boolean,
  images: tf.Tensor4D,
  o: MeasureOptions,
  log: (s: string) => void,
): Promise<OutputResult> {
  const c = m.contract;
  const r: OutputResult = { label: spec.label, output: spec.output };
  const size = c.inputSize!;
  const t0 = Date.now();
  let lie: Float32Array[][];
  try {
    lie = await leeVectors(wrapper, images, spec.output);
  } catch (err) {
    r.leeError = describe(err);
    return r;
  }
  log(`${spec.label}: lee (wasm) ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (m.expectRefusal) return r;
  // The oracle on wasm: every image lee measured, cotangents until the budget is spent.
  const tW = Date.now();
  let first0: ReturnType<typeof compareImage> | undefined;
  try {
    ensureOracleGradients();
    const F = measuredFunction(wrapper.net, c, spec.measure);
    const deadline = tW + o.oracleBudgetS * 1000;
    let worst = 0;
    let done = 0;
    let last: ReturnType<typeof compareImage> | undefined;
    let coverage = 1;
    const perImage: number[] = [];
    for (let i = 0; i < images.shape[0]; i++) {
      if (i > 0 && Date.now() > deadline) break;
      const x = sliceOne(images, i);
      try {
        last = compareImage(F, x, GROUPS, lie[i], { components: o.components, seed: i, deadline });
      } finally {
        x.dispose();
      }
      worst = Math.max(worst, last.relError);
      perImage.push(last.relError);
      coverage = Math.min(coverage, last.coverage);
      if (i === 0) first0 = last;
      done++;
    }
    r.wasm = {
      relError: worst,
      perImage,
      images: done,
      checked: last!.checked,
      of: last!.K,
      coverage,
      probes: last!.probes,
      seconds: (Date.now() - tW) / 1000,
    };
  } catch (err) {
    r.wasmError = describe(err).message;
  }
  // The cpu check: lee and tf.grad on cpu for the first image; wasm lee scored on the same cotangents.
  const px = size[0] * size[1];
  if (px > (first ? o.cpuPixels : o.cpuAllPixels))
    r.cpuSkipped = `${size.join('×')} input above the cpu check's size cap (${first ? o.cpuPixels : o.cpuAllPixels} px)`;
  else {
    const tC = Date.now();
    try {
      await tf.setBackend('cpu');
      ensureOracleGradients();
      const x0 = sliceOne(images, 0);
      try {
        const lieCpu = (await leeVectors(wrapper, x0, spec.output))[0];
        const F = measuredFunction(wrapper.net, c, spec.measure);
        // The wasm oracle's cotangents for image 0 (same components, same seeded probes): the two oracles compare directly.
        const cmp = compareImage(F, x0, GROUPS, lieCpu, {
          components: o.components,
          seed: 0,
          deadline: tC + o.cpuBudgetS * 1000,
          also: lie[0],
          chosen: first0?.chosen,
        });
        r.cpu = { relError: cmp.relError, seconds: (Date.now() - tC) / 1000 };
        r.spread = cmp.alsoRelError;
        if (first0 && first0.checked === cmp.checked)
          r.oracleSpread = projectionSpread(first0.projections, cmp.projections);
      } finally {
        x0.dispose();
      }
    } catch (err) {
      r.cpuError = describe(err).message;
    } finally {
      await tf.setBackend('wasm');
    }
  }
  Object.assign(r, outputStatus(r, o.tolerance));
  return r;
}

async function main(): Promise<void> {
  const [file, entryJson, optsJson] = process.argv.slice(2);
  const m = JSON.parse(entryJson) as ModelEntry;
  const o = JSON.parse(optsJson) as MeasureOptions;
  const c = m.contract;
  const t0 = Date.now();
  const res: ModelResult = { id: m.id, status: 'FAIL', images: 0, seconds: 0, notes: [], outputs: [] };
  const done = (r: Partial<ModelResult>) => {
    Object.assign(res, r, { seconds: (Date.now() - t0) / 1000 });
    emit({ result: res });
  };
  const partial = (phase: string) => emit({ phase, partial: { ...res, seconds: (Date.now() - t0) / 1000 } });
  await useBackend('wasm');
  const size: [number, number] = c.inputSize ?? [224, 224];
  const n = imageCount(size, o.images, o.bigPixels);
  const photos = loadPhotos({ size });
  // A seeded ±dither/2 off the decoded photos: their flat regions (sky, saturated areas) make exact ties in
  // max-pools and ReLUs, where max is not differentiable and wasm and cpu pick different sides by round-off
  // (facemesh-detection-short: wasm vs cpu hue L f 4.7e-3 on the photo, 5e-7 with ±0.01 noise).
  // The photos are first squeezed into [dither/2, 1 − dither/2] so that the dither is never clipped: clipped
  // (saturated) regions are flat again, and a flat region makes exact ties in max-pools whose side then depends on
  // each backend's (and each program's) round-off (liveness, photo 3: 2.8e-3 between wasm lee and wasm tf.grad).
  const images = tf.tidy(() => dithered(photos.images.slice([0, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D, o.dither));
  photos.images.dispose();
  res.images = n;

  // 1. load: bare (detected contract), then with the manifest's contract.
  let wrapper: ModelWrapper;
  try {
    const bare = await loadModel(file);
    const det = bare as unknown as Record<string, unknown>;
    const extra = Object.keys(det).filter(
      (k) => !['name', 'net', 'inputSize', 'preprocess', 'classNames', 'source'].includes(k),
    );
    const detected = `${bare.inputSize.join('×')}, mean ${bare.preprocess.mean.join(',')} std ${bare.preprocess.std.join(',')}${extra.length ? `, ${extra.map((k) => `${k}: ${JSON.stringify(det[k]).slice(0, 80)}`).join(', ')}` : ''}`;
    res.notes.push(`detected by loadModel: ${detected}`);
    wrapper = { ...bare, inputSize: size, preprocess: rangeAsAffine(c) };
    const want = c.inputSize ? `${c.inputSize.join('×')}` : '?';
    res.contract = `${want}×${c.channels}, ${c.range}${c.layout === 'nchw' ? ', NCHW' : ''}${c.batch === 'free' ? '' : ', batch 1'}, out ${c.output}`;
  } catch (err) {
    const d = describe(err);
    tf.dispose(images);
    return done({
      status: d.typed ? 'refused' : 'FAIL',
      detail: d.typed ? d.message : `loadModel crashed: ${d.message}`,
    });
  }
  partial('load');

  if (o.phase === 'layerwise') {
    // layerwise (rotate, one image) on the contract's output (a named node where the model has several).
    const one = sliceOne(images, 0);
    try {
      const r = await layerwise(wrapper as never, one, 'rotate', { output: c.output, probes: 2, batchSize: 1 });
      res.layerwise = { status: 'ok', telescopingError: r.meta.telescopingError, output: c.output };
    } catch (err) {
      const d = describe(err);
      res.layerwise = { status: d.typed ? 'refused' : 'FAIL', detail: d.message, output: c.output };
    } finally {
      one.dispose();
      tf.dispose(images);
    }
    return done({ status: 'ok' });
  }

  // 2. every output: lee (wasm), the wasm oracle, the cpu check.
  const specs = outputsOf(m);
  for (const [j, spec] of specs.entries()) {
    const out = await measureOutput(wrapper, m, spec, j === 0, images, o, (s) => res.notes.push(s));
    res.outputs!.push(out);
    partial(`output:${j}`);
    // A model the library refuses (its first output) is not measured further.
    if (j === 0 && (out.leeError || m.expectRefusal)) break;
  }
  tf.dispose(images);
  if (wrapper.net instanceof tf.GraphModel || wrapper.net instanceof tf.LayersModel) wrapper.net.dispose();
  return done(modelStatus(res.outputs!, o.tolerance, m.expectRefusal));
}

if (require.main === module) {
  main().catch((err) => {
    emit({ fatal: describe(err).message, stack: (err as Error)?.stack });
    process.exit(3);
  });
}
