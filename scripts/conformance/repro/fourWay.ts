/**
 * Decides which side of a lee-vs-oracle disagreement is wrong, for one model, node and image:
 * lee on wasm and on cpu, the reverse-mode oracle (`tf.grad`) on wasm and on cpu, all scored on the
 * same cotangents (the largest components and Gaussian probes), and a third, independent oracle:
 * central differences of ⟨u, F⟩ along the image tangent on cpu in float32 at several step sizes
 * (truncation error falls as h², round-off grows as 1/h: the sweep shows which dominates).
 *
 *   node dist/scripts/conformance/repro/fourWay.js MODEL_ID NODE|- [IMAGE]
 *
 * FOURWAY_COTANGENTS=C (components and probes each, default 2), FOURWAY_SKIP=cpu-lee,cpu-oracle,fd skips parts,
 * FOURWAY_H=h1,h2,... the finite-difference steps, FOURWAY_JITTER=e adds lee on cpu at x ± e (conditioning).
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/backend';
import { loadPhotos } from '../../../src/data/photos';
import { featureTangent, imageTangent } from '../../../src/groups';
import { lee } from '../../../src/lie/lee';
import { loadModel } from '../../../src/models/load';
import { modelFile, readInventories } from '../inventoryDoc';
import { gaussianVector, measuredFunction, oracleProjections, projectionSpread } from '../oracle';
import { rangeAsAffine, readManifest } from '../manifest';
import { DEFAULT_MEASURE } from '../measure';
import { dithered, GROUPS } from '../measureOne';
import { ensureOracleGradients } from '../oracleGradients';

function project(lie: Float32Array[], cot: Float32Array[]): number[][] {
  return lie.map((a) =>
    cot.map((u) => {
      let s = 0;
      for (let k = 0; k < u.length; k++) s += u[k] * a[k];
      return s;
    }),
  );
}

async function main(): Promise<void> {
  const [id, nodeArg, imgArg] = process.argv.slice(2);
  const skip = new Set((process.env.FOURWAY_SKIP ?? '').split(','));
  const C = Number(process.env.FOURWAY_COTANGENTS ?? 2);
  const manifest = readManifest();
  const m = manifest.models.find((e) => e.id === id);
  if (!m || !m.contract.inputSize) throw new Error('usage: fourWay.js MODEL_ID NODE|- [IMAGE]');
  const node = nodeArg && nodeArg !== '-' ? nodeArg : m.contract.measure?.node;
  await useBackend('wasm');
  ensureOracleGradients();
  const { dirs } = readInventories({ ...manifest, models: [m] });
  const bare = await loadModel(modelFile(m, dirs));
  const w = { ...bare, inputSize: m.contract.inputSize, preprocess: rangeAsAffine(m.contract) };
  const img = Number(imgArg ?? 0);
  const photos = loadPhotos({ size: m.contract.inputSize });
  const images = dithered(photos.images.slice([img, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D, DEFAULT_MEASURE.dither);
  const xv = images.dataSync().slice();
  const xs = images.shape;
  const F = measuredFunction(w.net, m.contract, node ? { ...(m.contract.measure ?? {}), node } : m.contract.measure);
  const runLee = async () => {
    const x = tf.tensor(xv, xs) as tf.Tensor4D;
    const rows = await lee(
      w,
      { images: x },
      { groups: GROUPS, ...(node ? { output: node } : {}), vectors: true, batchSize: 1 },
    );
    x.dispose();
    return GROUPS.map((g) => Float32Array.from(rows.find((r) => r.group === g)!.lie!));
  };
  let t = Date.now();
  const lieW = await runLee();
  const K = lieW[0].length;
  process.stdout.write(`${id} ${node ?? '(output)'} K=${K}; lee wasm ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  // Cotangents: the C largest components of lee-wasm, then C Gaussian probes.
  const score = new Float32Array(K);
  lieW.forEach((a) => {
    let n = 0;
    for (const v of a) n += v * v;
    n = Math.sqrt(n) || 1;
    for (let k = 0; k < K; k++) score[k] = Math.max(score[k], Math.abs(a[k]) / n);
  });
  const chosen = Array.from(score.keys())
    .sort((a, b) => score[b] - score[a])
    .slice(0, Math.min(C, K));
  const cot = [
    ...chosen.map((k) => {
      const e = new Float32Array(K);
      e[k] = 1;
      return e;
    }),
    ...(K > C ? Array.from({ length: C }, (_, i) => gaussianVector(K, 7919 + i)) : []),
  ];
  const answers: Record<string, number[][]> = { 'lee-wasm': project(lieW, cot) };
  t = Date.now();
  {
    const x = tf.tensor(xv, xs) as tf.Tensor4D;
    answers['oracle-wasm'] = oracleProjections(F, x, GROUPS, cot).projections;
    x.dispose();
  }
  process.stdout.write(`oracle wasm ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  await tf.setBackend('cpu');
  ensureOracleGradients();
  if (!skip.has('cpu-lee')) {
    t = Date.now();
    answers['lee-cpu'] = project(await runLee(), cot);
    process.stdout.write(`lee cpu ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  }
  const jitter = Number(process.env.FOURWAY_JITTER ?? 0);
  if (jitter > 0) {
    // The same image moved by ±jitter per pixel (far below the 8-bit step): how much the answer of
    // one engine on one backend moves tells the conditioning (kinks of ReLU/ReLU6/max crossed).
    t = Date.now();
    const noise = gaussianVector(xv.length, 4242);
    const xj = Float32Array.from(xv, (v, i) => v + jitter * Math.max(-1, Math.min(1, noise[i])));
    const saved = xv.slice();
    xv.set(xj);
    answers[`lee-cpu jit ${jitter}`] = project(await runLee(), cot);
    xv.set(saved);
    process.stdout.write(`lee cpu (jittered) ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  }
  if (!skip.has('cpu-oracle')) {
    t = Date.now();
    const x = tf.tensor(xv, xs) as tf.Tensor4D;
    answers['oracle-cpu'] = oracleProjections(F, x, GROUPS, cot).projections;
    x.dispose();
    process.stdout.write(`oracle cpu ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  }
  if (!skip.has('fd')) {
    const hs = (process.env.FOURWAY_H ?? '1e-1,3e-2,1e-2,3e-3,1e-3').split(',').map(Number);
    tf.tidy(() => {
      const x = tf.tensor(xv, xs) as tf.Tensor4D;
      const primal = F(x);
      const ut = cot.map((u) => tf.tensor1d(u));
      const outProj = GROUPS.map((g) =>
        primal.rank === 4
          ? ut.map((u) => tf.sum(tf.mul(u, featureTangent(primal, g).reshape([-1]))).dataSync()[0])
          : ut.map(() => 0),
      );
      for (const h of hs) {
        answers[`fd-cpu h=${h}`] = GROUPS.map((g, gi) => {
          const v = imageTangent(x, g);
          const yp = F(tf.add(x, tf.mul(v, h)) as tf.Tensor4D).reshape([-1]);
          const ym = F(tf.sub(x, tf.mul(v, h)) as tf.Tensor4D).reshape([-1]);
          const d = tf.div(tf.sub(yp, ym), 2 * h);
          return ut.map((u, c) => tf.sum(tf.mul(u, d)).dataSync()[0] - outProj[gi][c]);
        });
      }
    });
  }
  const names = Object.keys(answers);
  process.stdout.write(
    `relative spread ‖p − q‖/‖q‖ (worst group) on ${chosen.length} components + ${cot.length - chosen.length} probes; row p vs column q\n`,
  );
  process.stdout.write(`${''.padEnd(16)}${names.map((n) => n.padStart(14)).join('')}\n`);
  for (const a of names)
    process.stdout.write(
      `${a.padEnd(16)}${names.map((b) => (a === b ? '—' : projectionSpread(answers[a], answers[b]).toExponential(1)).padStart(14)).join('')}\n`,
    );
  for (const [gi, g] of GROUPS.entries())
    process.stdout.write(
      `${g}: ${names.map((n) => `${n} ${answers[n][gi].map((p) => p.toExponential(4)).join(' ')}`).join(' | ')}\n`,
    );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
