import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { InputError, UnknownNameError } from '../../src/errors';
import { layerHeatmap, layerwiseByKind, layerwiseCumulative, type LayerMapRow, type LayerRow } from '../../src/figures';
import { featureTangent, imageTangent } from '../../src/groups';
import { layerContributions, layerDefectMaps, layerwise, type LayerwiseOutput } from '../../src/lie/layerwise';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { reduceLie } from '../../src/lie/reductions';
import { IMAGENET_PREPROCESS, type ModelWrapper } from '../../src/models/model';
import { buildZooModel, type ZooName } from '../../src/models/zoo';
import { expectNoLeak } from '../helpers/noLeak';
import { relError } from '../helpers/reference';
import { TOL } from '../helpers/tolerances';

// The bound for Σ_i C_i = L f. Both sides are float32 walks that sum the same terms in a
// different order; measured 2e-7 … 2e-6 on cpu and wasm.
const TELESCOPING_TOL = TOL.telescopingSum;
// A layer that commutes with D has δ = 0 up to float32 round-off of O(1) values: measured ≤ 1e-7
// relative to ‖J_φ·D h_in‖; aliasing layers are O(1) (measured 0.1 … 1).
const COMMUTES_TOL = TOL.float32Reordered;
const ALIASES_MIN = 1e-2;

function images(n: number, size: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** Σ_i C_i against lieDerivative (an independent walk: the lee engine), ≤ TELESCOPING_TOL. */
async function checkTelescoping(
  model: tf.LayersModel | ModelWrapper,
  x: tf.Tensor4D,
  group: string,
  output: LayerwiseOutput = 'probs',
): Promise<number> {
  const r = layerContributions(model, x, group, { output });
  const [ref] = await lieDerivative(model, x, [group], { output });
  const sum = tf.sum(r.contribs, 0);
  const err = relError(sum.dataSync(), ref.lie.dataSync());
  const lfErr = relError(r.lf.dataSync(), ref.lie.dataSync());
  tf.dispose([sum, r.contribs, r.lf, ref.lie]);
  assert.ok(err <= TELESCOPING_TOL, `${group} ${output}: ‖Σ C_i − L f‖ relative ${err}`);
  assert.ok(lfErr <= TELESCOPING_TOL, `${group} ${output}: end-to-end slot vs lieDerivative ${lfErr}`);
  return err;
}

const MODELS: ZooName[] = ['cnn-relu', 'resnet-small', 'cnn-blurpool', 'vit-tiny'];

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`layerwise telescoping Σ_i C_i = L f (${backend})`, () => {
    // cpu is ~5× slower than wasm here: one image and one group (rotate: a field that varies in
    // space, the most general case), and no BlurPool CNN (14 s on cpu); wasm gets them all.
    const groups = backend === 'wasm' ? ['translate-x', 'rotate', 'scale'] : ['rotate'];
    let x: tf.Tensor4D;
    const models = new Map<string, tf.LayersModel>();
    before(async () => {
      await useBackend(backend);
      x = images(backend === 'wasm' ? 2 : 1, 28, 11);
      for (const name of MODELS) models.set(name, buildZooModel(name, { seed: 1 }));
    });

    for (const name of MODELS.filter((m) => backend === 'wasm' || m !== 'cnn-blurpool')) {
      it(`${name}: ${groups.join(', ')} (probs) and logits`, async () => {
        const m = models.get(name) as tf.LayersModel;
        for (const g of groups) await checkTelescoping(m, x, g);
        await checkTelescoping(m, x, groups[0], 'logits');
      });
    }

    it('mean-sq (Eq. 4): Σ meanSqShare = the mean-sq LEE of lieDerivative; per-layer meanSq = sqnorm/K does not sum to it (vit-tiny, rotate)', async () => {
      const m = models.get('vit-tiny') as tf.LayersModel;
      const res = await expectNoLeak(() => layerwise(m, x, 'rotate'), 'layerwise');
      const [ref] = await lieDerivative(m, x, ['rotate']);
      const meanSq = reduceLie(ref.lie, 'mean-sq');
      ref.lie.dispose();
      const K = res.meta.outputs;
      let apart = 0;
      for (const t of res.totals) {
        const mine = res.rows.filter((r) => r.image === t.image);
        const share = mine.reduce((a, r) => a + r.meanSqShare, 0);
        const naive = mine.reduce((a, r) => a + r.meanSq, 0);
        mine.forEach((r) => assert.equal(r.meanSq, r.sqnorm / K));
        assert.ok(
          Math.abs(t.meanSq - meanSq[t.image]) <= TELESCOPING_TOL * meanSq[t.image],
          `image ${t.image}: total mean-sq ${t.meanSq} vs ${meanSq[t.image]}`,
        );
        assert.ok(
          Math.abs(share - meanSq[t.image]) <= TELESCOPING_TOL * meanSq[t.image],
          `image ${t.image}: Σ meanSqShare ${share} vs mean-sq LEE ${meanSq[t.image]}`,
        );
        apart = Math.max(apart, Math.abs(naive - t.meanSq) / t.meanSq);
      }
      // The squares miss the cross terms Σ_{i≠j}⟨C_i, C_j⟩/K: far more than round-off on a real network.
      assert.ok(
        apart > 100 * TELESCOPING_TOL,
        `Σ meanSq should differ from the total by the cross terms, got relative ${apart}`,
      );
    });

    it('Σ projection = ‖L f‖ per image, and totals = ‖lieDerivative‖ (vit-tiny, rotate)', async () => {
      const m = models.get('vit-tiny') as tf.LayersModel;
      const res = await layerwise(m, x, 'rotate');
      const [ref] = await lieDerivative(m, x, ['rotate']);
      const lf = ref.lie.arraySync();
      ref.lie.dispose();
      assert.equal(res.rows.length, res.layers.length * x.shape[0]);
      assert.equal(res.sqnormMethod, 'exact'); // K = 10 ≤ exactLimit 64
      for (const t of res.totals) {
        const l2 = Math.hypot(...lf[t.image]);
        const proj = res.rows.filter((r) => r.image === t.image).reduce((a, r) => a + r.projection, 0);
        assert.ok(Math.abs(t.l2 - l2) <= TELESCOPING_TOL * l2, `image ${t.image}: total ${t.l2} vs ${l2}`);
        assert.ok(Math.abs(proj - l2) <= TELESCOPING_TOL * l2, `image ${t.image}: Σ projection ${proj} vs ‖L f‖ ${l2}`);
      }
      assert.ok(res.meta.telescopingError <= TELESCOPING_TOL, `meta.telescopingError ${res.meta.telescopingError}`);
      const kinds = new Set(res.layers.map((l) => l.kind));
      for (const k of ['conv', 'norm', 'attention', 'add/merge', 'dense', 'activation'])
        assert.ok(kinds.has(k as never), `vit-tiny has a '${k}' layer`);
    });
  });
}

