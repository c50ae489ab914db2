/**
 * Issue 9.1, models: a model whose output is NaN/Inf, an output that does not fit the output mode,
 * an unsupported layer. Library: typed errors; CLI: exit 1 with the same message, and with --out
 * nothing half-written (no file when batch 0 fails; whole batches only when a later batch fails).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { writeNpy } from '../../src/data/npy';
import { UnsupportedLayerError } from '../../src/errors';
import { lee } from '../../src/lie/lee';
import { saveModel } from '../../src/models/load';
import { expectError, record } from './catalogue';
import { runHere } from './cliHarness';
import { classNamesOf } from '../helpers/classes';

const T = 'test/reliability/badModel.test.ts';

function dense(kernel: number, bias: number, activation?: 'softmax'): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [8, 8, 3] }),
      tf.layers.dense({
        units: 3,
        kernelInitializer: tf.initializers.constant({ value: kernel }),
        biasInitializer: tf.initializers.constant({ value: bias }),
        activation,
      }),
    ],
  });
}

describe('bad models → clear errors, nothing half-written', () => {
  let dir: string;
  const model: Record<string, string> = {};
  let npy: string;
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-badmodel-'));
    // Vector outputs are (test) classifiers; the conv-only 'fcn' is not one.
    const save = async (name: string, net: tf.LayersModel) => {
      await saveModel(net, path.join(dir, name), {
        name,
        classNames: net.outputs[0].shape.length === 2 ? classNamesOf(net) : undefined,
      });
      net.dispose();
      model[name] = path.join(dir, name, 'model.json');
    };
    await save('nan-bias', dense(0, NaN));
    // 192 inputs × 0.5 × 1e37 overflows float32 (max 3.4e38): Inf output for bright images only.
    await save('overflow', dense(1e37, 0));
    const input = tf.input({ shape: [8, 8, 3] });
    await save(
      'fcn',
      tf.model({
        inputs: input,
        outputs: tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor,
      }),
    );
    const input2 = tf.input({ shape: [8, 8, 3] });
    await save(
      'fcn-softmax',
      tf.model({
        inputs: input2,
        outputs: tf.layers
          .conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'softmax' })
          .apply(input2) as tf.SymbolicTensor,
      }),
    );
    await save(
      'rnn',
      tf.sequential({
        layers: [tf.layers.reshape({ targetShape: [8, 24], inputShape: [8, 8, 3] }), tf.layers.simpleRNN({ units: 4 })],
      }),
    );
    // Images 0–4 black (finite output), image 5 mid-grey (Inf output in 'overflow').
    const x = new Float32Array(6 * 8 * 8 * 3);
    x.fill(0.5, 5 * 192);
    npy = path.join(dir, 'images.npy');
    writeNpy(npy, x, [6, 8, 8, 3]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cli = (command: string, name: string, ...args: string[]) =>
    runHere([
      command,
      '--model',
      model[name],
      '--images',
      npy,
      ...(command === 'lee' ? ['--groups', 'rotate'] : ['--group', 'rotate']),
      '--backend',
      'cpu',
      ...args,
    ]);

  for (const command of ['lee', 'layerwise']) {
    it(`${command}: NaN output on every image → NumericalError naming model and image 0; no output file`, async () => {
      const out = path.join(dir, `${command}-nan.csv`);
      const r = await cli(command, 'nan-bias', '--out', out);
      assert.equal(r.code, 1, r.err);
      const field = command === 'lee' ? 'lee' : 'sqnorm';
      assert.match(r.err, new RegExp(`${command}: model 'nan-bias' gives ${field} = NaN for image 0`));
      assert.match(r.err, /the model's own output on image 0 is already NaN\/Inf/);
      assert.doesNotMatch(r.err, /\n\s+at /);
      assert.equal(fs.existsSync(out), false, 'no output file when the first batch fails');
      record({
        area: 'model',
        case: 'output NaN on every image',
        trigger: `liederiv ${command} on a Dense with NaN bias, --out`,
        outcome: 'exit 1 (NumericalError), no file',
        message: r.err.trim().split('\n').pop() as string,
        test: T,
      });
    });

    it(`${command}: Inf output on image 5 → error names image 5; --out keeps the 2 whole batches before it`, async () => {
      const out = path.join(dir, `${command}-overflow.csv`);
      const r = await cli(command, 'overflow', '--out', out, '--batch', '2');
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, new RegExp(`model 'overflow' gives \\w+ = NaN for image 5`));
      assert.match(r.err, /the model's own output on image 5 is already NaN\/Inf/);
      const lines = fs.readFileSync(out, 'utf8').split('\n');
      const rows = lines.slice(1, -1);
      assert.equal(lines[lines.length - 1], '', 'ends with a complete line');
      const images = new Set(rows.map((l) => l.split(',')[0]));
      assert.deepEqual([...images], ['0', '1', '2', '3'], 'whole batches 0 and 1 only');
      assert.equal(rows.length % 4, 0, 'the same number of rows for each of the 4 images');
      record({
        area: 'model',
        case: 'output Inf on one image (batch 2 of 3)',
        trigger: `liederiv ${command} --batch 2 --out on 6 images, image 5 overflows`,
        outcome: 'exit 1 (NumericalError); CSV keeps batches 0–1',
        message: r.err.trim().split('\n').pop() as string,
        test: T,
      });
    });

    it(`${command}: --output probs on an image-like output without softmax → clear error; logits works; a final softmax is accepted`, async () => {
      let r = await cli(command, 'fcn');
      assert.equal(r.code, 1, r.err);
      assert.match(
        r.err,
        /model 'fcn': output 'probs' needs class scores \(a vector of K ≥ 2 per image\), but output '\w+' is \[B, 8, 8, 4\] \(image-like\)\. Use output 'logits' \(--output logits/,
      );
      record({
        area: 'model',
        case: 'output shape does not fit --output probs',
        trigger: `liederiv ${command} on a conv-only model [B, 8, 8, 4]`,
        outcome: 'exit 1 (InputError)',
        message: r.err.trim().split('\n').pop() as string,
        test: T,
      });
      r = await cli(command, 'fcn', '--output', 'logits');
      assert.equal(r.code, 0, r.err);
      r = await cli(command, 'fcn-softmax');
      assert.equal(r.code, 0, r.err);
    });

    it(`${command}: unsupported layer → UnsupportedLayerError naming the layer, its class and the fallbacks`, async () => {
      const r = await cli(command, 'rnn');
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /no forward-mode JVP rule for layer 'simple_rnn\w*' \(class SimpleRNN\)\./);
      // Only fallbacks that were checked to run for this model on this backend are suggested.
      if (command === 'lee') assert.match(r.err, /Fallbacks checked for this model: `--method fd`/);
      else
        assert.match(
          r.err,
          /needs a rule for every layer \(no fallback\); 'liederiv lee --method fd' still measures the whole model/,
        );
      record({
        area: 'model',
        case: 'unsupported layer',
        trigger: `liederiv ${command} on Reshape → SimpleRNN`,
        outcome: 'exit 1 (UnsupportedLayerError)',
        message: r.err.trim().split('\n').pop()!.slice(0, 260) + '…',
        test: T,
      });
      assert.match(r.err, /Supported classes: Activation, Add, /);
    });
  }

  it('library: unsupported layer → UnsupportedLayerError; --method fd is the working fallback', async () => {
    const rnn = tf.sequential({
      layers: [tf.layers.reshape({ targetShape: [8, 24], inputShape: [8, 8, 3] }), tf.layers.simpleRNN({ units: 4 })],
    });
    const x = tf.fill([1, 8, 8, 3], 0.5) as tf.Tensor4D;
    try {
      await expectError(
        { area: 'model', case: 'unsupported layer', trigger: 'lee(simpleRNN model)', test: T },
        () => lee(rnn, { images: x }, { groups: ['rotate'] }),
        UnsupportedLayerError,
        [/layer 'simple_rnn\w*' \(class SimpleRNN\)/, /Fallbacks checked for this model: .*`--method fd`/],
      );
      const rows = await lee(rnn, { images: x }, { groups: ['rotate'], method: 'fd' });
      assert.equal(rows.length, 1);
      assert.ok(Number.isFinite(rows[0].lee));
    } finally {
      tf.dispose([x]);
      rnn.dispose();
    }
    const r = await runHere([
      'lee',
      '--model',
      model.rnn,
      '--images',
      npy,
      '--groups',
      'rotate',
      '--backend',
      'cpu',
      '--method',
      'fd',
    ]);
    assert.equal(r.code, 0, r.err);
  });
});
