/**
 * The conformance harness (scripts/conformance) checked on models built here, without the npm
 * cache: its reverse-mode oracle agrees with `lee` where both are right, and reports a
 * disagreement where the library's answer or the contract is wrong; its StridedSlice gradient
 * (which tfjs lacks) satisfies the adjoint identity; the per-model runner measures a saved zoo
 * model end to end (wasm lee, cpu oracle, layerwise) and classifies a typed refusal.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { lee } from '../../src/lie/lee';
import { saveModel } from '../../src/models/load';
import { buildCnn } from '../../src/models/zoo';
import { inventory } from '../../scripts/conformance/inventory';
import { rangeAsAffine, type Contract, type ModelEntry } from '../../scripts/conformance/manifest';
import { DEFAULT_MEASURE, runOne } from '../../scripts/conformance/measure';
import { compareImage, measuredFunction } from '../../scripts/conformance/oracle';
import { ensureOracleGradients } from '../../scripts/conformance/oracleGradients';
import { expectNoLeak } from '../helpers/noLeak';
import { attr, tinyGraph } from '../helpers/opGraph';
import { TOL } from '../helpers/tolerances';

const GROUPS = ['translate-x', 'rotate', 'hue'];

const contract = (over: Partial<Contract> = {}): Contract => ({
  inputSize: [16, 16],
  range: '0..1',
  layout: 'nhwc',
  channels: 3,
  batch: 'free',
  output: 'logits',
  outputKind: 'classes',
  // The zoo models end in Dense 'logits' → Activation 'probs' (softmax).
  measure: { layer: 'logits' },
  ...over,
});

function smoothImages(n: number, size: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const small = tf.randomUniform([n, 4, 4, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
    return tf.image.resizeBilinear(small, [size, size], true).clipByValue(0, 1) as tf.Tensor4D;
  });
}

async function leeVectors(
  model: Parameters<typeof lee>[0],
  images: tf.Tensor4D,
  output: string,
): Promise<Float32Array[][]> {
  const rows = await lee(model, { images }, { groups: GROUPS, output, vectors: true });
  return Array.from({ length: images.shape[0] }, (_, i) =>
    GROUPS.map((g) => Float32Array.from(rows.find((r) => r.image === i && r.group === g)!.lie!)),
  );
}

describe('conformance oracle (cpu) against lee (cpu)', () => {
  let model: tf.LayersModel;
  let images: tf.Tensor4D;
  before(async () => {
    await useBackend('cpu');
    ensureOracleGradients();
    model = buildCnn({ inputShape: [16, 16, 3], numClasses: 5, seed: 3 });
    images = smoothImages(2, 16, 7);
  });
  after(() => {
    model.dispose();
    images.dispose();
  });

  it('agrees with lee on every component (K = 5 ≤ 8) for a range-scaled input', async () => {
    const c = contract({ range: '-1..1' });
    const wrapper = { name: 'cnn', net: model, inputSize: [16, 16] as [number, number], preprocess: rangeAsAffine(c) };
    const lie = await leeVectors(wrapper, images, 'logits');
    const F = measuredFunction(model, c);
    for (let i = 0; i < 2; i++) {
      const x = images.slice([i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
      const shifted = lie[i].map((a) => a.map((v) => v * 1.1));
      const cmp = await expectNoLeak(() => compareImage(F, x, GROUPS, lie[i], { also: shifted }), 'compareImage');
      x.dispose();
      assert.ok(
        Math.abs(cmp.alsoRelError! - 0.1) < TOL.relErrorScoreAbs,
        `a second answer 10% off scores 0.1, got ${cmp.alsoRelError}`,
      );
      assert.equal(cmp.checked, 5);
      assert.equal(cmp.coverage, 1);
      assert.ok(cmp.relError < TOL.jvpVsOracle, `rel. error ${cmp.relError}`);
    }
  });

  it('reports a wrong answer: lee told 0..1 while the model expects −1..1, and a 1% perturbation', async () => {
    const wrong = {
      name: 'cnn',
      net: model,
      inputSize: [16, 16] as [number, number],
      preprocess: rangeAsAffine(contract()),
    };
    const lie = await leeVectors(wrong, images, 'logits');
    const F = measuredFunction(model, contract({ range: '-1..1' }));
    const x = images.slice([0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    const cmp = compareImage(F, x, GROUPS, lie[0]);
    assert.ok(cmp.relError > 0.1, `a wrong range must be caught, rel. error ${cmp.relError}`);
    const right = { ...wrong, preprocess: rangeAsAffine(contract({ range: '-1..1' })) };
    const good = (await leeVectors(right, images, 'logits'))[0];
    const bumped = good.map((a) => a.map((v, k) => (k === 2 ? v * 1.01 + 1e-3 : v)));
    const cmp2 = compareImage(F, x, GROUPS, bumped);
    x.dispose();
    assert.ok(
      cmp2.relError > TOL.mustDifferSmall,
      `a perturbed component must exceed the tolerance, rel. error ${cmp2.relError}`,
    );
  });

  it("probs: the model's own softmax; probs of a model without one (softmax added); logits before a fused softmax", async () => {
    const wrapper = {
      name: 'cnn',
      net: model,
      inputSize: [16, 16] as [number, number],
      preprocess: rangeAsAffine(contract()),
    };
    const x = images.slice([1, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    const probs = await leeVectors(wrapper, images, 'probs');
    const c0 = compareImage(measuredFunction(model, contract({ measure: {} })), x, GROUPS, probs[1]);
    assert.ok(c0.relError < TOL.jvpVsOracle, `probs rel. error ${c0.relError}`);
    // Truncated at its logits, the net has no softmax: lee adds one, so does the oracle.
    const bare = tf.model({ inputs: model.inputs, outputs: model.getLayer('logits').output as tf.SymbolicTensor });
    const added = await leeVectors({ ...wrapper, net: bare }, images, 'probs');
    const c1 = compareImage(measuredFunction(bare, contract({ measure: { softmax: true } })), x, GROUPS, added[1]);
    assert.ok(c1.relError < TOL.jvpVsOracle, `added-softmax probs rel. error ${c1.relError}`);
    // A Dense with a fused softmax: logits are its pre-activation.
    const fused = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [16, 16, 3],
          filters: 4,
          kernelSize: 3,
          strides: 2,
          activation: 'relu',
          name: 'c1',
        }),
        tf.layers.flatten({ name: 'f' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' }),
      ],
    });
    const logits = await leeVectors({ ...wrapper, net: fused }, images, 'logits');
    const c2 = compareImage(
      measuredFunction(fused, contract({ measure: { layer: 'head', preActivation: true } })),
      x,
      GROUPS,
      logits[1],
    );
    assert.ok(c2.relError < TOL.jvpVsOracle, `logits rel. error ${c2.relError}`);
    // And the oracle tells the two apart: probs of the fused net are not its logits.
    const c3 = compareImage(measuredFunction(fused, contract({ measure: {} })), x, GROUPS, logits[1]);
    assert.ok(c3.relError > TOL.mustDiffer, `probs vs logits must differ, rel. error ${c3.relError}`);
    x.dispose();
    fused.dispose();
  });

  it('an image-like output subtracts its own tangent (equivariance, DESIGN §1); top components and probes when K > 8', async () => {
    const fcn = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [16, 16, 3],
          filters: 4,
          kernelSize: 3,
          padding: 'same',
          activation: 'tanh',
          name: 'c1',
        }),
        tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'c2' }),
      ],
    });
    const wrapper = {
      name: 'fcn',
      net: fcn,
      inputSize: [16, 16] as [number, number],
      preprocess: rangeAsAffine(contract()),
    };
    const lie = await leeVectors(wrapper, images, 'logits');
    const x = images.slice([0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    const cmp = compareImage(measuredFunction(fcn, contract({ measure: {} })), x, GROUPS, lie[0], {
      components: 4,
      probes: 2,
    });
    assert.equal(cmp.K, 16 * 16 * 2);
    assert.equal(cmp.checked, 4);
    assert.equal(cmp.probes, 2);
    assert.ok(cmp.coverage > 0 && cmp.coverage < 1);
    assert.ok(cmp.relError < TOL.jvpVsOracle, `rel. error ${cmp.relError}`);
    // Without the subtraction the numbers would differ: the oracle of J v alone is not L f.
    const jvOnly = compareImage(
      (z) => measuredFunction(fcn, contract({ measure: {} }))(z).reshape([1, -1]),
      x,
      GROUPS,
      lie[0],
      { components: 4, probes: 2 },
    );
    assert.ok(
      jvOnly.relError > TOL.mustDiffer,
      `J v alone must not match L f of an equivariant map, rel. error ${jvOnly.relError}`,
    );
    x.dispose();
    fcn.dispose();
  });

  it('a GraphModel with StridedSlice: the oracle gradient (missing in tfjs) matches lee through the graph', async () => {
    const i32 = (v: number[]) => tf.tensor1d(v, 'int32');
    const g = await tinyGraph(
      [-1, 16, 16, 3],
      [
        {
          name: 'ss',
          op: 'StridedSlice',
          input: ['x', 'b', 'e', 's'],
          attr: { begin_mask: attr.i(1), end_mask: attr.i(9), Index: attr.type('DT_INT32') },
        },
        { name: 't', op: 'Tanh', input: ['ss'] },
        { name: 'y', op: 'Reshape', input: ['t', 'shape'] },
      ],
      { b: i32([0, 1, 2, 0]), e: i32([0, 15, 14, 0]), s: i32([1, 3, 2, 1]), shape: i32([-1, 5 * 6 * 3]) },
    );
    const wrapper = {
      name: 'ss-graph',
      net: g,
      inputSize: [16, 16] as [number, number],
      preprocess: rangeAsAffine(contract()),
    };
    const lie = await leeVectors(wrapper, images, 'logits');
    const x = images.slice([1, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    const cmp = compareImage(measuredFunction(g, contract({ measure: { node: 'y' } })), x, GROUPS, lie[1]);
    x.dispose();
    assert.ok(cmp.relError < TOL.jvpVsOracle, `rel. error ${cmp.relError}`);
  });

  it('the StridedSlice gradient satisfies ⟨J^T u, v⟩ = ⟨u, J v⟩ with masks and a negative stride', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 1);
      const v = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 2);
      const f = (z: tf.Tensor) => tf.stridedSlice(z, [0, 1, 5], [0, 2, 0], [1, 1, -2], 1, 1, 0, 0, 2);
      const u = tf.randomNormal(f(x).shape, 0, 1, 'float32', 3);
      const jtu = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(f(z), u)))(x);
      const lhs = tf.sum(tf.mul(jtu, v)).dataSync()[0];
      const rhs = tf.sum(tf.mul(u, f(v))).dataSync()[0];
      assert.ok(Math.abs(lhs - rhs) < TOL.float32Reordered * (1 + Math.abs(rhs)), `${lhs} vs ${rhs}`);
    });
  });
});

describe('conformance runner on a saved zoo model (wasm lee, cpu oracle, layerwise)', () => {
  let dir: string;
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-conformance-'));
    const model = buildCnn({ inputShape: [24, 24, 3], numClasses: 4, seed: 1 });
    await saveModel(model, path.join(dir, 'cnn'));
    model.dispose();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const entry = (over: Partial<ModelEntry['contract']> = {}): ModelEntry => ({
    id: 'zoo-cnn',
    package: 'local',
    path: 'cnn/model.json',
    task: 'test',
    architecture: 'zoo cnn',
    contract: contract({ inputSize: [24, 24], range: '0..255', output: 'probs', measure: {}, ...over }),
  });

  it('inventories the saved model.json', () => {
    const inv = inventory(path.join(dir, 'cnn', 'model.json'));
    assert.equal(inv.format, 'layers-model');
    assert.deepEqual(inv.missing, []);
    assert.ok(inv.ops.Conv2D >= 1 && inv.ops.Dense >= 1, JSON.stringify(inv.ops));
    assert.deepEqual(inv.inputs[0].shape, [null, 24, 24, 3]);
  });

  it('measures every listed output (probs, logits, an inner layer): ok against both oracles, layerwise telescopes', async () => {
    const e: ModelEntry = {
      ...entry(),
      moreOutputs: [
        { label: 'logits', output: 'logits', measure: { layer: 'logits' } },
        { label: 'inner', output: 'conv2', measure: { layer: 'conv2' } },
      ],
    };
    const r = await runOne(e, path.join(dir, 'cnn', 'model.json'), { ...DEFAULT_MEASURE, images: 2, timeoutS: 180 });
    assert.equal(r.status, 'ok', `${r.detail} ${r.notes.join('; ')}`);
    assert.deepEqual(
      r.outputs!.map((o) => o.label),
      ['probs', 'logits', 'inner'],
    );
    for (const o of r.outputs!) {
      assert.equal(o.wasm?.images, 2, `${o.label}: the wasm oracle checks every image`);
      assert.ok(o.wasm!.relError < TOL.jvpVsOracle, `${o.label}: wasm rel. error ${o.wasm!.relError}`);
      assert.ok(
        o.cpu && o.cpu.relError < TOL.jvpVsOracle,
        `${o.label}: cpu rel. error ${o.cpu?.relError} ${o.cpuError}`,
      );
      assert.ok(o.spread !== undefined && o.spread < TOL.wasmVsCpu, `${o.label}: spread ${o.spread}`);
    }
    // The inner layer is a feature map: K > 8, so top components and probes were checked.
    assert.ok(r.outputs![2].wasm!.of > 8 && r.outputs![2].wasm!.checked < r.outputs![2].wasm!.of);
    assert.equal(r.layerwise?.status, 'ok');
    assert.equal(r.layerwise?.output, 'probs');
    assert.ok(r.layerwise!.telescopingError! < TOL.telescopingSum);
  });

  it('a wrong output name is a typed refusal with the library message, not a FAIL', async () => {
    const r = await runOne(entry({ output: 'no_such_layer' }), path.join(dir, 'cnn', 'model.json'), {
      ...DEFAULT_MEASURE,
      images: 1,
      timeoutS: 120,
    });
    assert.equal(r.status, 'refused', `${r.status}: ${r.detail}`);
    assert.match(r.detail ?? '', /no_such_layer/);
  });

  it('a missing model file is a refusal (FileFormatError), and a model expected to be refused that measures is a FAIL', async () => {
    const missing = await runOne(entry(), path.join(dir, 'nope', 'model.json'), {
      ...DEFAULT_MEASURE,
      images: 1,
      timeoutS: 60,
    });
    assert.equal(missing.status, 'refused');
    assert.match(missing.detail ?? '', /model\.json not found/);
    const r = await runOne({ ...entry(), expectRefusal: 'pretend int32 input' }, path.join(dir, 'cnn', 'model.json'), {
      ...DEFAULT_MEASURE,
      images: 1,
      timeoutS: 120,
    });
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail ?? '', /cannot measure/);
  });
});
