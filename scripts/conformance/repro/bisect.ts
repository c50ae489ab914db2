/**
 * Bisects a disagreement between `lee` and the reverse-mode oracle along a model's graph: for each
 * named node, lee told `output: NODE` against `tf.grad` of that node, on one backend, per image.
 * The first node whose error jumps is where the two part. Also prints, per group, the oracle's
 * ⟨∇F_k, v⟩ against Σ|∇F_k · v| (how much cancellation leaves L F small: float32 conditioning).
 *
 *   node dist/scripts/conformance/repro/bisect.js MODEL_ID BACKEND NODE [NODE ...]
 *   e.g. gender-ssrnet-imdb cpu StatefulPartitionedCall/functional_7/dense_29/Relu StatefulPartitionedCall/functional_7/pred_stage1/Relu
 *
 * BISECT_IMAGES=N (default 3) and BISECT_COTANGENTS=C (components and probes each; default 4 and 2) make it cheaper.
 * Needs the suite's cache (npm run conformance, or run.js --inventory, installs it).
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/backend';
import { loadPhotos } from '../../../src/data/photos';
import { imageTangent } from '../../../src/groups';
import { lee } from '../../../src/lie/lee';
import { loadModel } from '../../../src/models/load';
import { modelFile, readInventories } from '../inventoryDoc';
import { rangeAsAffine, readManifest } from '../manifest';
import { DEFAULT_MEASURE } from '../measure';
import { dithered, GROUPS } from '../measureOne';
import { compareImage, measuredFunction } from '../oracle';
import { ensureOracleGradients } from '../oracleGradients';

async function main(): Promise<void> {
  const [id, backend, ...nodes] = process.argv.slice(2);
  const manifest = readManifest();
  const m = manifest.models.find((e) => e.id === id);
  if (!m || !m.contract.inputSize || !nodes.length)
    throw new Error('usage: bisect.js MODEL_ID cpu|wasm NODE [NODE ...]');
  await useBackend(backend as 'cpu' | 'wasm');
  ensureOracleGradients();
  const { dirs } = readInventories({ ...manifest, models: [m] });
  const bare = await loadModel(modelFile(m, dirs));
  const w = { ...bare, inputSize: m.contract.inputSize, preprocess: rangeAsAffine(m.contract) };
  const photos = loadPhotos({ size: m.contract.inputSize });
  const n = Number(process.env.BISECT_IMAGES ?? DEFAULT_MEASURE.images);
  const cot = process.env.BISECT_COTANGENTS ? Number(process.env.BISECT_COTANGENTS) : undefined;
  const images = dithered(photos.images.slice([0, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D, DEFAULT_MEASURE.dither);
  for (const node of nodes) {
    const rows = await lee(w, { images }, { groups: GROUPS, output: node, vectors: true, batchSize: n });
    const F = measuredFunction(w.net, m.contract, { node });
    const errs: string[] = [];
    for (let i = 0; i < n; i++) {
      const x = images.slice([i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
      const lie = GROUPS.map((g) => Float32Array.from(rows.find((r) => r.image === i && r.group === g)!.lie!));
      const cmp = compareImage(F, x, GROUPS, lie, { seed: i, ...(cot ? { components: cot, probes: cot } : {}) });
      // Cancellation of the largest component's projection, for the first image.
      const cond =
        i === 0
          ? tf.tidy(() => {
              const k = cmp.chosen[0];
              const y = F(x);
              const u = tf
                .oneHot(tf.tensor1d([k], 'int32'), y.size)
                .reshape(y.shape)
                .toFloat();
              const grad = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(F(z as tf.Tensor4D), u)))(x);
              return GROUPS.map((g) => {
                const p = tf.mul(grad, imageTangent(x, g));
                return `${g} ${(tf.sum(tf.abs(p)).dataSync()[0] / Math.abs(tf.sum(p).dataSync()[0])).toExponential(1)}`;
              }).join(', ');
            })
          : '';
      errs.push(`img ${i} ${cmp.relError.toExponential(1)}${cond ? ` (Σ|terms|/|L F| ${cond})` : ''}`);
      x.dispose();
    }
    process.stdout.write(`${node}: ${errs.join('; ')}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
