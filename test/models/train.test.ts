import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { loadMnist } from '../../src/data/mnist';
import { augmentBatch, parseAugmentations } from '../../src/models/augment';
import { mulberry32 } from '../../src/data/rng';
import {
  readManifest,
  scheduledLearningRate,
  trainCommandLine,
  trainModel,
  trainZooModel,
} from '../../src/models/train';
import { buildZooModel } from '../../src/models/zoo';
import { main } from '../../src/cli/main';
import { UnknownNameError } from '../../src/errors';
import { TOL } from '../helpers/tolerances';

describe('training', () => {
  let dir: string;
  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-train-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is reproducible from the seed, learns, and leaks nothing', async () => {
    const data = loadMnist({ split: 'train', limit: 256, seed: 1 });
    const run = async (seed: number) => {
      const m = buildZooModel('cnn-relu', { seed });
      const before = tf.memory().numTensors;
      const logs = await trainModel(m, data, { epochs: 2, seed, augment: ['translate', 'hue'] });
      // the optimizer's slots belong to the model; count them as part of it
      const slots = (m.optimizer as tf.Optimizer).getWeights
        ? (await (m.optimizer as tf.Optimizer).getWeights()).length
        : 0;
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      return { logs, w, leaked: tf.memory().numTensors - before, slots, m };
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    assert.deepEqual(a.w, b.w, 'same seed, same weights');
    assert.notDeepEqual(a.w, c.w);
    assert.ok(a.logs[1].loss < a.logs[0].loss, `loss ${a.logs.map((l) => l.loss)}`);
    assert.ok(a.leaked <= a.slots + 2, `leaked ${a.leaked} tensors beyond ${a.slots} optimizer slots`);
    [a, b, c].forEach((r) => r.m.dispose());
    data.images.dispose();
  });

  it('cosine schedule: the closed form, and Adam really steps with it', async () => {
    assert.equal(scheduledLearningRate(1e-3, 'constant', 7, 10), 1e-3);
    assert.equal(scheduledLearningRate(1e-3, 'cosine', 0, 10), 1e-3);
    assert.ok(Math.abs(scheduledLearningRate(1e-3, 'cosine', 5, 10) - 5e-4) < TOL.float64ClosedForm);
    assert.ok(scheduledLearningRate(1e-3, 'cosine', 9, 10) < TOL.cosineScheduleEnd);
    const data = loadMnist({ split: 'train', limit: 64, seed: 1 });
    const train = async (learningRateSchedule: 'constant' | 'cosine') => {
      const m = buildZooModel('mlp', { seed: 2 });
      await trainModel(m, data, { epochs: 2, batchSize: 16, seed: 2, learningRateSchedule });
      const rate = (m.optimizer as unknown as { learningRate: number }).learningRate;
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return { rate, w };
    };
    const constant = await train('constant');
    const cosine = await train('cosine');
    assert.equal(constant.rate, 1e-3);
    // 2 epochs × 4 batches: the last step (7 of 8) used 1e-3 · (1 + cos(7π/8)) / 2
    assert.ok(
      Math.abs(cosine.rate - scheduledLearningRate(1e-3, 'cosine', 7, 8)) < TOL.float64FewOps,
      `last rate ${cosine.rate}`,
    );
    assert.notDeepEqual(constant.w, cosine.w);
    const unused = buildZooModel('mlp');
    await assert.rejects(trainModel(unused, data, { learningRateSchedule: 'linear' as 'cosine' }), UnknownNameError);
    unused.dispose();
    data.images.dispose();
  });

  it('dropout: a fresh seeded mask every step, reproducible, layer seeds restored', async () => {
    const data = loadMnist({ split: 'train', limit: 64, seed: 1 });
    const run = async () => {
      const m = buildZooModel('cnn-relu', { seed: 3, dropout: 0.5 });
      const layer = m.getLayer('dropout1') as unknown as { seed?: number };
      const seen = new Set<number | undefined>();
      await trainModel(m, data, { epochs: 1, batchSize: 16, seed: 3, onProgress: () => seen.add(layer.seed) });
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      const restored = layer.seed;
      m.dispose();
      return { seen, w, restored };
    };
    const a = await run();
    const b = await run();
    assert.equal(a.seen.size, 4, `4 steps, 4 distinct mask seeds: ${[...a.seen]}`);
    assert.ok(![...a.seen].includes(undefined));
    assert.equal(a.restored, undefined);
    assert.deepEqual(a.w, b.w, 'same seed, same dropout masks, same weights');
    data.images.dispose();
  });

  it('trainCommandLine: defaults left out, every other option in usage order', () => {
    assert.equal(
      trainCommandLine({ model: 'mlp', dataset: 'mnist', out: 'o', backend: 'wasm' }),
      'liederiv train --model mlp --dataset mnist --epochs 5 --seed 0 --out o',
    );
    assert.equal(
      trainCommandLine({
        model: 'cnn-relu',
        dataset: 'mnist',
        out: 'o',
        epochs: 3,
        augment: ['translate', 'hue'],
        seed: 2,
        name: 'n',
        batchSize: 16,
        learningRate: 0.01,
        learningRateSchedule: 'cosine',
        dropout: 0.25,
        checkpoints: true,
        backend: 'cpu',
      }),
      'liederiv train --model cnn-relu --dataset mnist --epochs 3 --augment translate,hue --seed 2 --out o --name n --batch 16 --lr 0.01 --lr-schedule cosine --dropout 0.25 --checkpoints --backend cpu',
    );
    // A study label is recorded (the manifest's `study` field comes from it), after --checkpoints.
    assert.equal(
      trainCommandLine({ model: 'cnn-relu-half', dataset: 'mnist', out: 'o', study: 'model-size', backend: 'wasm' }),
      'liederiv train --model cnn-relu-half --dataset mnist --epochs 5 --seed 0 --out o --study model-size',
    );
  });

  it('augmentation: hue keeps grey pixels grey; translate moves mass but keeps shape; seeded', () => {
    const x = loadMnist({ split: 'test', limit: 4 }).images;
    const hue = augmentBatch(x, mulberry32(1), { augment: ['hue'] });
    // grey (R = G = B) is the rotation axis: a hue rotation leaves it unchanged
    assert.ok(tf.abs(tf.sub(hue, x)).max().dataSync()[0] < TOL.float32Reordered);
    const s1 = augmentBatch(x, mulberry32(2), { augment: ['translate', 'rotate'] });
    const s2 = augmentBatch(x, mulberry32(2), { augment: ['translate', 'rotate'] });
    assert.deepEqual(s1.shape, x.shape);
    assert.deepEqual(Array.from(s1.dataSync()), Array.from(s2.dataSync()));
    assert.ok(tf.abs(tf.sub(s1, x)).max().dataSync()[0] > 0.1, 'the images moved');
    assert.deepEqual(parseAugmentations('translate,hue'), ['translate', 'hue']);
    assert.throws(() => parseAugmentations('flip'), UnknownNameError);
    tf.dispose([x, hue, s1, s2]);
  });

  it('trainZooModel and `liederiv train` save the model, checkpoints, sidecar and a manifest entry', async () => {
    const out = path.join(dir, 'models');
    let stderr = '';
    // main() only calls write() on its streams.
    const io = {
      stdout: { write: () => true } as unknown as NodeJS.WritableStream,
      stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
    };
    const code = await main(
      [
        'train',
        '--model',
        'mlp',
        '--dataset',
        'mnist',
        '--epochs',
        '1',
        '--out',
        out,
        '--name',
        'tiny',
        '--lr-schedule',
        'cosine',
        '--checkpoints',
      ],
      io,
    );
    assert.equal(code, 0, stderr);
    assert.match(stderr, /epoch 1: loss .* test acc/);
    const manifest = readManifest(out);
    assert.equal(manifest.models.length, 1);
    const e = manifest.models[0];
    assert.equal(e.name, 'tiny');
    assert.equal(e.testCount, 2000);
    assert.ok(e.testAccuracy > 0.8, `mlp after one epoch: ${e.testAccuracy}`);
    assert.match(
      e.command,
      /^liederiv train --model mlp --dataset mnist --epochs 1 --seed 0 --out .* --name tiny --lr-schedule cosine --checkpoints$/,
    );
    assert.equal(e.learningRateSchedule, 'cosine');
    for (const f of ['model.json', 'weights.bin', 'liederiv.json', 'epochs/epoch-1/model.json'])
      assert.ok(fs.existsSync(path.join(out, 'tiny', f)), f);
    assert.equal(await main(['train', '--model', 'nope', '--dataset', 'mnist'], io), 2); // an unknown name is a usage error (test/cli/exitCodes.test.ts)
    assert.equal(await main(['train', '--dataset', 'mnist'], io), 2);
    assert.equal(await main(['train', '--model', 'mlp', '--dataset', 'mnist', '--lr-schedule', 'linear'], io), 2);
    assert.equal(await main(['train', '--model', 'mlp', '--dataset', 'mnist', '--lr', '0'], io), 2);
    assert.equal(await main(['train', '--model', 'cnn-relu', '--dataset', 'mnist', '--dropout', '1'], io), 2);
    assert.equal(await main(['train', '--model', 'mlp', '--dataset', 'mnist', '--dropout', '0.2'], io), 2);
    assert.match(stderr, /--dropout is an option of the cnn-\* models, not of 'mlp'/);
    assert.match(stderr, /--lr must be a number in \(0, 1\]/);
    void trainZooModel;
  });
});
