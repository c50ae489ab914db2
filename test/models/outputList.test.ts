import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { writeNpy } from '../../src/data/npy';
import { InputError } from '../../src/errors';
import { measuredModel } from '../../src/jvp';
import { saveModel } from '../../src/models/load';
import { runHere } from '../helpers/cli';
import { expectNoLeak } from '../helpers/noLeak';
import { attr, tinyGraph } from '../helpers/opGraph';

/**
 * A model with several outputs is refused until one is named; the refusal lists every output with
 * its shape (signature, layer, or one probe run), its kind, and the `--output NAME` line to copy.
 */
describe('several outputs: each listed with shape, kind and the --output line', () => {
  before(async () => {
    await useBackend('cpu');
  });

  const nodes = [
    { name: 'flat', op: 'Reshape', input: ['x', 'shape'] },
    {
      name: 'emb',
      op: 'MatMul',
      input: ['flat', 'w'],
      attr: { transpose_a: attr.b(false), transpose_b: attr.b(false) },
    },
    {
      name: 'score',
      op: 'MatMul',
      input: ['flat', 'w1'],
      attr: { transpose_a: attr.b(false), transpose_b: attr.b(false) },
    },
    { name: 'probs', op: 'Softmax', input: ['emb'] },
    { name: 'Identity', op: 'Identity', input: ['probs'] },
    { name: 'Identity_1', op: 'Identity', input: ['score'] },
    { name: 'Identity_2', op: 'Relu', input: ['x'] },
  ];
  const consts = () => ({
    shape: tf.tensor1d([-1, 48], 'int32'),
    w: tf.randomNormal([48, 6], 0, 0.5, 'float32', 1),
    w1: tf.randomNormal([48, 1], 0, 0.5, 'float32', 2),
  });
  const refusal = (net: tf.GraphModel) => {
    try {
      measuredModel({ name: 'three', net });
    } catch (e) {
      assert.ok(e instanceof InputError, String(e));
      return (e as Error).message;
    }
    throw new Error('not refused');
  };

  it('a graph without a signature: shapes from one probe run, no tensors left', async () => {
    const g = await tinyGraph([-1, 4, 4, 3], nodes, consts());
    const msg = await expectNoLeak(() => refusal(g));
    assert.match(
      msg,
      /^model 'three' has 3 outputs \(Identity, Identity_1, Identity_2\); say which one to measure with output: NAME \(--output NAME\); copy one of:$/m,
    );
    assert.match(
      msg,
      /^ {2}--output Identity {4}\[B, 6\] {2}probabilities over 6 classes \(the model's own softmax\)$/m,
    );
    assert.match(
      msg,
      /^ {2}--output Identity_1 {2}\[B, 1\] {2}one value per image \(a regression or a binary score\)$/m,
    );
    assert.match(msg, /^ {2}--output Identity_2 {2}\[B, 4, 4, 3\] {2}an image-like map 4×4×3 per image/m);
    g.dispose();
  });

  it('a graph with a signature: its keys and shapes, with the node behind each key', async () => {
    const t = (name: string, dims: number[]) => ({
      name: `${name}:0`,
      dtype: 'DT_FLOAT',
      tensorShape: { dim: dims.map((d) => ({ size: String(d) })) },
    });
    const signature = {
      inputs: { image: t('x', [-1, 4, 4, 3]) },
      outputs: {
        class_probs: t('Identity', [-1, 6]),
        age: t('Identity_1', [-1, 1]),
        mask: t('Identity_2', [-1, 4, 4, 3]),
      },
    };
    const g = await tinyGraph([-1, 4, 4, 3], nodes, consts(), { signature });
    const msg = refusal(g);
    assert.match(
      msg,
      /^ {2}--output class_probs {2}\[B, 6\] {2}probabilities over 6 classes \(the model's own softmax\) \(node Identity\)$/m,
    );
    assert.match(msg, /^ {2}--output age {10}\[B, 1\] {2}one value per image .*\(node Identity_1\)$/m);
    assert.match(msg, /^ {2}--output mask {9}\[B, 4, 4, 3\] {2}an image-like map/m);
    // The line copied works.
    assert.equal(measuredModel({ name: 'three', net: g }, { output: 'age' }).output.mode, 'tensor');
    g.dispose();
  });

  it('a two-output Keras model through the CLI: exit 1, each output with its layer name and shape', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-outputs-'));
    const x = tf.input({ shape: [8, 8, 3] });
    const flat = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    const cls = tf.layers.dense({ units: 5, activation: 'softmax', name: 'classes' }).apply(flat) as tf.SymbolicTensor;
    const box = tf.layers.dense({ units: 4, name: 'box' }).apply(flat) as tf.SymbolicTensor;
    const net = tf.model({ inputs: x, outputs: [cls, box] });
    await saveModel(net, path.join(dir, 'two'));
    net.dispose();
    const npy = path.join(dir, 'x.npy');
    writeNpy(npy, new Float32Array(8 * 8 * 3).fill(0.5), [1, 8, 8, 3]);
    const r = await runHere([
      'lee',
      '--model',
      path.join(dir, 'two'),
      '--images',
      npy,
      '--groups',
      'rotate',
      '--backend',
      'cpu',
    ]);
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.err,
      /has 2 outputs \(classes, box\); say which one to measure with output: NAME \(--output NAME\); copy one of:\n {2}--output classes {2}\[B, 5\] {2}probabilities over 5 classes \(the model's own softmax\)\n {2}--output box {6}\[B, 4\] {2}a vector of 4 per image/,
    );
    const ok = await runHere([
      'lee',
      '--model',
      path.join(dir, 'two'),
      '--images',
      npy,
      '--groups',
      'rotate',
      '--backend',
      'cpu',
      '--output',
      'box',
    ]);
    assert.equal(ok.code, 0, ok.err);
    // A mode in the wrong case names no layer: the refusal says what was meant first.
    const upper = await runHere([
      'lee',
      '--model',
      path.join(dir, 'two'),
      '--images',
      npy,
      '--groups',
      'rotate',
      '--backend',
      'cpu',
      '--output',
      'Probs',
    ]);
    assert.equal(upper.code, 1, upper.err);
    assert.match(upper.err, /unknown layer 'Probs'; valid: probs \(the mode, in lower case\), /);
  });
});
