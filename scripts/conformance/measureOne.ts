/**
 * Measures one manifest model in its own process (run by measure.ts, which enforces a time limit
 * and survives crashes): `node measureOne.js <model.json> <entry JSON> <options JSON>`.
 * Prints one JSON line per finished phase (`{"phase": ..., "partial": ModelResult}`) and a final
 * `{"result": ModelResult}` on stdout.
 *
 *  1. loadModel (wasm), once bare (what the library detects) and then told the manifest's contract;
 *  2. lee on `images` bundled photos (datasets/photos) for translate-x, rotate and hue, with vectors;
 *  3. the reverse-mode oracle (oracle.ts) on the cpu backend on `oracleImages` of them;
 *  4. layerwise for rotate on one image, and its telescoping error.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { loadPhotos } from '../../src/data/photos';
import { LiederivError } from '../../src/errors';
import { layerwise } from '../../src/lie/layerwise';
import { lee } from '../../src/lie/lee';
import { loadModel } from '../../src/models/load';
import type { ModelWrapper } from '../../src/models/model';
import { rangeAsAffine, type ModelEntry } from './manifest';
import { compareImage, measuredFunction } from './oracle';
import { ensureOracleGradients } from './oracleGradients';
import type { ModelResult } from './report';

export const GROUPS = ['translate-x', 'rotate', 'hue'];

export interface MeasureOptions {
  images: number;
  /** Images the cpu oracle checks, by input size: all `images` up to smallPixels, one up to largePixels, none above. */
  smallPixels: number;
  largePixels: number;
  tolerance: number;
  components: number;
  /** Width of the uniform dither added to the photos (0: none). */
  dither: number;
  /** Seconds the cpu oracle may take per model (at least one cotangent of one image is always done). */
  oracleBudgetS: number;
}

