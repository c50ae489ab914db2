import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { FileFormatError } from '../../src/errors';
import { jvp } from '../../src/jvp';
import { jvpLayersModel } from '../../src/jvp/layersModel';
import { fromKeras3, isKeras3ModelJson } from '../../src/models/keras3';
import { loadModel } from '../../src/models/load';
import { installTfjsLayerFixes, prepareLayersModelJson } from '../../src/models/tfjsLayerFixes';
import { setTestBackend } from '../helpers/backends';
import { runHere } from '../helpers/cli';
import { seededNormal } from '../helpers/opGraph';
import { TOL } from '../helpers/tolerances';

// Fixtures: test/fixtures/keras3/*/model.json, laid out as Keras 3 writes them (cnn-relu-functional is
// a real Keras 3.4.1 export of the zoo's cnn-relu-mnist; make.js derives the others from it). They
// share the zoo's weights.bin, copied beside each model.json here.
const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'keras3');
const ZOO = path.join(ROOT, 'datasets', 'models', 'cnn-relu-mnist');
const BASELINE = path.join(ROOT, 'test', 'fixtures', 'cases', 'baseline-x.npy');

function materialize(fixture: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keras3-${fixture}-`));
  fs.copyFileSync(path.join(FIXTURES, fixture, 'model.json'), path.join(dir, 'model.json'));
  fs.copyFileSync(path.join(ZOO, 'weights.bin'), path.join(dir, 'weights.bin'));
  return path.join(dir, 'model.json');
}
const readFixture = (f: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, f, 'model.json'), 'utf8'));
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('Keras 3 model.json files load as the same network (cpu)', () => {
  let zoo: tf.LayersModel;
  let x: tf.Tensor;
  before(async () => {
    await setTestBackend('cpu');
    zoo = (await loadModel(path.join(ZOO, 'model.json'))).net as tf.LayersModel;
    x = tf.randomUniform([3, 28, 28, 3], 0, 1, 'float32', 7);
  });

  for (const fixture of ['cnn-relu-functional', 'cnn-relu-sequential', 'cnn-relu-nested']) {
    it(`${fixture}: predictions equal the Keras 2 zoo model's exactly`, async () => {
      const m = (await loadModel(materialize(fixture))).net as tf.LayersModel;
      const diff = maxAbsDiff(m.predict(x) as tf.Tensor, zoo.predict(x) as tf.Tensor);
      assert.equal(diff, 0, `${fixture}: max |Δ| = ${diff}`);
      m.dispose();
    });
  }

  it('cnn-relu-shared: conv1 called twice (nodes 0 and 1) computes conv1(x) + conv1(−x) → the zoo chain', async () => {
    const m = (await loadModel(materialize('cnn-relu-shared'))).net as tf.LayersModel;
    const want = tf.tidy(() => {
      const conv1 = zoo.getLayer('conv1');
      let h = tf.add(conv1.apply(x) as tf.Tensor, conv1.apply(tf.neg(x)) as tf.Tensor);
      for (const name of ['maxpool1', 'conv2', 'maxpool2', 'flatten', 'dropout1', 'fc1', 'logits', 'probs'])
        h = zoo.getLayer(name).apply(h) as tf.Tensor;
      return h;
    });
    assert.ok(maxAbsDiff(m.predict(x) as tf.Tensor, want) < TOL.float32FewOps);
    assert.equal(m.getLayer('conv1').inboundNodes.length, 2);
    want.dispose();
    m.dispose();
  });

  it("cnn-relu-resizing: builds (tfjs's Resizing output-shape bug worked around) and resizes as Keras does (half-pixel centres)", async () => {
    const m = (await loadModel(materialize('cnn-relu-resizing'))).net as tf.LayersModel;
    assert.equal(m.getLayer('resize').getClassName(), 'KerasResizing');
    assert.deepEqual(m.getLayer('resize').outputShape, [null, 28, 28, 3]);
    const big = tf.randomUniform([2, 56, 56, 3], 0, 1, 'float32', 8);
    const want = zoo.predict(tf.image.resizeBilinear(big as tf.Tensor4D, [28, 28], false, true)) as tf.Tensor;
    assert.ok(maxAbsDiff(m.predict(big) as tf.Tensor, want) < TOL.float32FewOps);
    // tfjs's own Resizing uses align_corners: a different function of the image.
    const tfjsWay = zoo.predict(tf.image.resizeBilinear(big as tf.Tensor4D, [28, 28], true)) as tf.Tensor;
    assert.ok(maxAbsDiff(tfjsWay, want) > TOL.mustDifferSmall, 'the align-corners resize differs measurably');
    tf.dispose([big, want, tfjsWay]);
    m.dispose();
  });
});