describe('layerwise: where the defect sits (wasm)', () => {
  let x: tf.Tensor4D;
  before(async () => {
    await useBackend('wasm');
    x = images(2, 28, 5);
  });

  for (const group of ['hue', 'contrast']) {
    it(`colour group ${group}: all of C at the first layer that mixes the input, none at preprocessing`, async () => {
      const wrapper: ModelWrapper = {
        name: 'cnn-relu-imagenet',
        net: buildZooModel('cnn-relu', { seed: 2 }),
        inputSize: [28, 28],
        preprocess: IMAGENET_PREPROCESS,
      };
      await checkTelescoping(wrapper, x, group);
      const r = layerContributions(wrapper, x, group);
      assert.equal(r.layers[0].name, 'preprocess');
      assert.equal(r.layers[1].name, 'conv1');
      const per = tf.unstack(r.contribs).map((c) => c.dataSync());
      const lf = r.lf.dataSync();
      tf.dispose([r.contribs, r.lf]);
      // Colour acts on the input only (D = 0 on feature maps): every other C_i is exactly 0.
      per.forEach((c, i) => {
        if (i !== 1)
          assert.equal(Math.max(...Array.from(c, Math.abs)), 0, `${r.layers[i].name} has a non-zero contribution`);
      });
      const err = relError(per[1], lf);
      assert.ok(err <= TOL.float32FewOps, `conv1's C vs L f: ${err}`); // the same walk: round-off only
    });
  }

  it('spatial groups: preprocessing (a per-channel affine) has zero defect', async () => {
    const wrapper: ModelWrapper = {
      name: 'cnn-relu-imagenet',
      net: buildZooModel('cnn-relu', { seed: 2 }),
      inputSize: [28, 28],
      preprocess: IMAGENET_PREPROCESS,
    };
    for (const g of ['translate-y', 'rotate']) {
      const res = await layerwise(wrapper, x, g);
      for (const row of res.rows.filter((r) => r.layer === 'preprocess')) {
        assert.ok(row.pushed > 1, `${g}: the input tangent is not trivial`);
        assert.ok(
          row.defect <= COMMUTES_TOL * row.pushed,
          `${g} image ${row.image}: preprocess defect ${row.defect} vs ${row.pushed}`,
        );
      }
    }
  });

  it('1×1 conv and per-channel affine (batch norm) commute with D; strided conv and ReLU do not (aliasing)', async () => {
    const input = tf.input({ shape: [16, 16, 3] });
    let h = tf.layers
      .conv2d({
        filters: 4,
        kernelSize: 1,
        name: 'conv1x1',
        kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
        biasInitializer: 'ones',
      })
      .apply(input) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: 'affine' });
    h = bn.apply(h) as tf.SymbolicTensor;
    h = tf.layers.activation({ activation: 'relu', name: 'relu' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers
      .conv2d({
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        name: 'strided',
        kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }),
      })
      .apply(h) as tf.SymbolicTensor;
    h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
    h = tf.layers
      .dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) })
      .apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: h });
    // A non-trivial per-channel affine: gamma, beta, moving mean and variance all differ per channel.
    bn.setWeights([
      tf.tensor1d([0.5, 2, -1, 1.5]),
      tf.tensor1d([0.1, -0.3, 0.2, 0]),
      tf.tensor1d([0.2, -0.1, 0.4, 0.3]),
      tf.tensor1d([0.8, 1.7, 0.6, 2.2]),
    ]);
    const xs = images(2, 16, 8);
    for (const g of ['translate-x', 'rotate', 'scale']) {
      const res = await layerwise(model, xs, g);
      const rel = (layer: string) =>
        Math.max(...res.rows.filter((r) => r.layer === layer).map((r) => r.defect / r.pushed));
      assert.ok(rel('conv1x1') <= COMMUTES_TOL, `${g}: 1×1 conv relative defect ${rel('conv1x1')}`);
      assert.ok(rel('affine') <= COMMUTES_TOL, `${g}: batch norm relative defect ${rel('affine')}`);
      assert.ok(rel('relu') >= ALIASES_MIN, `${g}: ReLU relative defect ${rel('relu')}`);
      assert.ok(rel('strided') >= ALIASES_MIN, `${g}: strided conv relative defect ${rel('strided')}`);
    }
    xs.dispose();
  });

  it('layerDefectMaps: conv1 map = Σ_c |conv(D x) − D conv(x)| computed by hand; token layers on the 7×7 grid', async () => {
    const model = buildZooModel('cnn-relu', { seed: 3 });
    const maps = await layerDefectMaps(model, x, 'rotate');
    const conv = model.getLayer('conv1');
    const [kernel, bias] = conv.getWeights();
    const want = tf.tidy(() => {
      const pre = tf.add(tf.conv2d(x, kernel as tf.Tensor4D, 1, 'same'), bias);
      const delta = tf.sub(
        tf.conv2d(imageTangent(x, 'rotate'), kernel as tf.Tensor4D, 1, 'same'),
        featureTangent(pre, 'rotate'),
      );
      return tf.sum(tf.abs(delta), 3);
    });
    const wantV = want.arraySync() as number[][][];
    want.dispose();
    for (const b of [0, 1]) {
      const row = maps.find((m) => m.layer === 'conv1' && m.image === b);
      assert.ok(row, `a conv1 map for image ${b}`);
      assert.equal(row.height, 28);
      assert.equal(row.width, 28);
      // Same float32 ops in another grouping: round-off of values ~10² → 1e-5 relative.
      assert.ok(
        relError(row.values, wantV[b].flat()) <= TOL.float32Reordered,
        `image ${b}: ${relError(row.values, wantV[b].flat())}`,
      );
    }
    assert.deepEqual(
      [...new Set(maps.map((m) => `${m.layer} ${m.height}×${m.width}`))],
      ['conv1 28×28', 'conv1/relu 28×28', 'maxpool1 14×14', 'conv2 14×14', 'conv2/relu 14×14', 'maxpool2 7×7'],
    );
    const vitMaps = await layerDefectMaps(buildZooModel('vit-tiny', { seed: 1 }), x, 'translate-x');
    const ln = vitMaps.find((m) => m.layer === 'block1_ln1');
    assert.ok(ln && ln.height === 7 && ln.width === 7, 'token layers map to the 7×7 patch grid');
    assert.ok(
      ln.values.some((v) => v > 0),
      'layer norm has a defect',
    );
  });
});

