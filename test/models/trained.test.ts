import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { loadDataset } from '../../src/data/loadDataset';
import { datasetsDir } from '../../src/data/paths';
import { loadModel } from '../../src/models/load';
import { evaluateAccuracy, readManifest } from '../../src/models/train';
import { TOL } from '../helpers/tolerances';
import '../../src/models/zoo'; // registers the custom layers before loading

const MODELS_DIR = path.join(datasetsDir(), 'models');

describe('committed zoo models (datasets/models/manifest.json)', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('the manifest lists models, each with its files and the fields the README promises', () => {
    const { models } = readManifest(MODELS_DIR);
    assert.ok(models.length > 0, 'no trained models committed');
    for (const m of models) {
      for (const f of ['model.json', 'weights.bin', 'liederiv.json'])
        assert.ok(fs.existsSync(path.join(MODELS_DIR, m.name, f)), `${m.name}/${f}`);
      assert.ok(m.command.startsWith('liederiv train --model ' + m.architecture), m.name);
      assert.ok(m.weightBytes <= 1_000_000, `${m.name}: ${m.weightBytes} bytes`);
      assert.ok(m.trainSeconds > 0 && m.epochs > 0 && m.testCount > 0);
      // The recorded command says what the entry says (it is how the model is rebuilt).
      const flag = (name: string) => m.command.match(new RegExp(`--${name} (\\S+)`))?.[1];
      assert.equal(flag('dataset'), m.dataset, m.name);
      assert.equal(Number(flag('epochs')), m.epochs, m.name);
      assert.equal(Number(flag('seed')), m.seed, m.name);
      assert.equal(flag('augment') ?? '', m.augmentation.join(','), m.name);
      assert.equal(flag('lr-schedule') ?? 'constant', m.learningRateSchedule ?? 'constant', m.name);
      assert.equal(Number(flag('dropout') ?? 0), m.dropout ?? 0, m.name);
      assert.equal(Number(flag('batch') ?? 32), m.batchSize, m.name);
      assert.equal(flag('name') ?? m.name, m.name, m.name);
      assert.equal(flag('study'), m.study, m.name);
    }
  });

  it('every model reaches its manifest test accuracy (±0.5%), well above chance', async () => {
    const { models } = readManifest(MODELS_DIR);
    for (const m of models) {
      const test = loadDataset(m.dataset, { split: 'test' });
      const wrapper = await loadModel(path.join(MODELS_DIR, m.name));
      const acc = await evaluateAccuracy(wrapper.net as tf.LayersModel, test.images, test.labels);
      assert.ok(
        Math.abs(acc - m.testAccuracy) <= TOL.manifestAccuracy,
        `${m.name}: ${acc} vs manifest ${m.testAccuracy}`,
      );
      // Well above the 10% of chance; issue 6's bar for the CNNs on MNIST is 98%.
      assert.ok(acc >= 0.5, `${m.name}: ${acc}`);
      // Study models (short, equal-recipe runs for one comparison) are held to 90%, the quarter-width
      // CNN (27 kB of weights; 89.8–91.5% over seeds 1–3 after 3 epochs) to 88%.
      if (m.architecture.startsWith('cnn-') && m.dataset === 'mnist') {
        const bar = m.study ? (m.architecture === 'cnn-relu-quarter' ? 0.88 : 0.9) : 0.98;
        assert.ok(m.testAccuracy >= bar, `${m.name}: ${m.testAccuracy} < ${100 * bar}%`);
      }
      assert.deepEqual(wrapper.inputSize, [28, 28]);
      wrapper.net.dispose();
      test.images.dispose();
    }
  });
});