describe('forward mode through translated Keras 3 models (wasm)', () => {
  before(() => setTestBackend('wasm'));

  it('lee on the keras3-model-json case: image 0 of baseline/x.npy, rotate = 0.2537653509294614 (cases/README.md)', async () => {
    const r = await runHere([
      'lee',
      '--model',
      materialize('cnn-relu-functional'),
      '--images',
      BASELINE,
      '--groups',
      'rotate',
      '--format',
      'json',
      '--backend',
      'wasm',
    ]);
    assert.equal(r.code, 0, r.err);
    const lee0 = JSON.parse(r.out).rows[0].lee;
    assert.ok(Math.abs(lee0 - 0.2537653509294614) < TOL.pinnedFloat32Value, `rotate image 0 = ${lee0}`);
  });

  it('the Resizing model: forward mode through KerasResizing equals reverse mode (cpu) of the zoo net at the resized image, k = 2', async () => {
    // Resizing is linear, y = R x, so J_model(x)·v = J_zoo(R x)·(R v). The oracle: R by tfjs's forward
    // resize (Keras's half-pixel centres), J_zoo by double-vjp (two tf.grad passes) on cpu. Both exact in
    // float32 up to round-off (≈ 1e-6 rel.); tol 1e-4.
    const m = (await loadModel(materialize('cnn-relu-resizing'))).net as tf.LayersModel;
    const x = tf.randomUniform([2, 56, 56, 3], 0, 1, 'float32', 9);
    const v = seededNormal([4, 56, 56, 3], 10);
    const d = jvpLayersModel(m, x, v, { k: 2, stripSoftmax: true });
    const got = d.tangent.dataSync().slice();
    tf.dispose([d.primal, d.tangent]);
    await setTestBackend('cpu');
    const zoo = (await loadModel(path.join(ZOO, 'model.json'))).net as tf.LayersModel;
    const R = (t: tf.Tensor) => tf.image.resizeBilinear(t as tf.Tensor4D, [28, 28], false, true);
    const [rx, rv] = [R(x), R(v)];
    const ref = jvp(zoo, rx, rv, { method: 'double-vjp', stripSoftmax: true });
    const want = ref.tangent.dataSync();
    let num = 0;
    let den = 0;
    for (let i = 0; i < want.length; i++) {
      num = Math.max(num, Math.abs(got[i] - want[i]));
      den = Math.max(den, Math.abs(want[i]));
    }
    assert.equal(got.length, want.length);
    assert.ok(num / den < TOL.jvpVsOracle, `rel. error ${num / den}`);
    tf.dispose([x, v, rx, rv, ref.primal, ref.tangent]);
    zoo.dispose();
    m.dispose();
    await setTestBackend('wasm');
  });
});

