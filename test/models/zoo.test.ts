import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import '../../src/jvp/rules';
import { loadModel, saveModel } from '../../src/models/load';
import { buildZooModel, ZOO, ZOO_NAMES } from '../../src/models/zoo';
import { CUSTOM_LAYER_CLASSES } from '../../src/models/layers';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { InputError } from '../../src/errors';
import { seededUniform } from '../helpers/customLayers';
import { checkJvpAgainstFd } from '../helpers/jvpCheck';
import { classNamesOf } from '../helpers/classes';
import { TOL } from '../helpers/tolerances';

const SMALL = ZOO_NAMES.filter((n) => n !== 'resnet18');

describe('model zoo', () => {
  let dir: string;
  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-zoo-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every small model maps [B, 28, 28, 3] to 10 probabilities, ends in a separate softmax, and is ≲ 1 MB', () => {
    for (const name of SMALL) {
      const m = buildZooModel(name, { seed: 1 });
      const x = seededUniform([2, 28, 28, 3], 1, 0, 1);
      const y = m.predict(x) as tf.Tensor;
      assert.deepEqual(y.shape, [2, 10], name);
      const sums = y.sum(-1).dataSync();
      sums.forEach((s) => assert.ok(Math.abs(s - 1) < TOL.float32Reordered, `${name} probabilities sum to ${s}`));
      const last = m.layers[m.layers.length - 1];
      assert.equal(last.getClassName(), 'Activation', name);
      assert.ok(m.countParams() * 4 <= 1_000_000, `${name}: ${m.countParams()} params`);
      tf.dispose([x, y]);
      m.dispose();
    }
  });

  it('weights are a function of the seed, for every small model and seed 0 too', () => {
    const w = (name: string, seed: number) => {
      const m = buildZooModel(name, { seed });
      const values = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return values;
    };
    // Seed 0 is the default; tfjs treats an initializer seed of 0 as "unseeded" (regression).
    for (const name of SMALL)
      for (const seed of [0, 3]) assert.deepEqual(w(name, seed), w(name, seed), `${name} seed ${seed}`);
    assert.notDeepEqual(w('vit-tiny', 3), w('vit-tiny', 4));
  });

  it('CNN dropout: two Dropout layers, same weights and the same function (and Lie derivative) at inference', async () => {
    const plain = buildZooModel('cnn-relu', { seed: 4 });
    const dropped = buildZooModel('cnn-relu', { seed: 4, dropout: 0.4 });
    assert.deepEqual(
      dropped.layers.filter((l) => l.getClassName() === 'Dropout').map((l) => l.name),
      ['dropout1', 'dropout2'],
    );
    assert.equal(plain.layers.filter((l) => l.getClassName() === 'Dropout').length, 0);
    const x = seededUniform([2, 28, 28, 3], 6, 0, 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const [a] = await lieDerivative(plain, x, ['rotate']);
    const [b] = await lieDerivative(dropped, x, ['rotate']);
    assert.deepEqual(Array.from(a.lie.dataSync()), Array.from(b.lie.dataSync()));
    tf.dispose([a.lie, b.lie]);
    assert.equal(tf.memory().numTensors, before);
    assert.throws(() => buildZooModel('cnn-relu', { dropout: 1 }), InputError);
    assert.throws(() => buildZooModel('vit-tiny', { dropout: 0.2 }), /cnn-\* architectures/);
    tf.dispose([x]);
    plain.dispose();
    dropped.dispose();
  });

  it('ResNet-18 has the ImageNet shapes and 11.7 M parameters', () => {
    const m = buildZooModel('resnet18');
    assert.deepEqual(m.inputs[0].shape, [null, 224, 224, 3]);
    assert.deepEqual(m.outputs[0].shape, [null, 1000]);
    // torchvision resnet18: 11 689 512 parameters; BatchNorm moving stats add 2·(64·5+128·5+256·5+512·5)=9 600
    assert.equal(m.countParams(), 11_689_512 + 9_600);
    assert.equal(ZOO.resnet18.inputShape[0], 224);
    m.dispose();
  });

  it('save → load round trip of every small model (custom layers included) gives identical outputs', async () => {
    const x = seededUniform([3, 28, 28, 3], 2, 0, 1);
    for (const name of SMALL) {
      const m = buildZooModel(name, { seed: 2 });
      await saveModel(m, path.join(dir, name), { name, inputSize: [28, 28], classNames: classNamesOf(m) });
      const loaded = await loadModel(path.join(dir, name));
      const a = m.predict(x) as tf.Tensor;
      const b = (loaded.net as tf.LayersModel).predict(x) as tf.Tensor;
      assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()), name);
      tf.dispose([a, b]);
      m.dispose();
      loaded.net.dispose();
    }
    x.dispose();
    const used = new Set(SMALL.flatMap((n) => buildZooModel(n).layers.map((l) => l.getClassName())));
    // A custom layer class has the static className that tf.serialization.registerClass reads; tfjs types do not say so.
    for (const cls of CUSTOM_LAYER_CLASSES)
      assert.ok(
        used.has((cls as unknown as { className: string }).className),
        `${(cls as unknown as { className: string }).className} is used by a zoo model`,
      );
  });

  it('forward mode through the transformer zoo models matches finite differences', () => {
    // The CNNs max-pool (argmax switches within ±h make FD meaningless there). GELU/attention/LayerNorm are smooth, so central FD converges (error O(h²) ≈ 1e-4 at
    // h = 1e-2 on probabilities of size ~0.1, plus float32 rounding ~1e-5); 2e-3 = jax's float32 tolerance.
    for (const name of ['vit-tiny', 'mixer-tiny']) {
      const m = buildZooModel(name, { seed: 3 });
      const x = seededUniform([1, 28, 28, 3], 4, 0, 1);
      const v = seededUniform([2, 28, 28, 3], 5);
      checkJvpAgainstFd(m, x, v, { h: TOL.fdStepLinear, tol: TOL.fdRelNonlinear, what: name });
      tf.dispose([x, v]);
      m.dispose();
    }
  });
});