describe('layerwise: options, Hutchinson, memory, errors (wasm)', () => {
  let model: tf.LayersModel;
  let x: tf.Tensor4D;
  before(async () => {
    await useBackend('wasm');
    model = buildZooModel('resnet-small', { seed: 4 });
    x = images(2, 28, 9);
  });

  it('Hutchinson estimates (K = 10 > exactLimit 4) match the exact ‖C_i‖² within 5·√(2/P)', async () => {
    const P = 400;
    const exact = await layerwise(model, x, 'rotate', { exact: true, exactLimit: 4 });
    const est = await layerwise(model, x, 'rotate', { exactLimit: 4, probes: P, seed: 3 });
    assert.equal(exact.sqnormMethod, 'exact');
    assert.equal(est.sqnormMethod, 'hutchinson');
    const tol = 5 * Math.sqrt(2 / P); // relative std of a P-probe estimate is √(2/P) (test/lie/hutchinson.test.ts)
    let compared = 0;
    est.rows.forEach((r, i) => {
      const e = exact.rows[i].sqnorm;
      assert.equal(r.projection, exact.rows[i].projection, 'projection always uses the exact C_i');
      if (e === 0) return assert.equal(r.sqnorm, 0);
      compared++;
      assert.ok(Math.abs(r.sqnorm / e - 1) <= tol, `${r.layer} image ${r.image}: ${r.sqnorm} vs exact ${e}`);
    });
    assert.ok(compared > 20, `compared ${compared} non-zero rows`);
  });

  it('splitting the layers over several walks (maxSlots) gives the same contributions', () => {
    const one = layerContributions(model, x, 'scale');
    const split = layerContributions(model, x, 'scale', { maxSlots: 5 });
    assert.equal(one.walks, 1);
    assert.equal(split.walks, Math.ceil(one.layers.length / 5));
    assert.ok(relError(split.contribs.dataSync(), one.contribs.dataSync()) <= TOL.float32FewOps);
    tf.dispose([one.contribs, one.lf, split.contribs, split.lf]);
  });

  it('leaves tf.memory().numTensors unchanged', async () => {
    await expectNoLeak(async () => {
      await layerwise(model, x, 'rotate', { batchSize: 1 });
    }, 'layerwise');
    await expectNoLeak(async () => {
      await layerDefectMaps(model, x, 'translate-x');
    }, 'layerDefectMaps');
    await expectNoLeak(() => {
      const r = layerContributions(model, x, 'hue', { maxSlots: 7 });
      tf.dispose([r.contribs, r.lf]);
    }, 'layerContributions');
  });

  it('rows feed the figure builders of src/figures (LayerRow, LayerMapRow)', async () => {
    const res = await layerwise(model, x, 'rotate');
    const rows: LayerRow[] = res.rows; // compile-time: the result rows are LayerRows
    const maps: LayerMapRow[] = (await layerDefectMaps(model, x, 'rotate')).filter((m) => m.image === 0);
    const cumulative = layerwiseCumulative(rows, { normalize: false, depth: 'index' });
    // The cumulative projection ends at the mean ‖L f‖ over images.
    const ys = cumulative.data[0].y as number[];
    const meanL2 = res.totals.reduce((a, t) => a + t.l2, 0) / res.totals.length;
    assert.ok(
      Math.abs(ys[ys.length - 1] - meanL2) <= TOL.telescopingSum * meanL2,
      `cumulative ends at ${ys[ys.length - 1]}, mean ‖L f‖ ${meanL2}`,
    );
    assert.ok(layerwiseByKind(rows).data.length > 0);
    assert.ok(layerHeatmap(maps).data.length === maps.length);
  });

  it('reports progress per batch', async () => {
    const seen: string[] = [];
    await layerwise(model, x, 'translate-x', { batchSize: 1, onProgress: (d, t) => seen.push(`${d}/${t}`) });
    assert.deepEqual(seen, ['1/2', '2/2']);
  });

  it('bad input throws typed errors that say what was expected', async () => {
    await assert.rejects(
      layerwise(model, images(1, 16, 1), 'rotate'),
      (e: unknown) => e instanceof InputError && /expects 28×28 images, got 16×16/.test((e as Error).message),
    );
    // Any tensor can be decomposed (layer-wise works on named outputs too); an unknown name lists the layers.
    await assert.rejects(
      layerwise(model, x, 'rotate', { output: 'embedding' as LayerwiseOutput }),
      (e: unknown) =>
        e instanceof UnknownNameError && /unknown layer 'embedding'; valid: stem_conv/.test((e as Error).message),
    );
    await assert.rejects(layerwise(model, x, 'spin'), UnknownNameError);
    await assert.rejects(layerwise(model, x, 'rotate', { probes: 0 }), InputError);
  });
});