describe('fromKeras3 (pure translation)', () => {
  it('detects Keras 3 and leaves Keras 2, tfjs and GraphModel files untouched (the same object)', () => {
    const k2 = JSON.parse(fs.readFileSync(path.join(ZOO, 'model.json'), 'utf8'));
    assert.equal(isKeras3ModelJson(readFixture('cnn-relu-functional')), true);
    assert.equal(isKeras3ModelJson(k2), false);
    assert.equal(fromKeras3(k2), k2);
    const graph = { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] };
    assert.equal(prepareLayersModelJson(graph), graph);
  });

  it('writes InputLayer batch_input_shape, plain dtypes, Keras 2 nodes, no module/registered_name; does not modify its input', () => {
    const input = readFixture('cnn-relu-functional');
    const copy = JSON.stringify(input);
    const out = fromKeras3(input);
    assert.equal(JSON.stringify(input), copy, 'input unchanged');
    const layers = out.modelTopology.model_config.config.layers;
    assert.deepEqual(layers[0].config.batch_input_shape, [null, 28, 28, 3]);
    assert.equal(layers[0].config.batch_shape, undefined);
    assert.equal(layers[1].config.dtype, 'float32');
    assert.deepEqual(layers[1].inbound_nodes, [[['image', 0, 0, {}]]]);
    const text = JSON.stringify(out.modelTopology);
    for (const key of ['"module"', '"registered_name"', '__keras_tensor__', 'DTypePolicy'])
      assert.ok(!text.includes(key), `${key} left in`);
  });

  it('maps weight names carrying model names to the layer/weight names tfjs expects', () => {
    const seq = fromKeras3(readFixture('cnn-relu-sequential'));
    assert.deepEqual(seq.weightsManifest[0].weights.map((w: { name: string }) => w.name).slice(0, 2), [
      'conv1/kernel',
      'conv1/bias',
    ]);
    const nested = fromKeras3(readFixture('cnn-relu-nested'));
    assert.deepEqual(
      nested.weightsManifest[0].weights.map((w: { name: string }) => w.name),
      [
        'conv1/kernel',
        'conv1/bias',
        'conv2/kernel',
        'conv2/bias',
        'fc1/kernel',
        'fc1/bias',
        'logits/kernel',
        'logits/bias',
      ],
    );
  });

  it('numbers calls of nested models as tfjs does (+1 for the built-in node) and accepts flat input_layers', () => {
    const nested = fromKeras3(readFixture('cnn-relu-nested')).modelTopology.model_config.config;
    assert.deepEqual(nested.layers.find((l: { name: string }) => l.name === 'dropout1').inbound_nodes, [
      [['features', 1, 0, {}]],
    ]);
    assert.deepEqual(nested.output_layers, [['head', 1, 0]]);
    const shared = fromKeras3(readFixture('cnn-relu-shared')).modelTopology.model_config.config;
    assert.deepEqual(shared.input_layers, [['image', 0, 0]]);
    assert.deepEqual(shared.layers.find((l: { name: string }) => l.name === 'sum').inbound_nodes, [
      [
        ['conv1', 0, 0, {}],
        ['conv1', 1, 0, {}],
      ],
    ]);
  });

  it('refuses, by file and layer, calls tfjs cannot express and Resizing options tfjs lacks', () => {
    const k3 = readFixture('cnn-relu-functional');
    k3.modelTopology.model_config.config.layers[1].inbound_nodes[0].kwargs = {
      mask: { class_name: '__keras_tensor__', config: { keras_history: ['image', 0, 0] } },
    };
    assert.throws(
      () => fromKeras3(k3, 'my/model.json'),
      (e: Error) =>
        e instanceof FileFormatError &&
        /my\/model\.json/.test(e.message) &&
        /conv1/.test(e.message) &&
        /mask/.test(e.message),
    );
    const grouped = readFixture('cnn-relu-functional');
    grouped.modelTopology.model_config.config.layers[3].config.groups = 4;
    assert.throws(
      () => fromKeras3(grouped, 'g.json'),
      (e: Error) => e instanceof FileFormatError && /conv2/.test(e.message) && /groups = 4/.test(e.message),
    );
    const rs = readFixture('cnn-relu-resizing');
    rs.modelTopology.model_config.config.layers[1].config.pad_to_aspect_ratio = true;
    assert.throws(
      () => prepareLayersModelJson(rs, 'r.json'),
      (e: Error) => e instanceof FileFormatError && /resize/.test(e.message) && /pad_to_aspect_ratio/.test(e.message),
    );
  });

  it("tfjs's own Resizing layer keeps its semantics but now reports the batch axis, so a following layer builds", async () => {
    await setTestBackend('cpu');
    installTfjsLayerFixes();
    const m = tf.sequential({
      layers: [
        tf.layers.resizing({ height: 8, width: 6, inputShape: [16, 16, 3] }),
        tf.layers.conv2d({ filters: 2, kernelSize: 3 }),
      ],
    });
    assert.deepEqual(m.layers[0].outputShape, [null, 8, 6, 3]);
    const y = m.predict(tf.ones([1, 16, 16, 3])) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 6, 4, 2]);
    y.dispose();
    m.dispose();
  });
});