function emit(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/** First line of an error, and whether it is one of the library's typed errors (a clear refusal). */
function describe(err: unknown): { typed: boolean; message: string } {
  const e = err as Error;
  const typed = err instanceof LiederivError;
  const message = String(e?.message ?? err).split('\n')[0];
  return { typed, message: typed ? message : `${e?.name ?? 'Error'}: ${message}` };
}

export function oracleImageCount(size: [number, number], o: MeasureOptions): number {
  const px = size[0] * size[1];
  return px <= o.smallPixels ? o.images : px <= o.largePixels ? 1 : 0;
}

async function main(): Promise<void> {
  const [file, entryJson, optsJson] = process.argv.slice(2);
  const m = JSON.parse(entryJson) as ModelEntry;
  const o = JSON.parse(optsJson) as MeasureOptions;
  const c = m.contract;
  const t0 = Date.now();
  const res: ModelResult = { id: m.id, status: 'FAIL', images: 0, seconds: 0, notes: [] };
  const done = (r: Partial<ModelResult>) => {
    Object.assign(res, r, { seconds: (Date.now() - t0) / 1000 });
    emit({ result: res });
  };
  const partial = (phase: string) => emit({ phase, partial: { ...res, seconds: (Date.now() - t0) / 1000 } });
  await useBackend('wasm');
  const size: [number, number] = c.inputSize ?? [224, 224];
  const photos = loadPhotos({ size });
  // A seeded ±dither/2 off the decoded photos: their flat regions (sky, saturated areas) make exact ties in
  // max-pools and ReLUs, where max is not differentiable and wasm and cpu pick different sides by round-off
  // (facemesh-detection-short: wasm vs cpu hue L f 4.7e-3 on the photo, 5e-7 with ±0.01 noise).
  const images = tf.tidy(() => {
    const x = photos.images.slice([0, 0, 0, 0], [o.images, -1, -1, -1]) as tf.Tensor4D;
    return o.dither > 0 ? (tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -o.dither / 2, o.dither / 2, 'float32', 1)), 0, 1) as tf.Tensor4D) : x;
  });
  photos.images.dispose();
  res.images = o.images;

  // 1. load: bare (detected contract), then with the manifest's contract.
  let wrapper: ModelWrapper;
  try {
    const bare = await loadModel(file);
    const det = bare as unknown as Record<string, unknown>;
    const extra = Object.keys(det).filter((k) => !['name', 'net', 'inputSize', 'preprocess', 'classNames', 'source'].includes(k));
    const detected = `${bare.inputSize.join('×')}, mean ${bare.preprocess.mean.join(',')} std ${bare.preprocess.std.join(',')}${extra.length ? `, ${extra.map((k) => `${k}: ${JSON.stringify(det[k]).slice(0, 80)}`).join(', ')}` : ''}`;
    res.notes.push(`detected by loadModel: ${detected}`);
    wrapper = { ...bare, inputSize: size, preprocess: rangeAsAffine(c) };
    const want = c.inputSize ? `${c.inputSize.join('×')}` : '?';
    res.contract = `${want}×${c.channels}, ${c.range}${c.layout === 'nchw' ? ', NCHW' : ''}${c.batch === 'free' ? '' : ', batch 1'}, out ${c.output}`;
  } catch (err) {
    const d = describe(err);
    return done({ status: d.typed ? 'refused' : 'FAIL', detail: d.typed ? d.message : `loadModel crashed: ${d.message}` });
  }
  partial('load');

  // 2. lee on wasm.
  let lie: Float32Array[][]; // [image][group] vectors
  try {
    const rows = await lee(wrapper, { images }, { groups: GROUPS, output: c.output, vectors: true, batchSize: o.images });
    lie = Array.from({ length: o.images }, (_, i) => GROUPS.map((g) => Float32Array.from(rows.find((r) => r.image === i && r.group === g)!.lie!)));
  } catch (err) {
    const d = describe(err);
    tf.dispose(images);
    if (m.expectRefusal) return done({ status: d.typed ? 'refused' : 'FAIL', detail: d.typed ? d.message : `lee crashed instead of refusing (${m.expectRefusal}): ${d.message}` });
    return done({ status: d.typed ? 'refused' : 'FAIL', detail: d.typed ? d.message : `lee crashed: ${d.message}` });
  }
  if (m.expectRefusal) {
    tf.dispose(images);
    return done({ status: 'FAIL', detail: `lee returned numbers for a model it cannot measure (${m.expectRefusal})` });
  }
  res.notes.push(`lee (wasm) ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  partial('lee');

  // 3. the oracle on cpu.
  const nOracle = oracleImageCount(size, o);
  let oracleOk = false;
  if (nOracle === 0) res.notes.push(`oracle skipped: ${size.join('×')} input above the cpu size cap (${o.largePixels} px)`);
  else {
    const tOracle = Date.now();
    try {
      // The measured output itself on wasm, to compare with cpu: tells arithmetic differences between the backends apart.
      let fWasm: Float32Array | undefined;
      try {
        const x0 = images.slice([0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
        fWasm = tf.tidy(() => measuredFunction(wrapper.net, c)(x0).dataSync() as Float32Array);
        x0.dispose();
      } catch {
        /* a model the oracle's F cannot run on wasm: no forward comparison */
      }
      await tf.setBackend('cpu');
      ensureOracleGradients();
      const F = measuredFunction(wrapper.net, c);
      // lee on cpu for the first image, scored on the same cotangents: separates an engine error
      // (cpu lee off too) from wasm-vs-cpu arithmetic (cpu lee matches, wasm lee does not).
      let lieCpu: Float32Array[] | undefined;
      try {
        const x0 = images.slice([0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
        const rows = await lee(wrapper, { images: x0 }, { groups: GROUPS, output: c.output, vectors: true });
        x0.dispose();
        lieCpu = GROUPS.map((g) => Float32Array.from(rows.find((r) => r.group === g)!.lie!));
      } catch (err) {
        res.notes.push(`lee on cpu failed: ${describe(err).message}`);
      }
      let worst = 0;
      const perGroup: Record<string, number> = {};
      let checked = 0;
      let coverage = 1;
      let K = 0;
      if (fWasm) {
        const x0 = images.slice([0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
        const fCpu = tf.tidy(() => F(x0).dataSync() as Float32Array);
        x0.dispose();
        let num = 0;
        let den = 0;
        for (let k = 0; k < fCpu.length; k++) {
          num += (fCpu[k] - fWasm[k]) ** 2;
          den += fCpu[k] ** 2;
        }
        res.forwardWasmCpu = den > 0 ? Math.sqrt(num / den) : 0;
      }
      const deadline = tOracle + o.oracleBudgetS * 1000;
      let probes = 0;
      let imagesChecked = 0;
      for (let i = 0; i < nOracle; i++) {
        if (i > 0 && Date.now() > deadline) break;
        const x = images.slice([i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
        const cmp = compareImage(F, x, GROUPS, lie[i], { components: o.components, seed: i, deadline, also: i === 0 ? lieCpu : undefined });
        if (cmp.alsoRelError !== undefined) res.cpuLeeRelError = cmp.alsoRelError;
        imagesChecked++;
        probes = cmp.probes;
        x.dispose();
        worst = Math.max(worst, cmp.relError);
        GROUPS.forEach((g, j) => (perGroup[g] = Math.max(perGroup[g] ?? 0, cmp.perGroup[j])));
        checked = cmp.checked;
        K = cmp.K;
        coverage = Math.min(coverage, cmp.coverage);
      }
      res.leeRelError = worst;
      res.perGroup = perGroup;
      res.components = { checked, of: K, coverage };
      res.oracleImages = imagesChecked;
      res.notes.push(`oracle (cpu reverse mode) on ${imagesChecked} image(s), ${checked} component(s) + ${probes} random probe(s), ${((Date.now() - tOracle) / 1000).toFixed(1)} s`);
      oracleOk = true;
    } catch (err) {
      res.notes.push(`oracle failed: ${describe(err).message}`);
    } finally {
      await tf.setBackend('wasm');
    }
  }
  partial('oracle');

  // 4. layerwise (rotate, one image).
  const lwOutput = c.output === 'probs' ? 'probs' : 'logits';
  try {
    const one = images.slice([0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    try {
      const r = await layerwise(wrapper as never, one, 'rotate', { output: lwOutput, probes: 2, batchSize: 1 });
      res.layerwise = { status: 'ok', telescopingError: r.meta.telescopingError };
      if (c.output !== 'probs' && c.output !== 'logits') res.notes.push(`layerwise measured '${lwOutput}' (the model's output), not '${c.output}'`);
    } finally {
      one.dispose();
    }
  } catch (err) {
    const d = describe(err);
    res.layerwise = { status: d.typed ? 'refused' : 'FAIL', detail: d.message };
  }
  tf.dispose(images);
  if (wrapper.net instanceof tf.GraphModel || wrapper.net instanceof tf.LayersModel) wrapper.net.dispose();

  if (!oracleOk) return done({ status: 'unchecked' as ModelResult['status'], detail: res.notes.find((n) => n.startsWith('oracle')) });
  if (!(res.leeRelError! <= o.tolerance)) {
    const g = Object.entries(res.perGroup!).sort((a, b) => b[1] - a[1])[0];
    const diag =
      res.cpuLeeRelError !== undefined && res.cpuLeeRelError <= o.tolerance
        ? `; lee on cpu agrees to ${res.cpuLeeRelError.toExponential(1)}, so the wasm and cpu backends compute different derivatives (their forward outputs differ by ${res.forwardWasmCpu?.toExponential(1) ?? '?'}: kinks or round-off), not a rule error`
        : res.cpuLeeRelError !== undefined
          ? `; lee on cpu is off too (${res.cpuLeeRelError.toExponential(1)}): an engine or contract error`
          : '';
    return done({ status: 'FAIL', detail: `lee (wasm) disagrees with the reverse-mode oracle (cpu): rel. error ${res.leeRelError!.toExponential(2)} > ${o.tolerance} (worst group ${g[0]})${diag}` });
  }
  if (res.layerwise?.status === 'FAIL') return done({ status: 'FAIL', detail: `layerwise crashed: ${res.layerwise.detail}` });
  if (res.layerwise?.status === 'ok' && !(res.layerwise.telescopingError! <= 1e-3)) return done({ status: 'FAIL', detail: `layerwise telescoping error ${res.layerwise.telescopingError}` });
  return done({ status: 'ok' });
}

if (require.main === module) {
  main().catch((err) => {
    emit({ fatal: describe(err).message, stack: (err as Error)?.stack });
    process.exit(3);
  });
}
