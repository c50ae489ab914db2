import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { writeNpy } from '../../src/data/npy';
import { ModelFormatError } from '../../src/errors';
import { loadModel, saveModel } from '../../src/models/load';
import { runHere } from '../helpers/cli';
import { explorerAssets } from '../../src/explorer/assets';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'liederiv.js');

/**
 * A researcher's first own model is often not a TF.js model.json: every command taking --model
 * names the format it found and the exact converter command (tensorflowjs_converter's
 * --input_format keras | keras_keras | tf_saved_model | tf_hub | tf_frozen_model, onnx-tf), and a
 * folder with one model.json somewhere below is used (the header says which).
 */
describe('--model in another format: named, with the command that converts it', () => {
  let dir: string;
  let npy: string;
  const f = (...p: string[]) => path.join(dir, ...p);
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-formats-'));
    // Files with the formats' real signatures (HDF5 and zip magic, TFLite's 'TFL3' identifier).
    fs.writeFileSync(
      f('net.h5'),
      Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]),
    );
    fs.writeFileSync(f('weights_only.hdf5'), Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
    fs.writeFileSync(f('net.keras'), Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64)]));
    fs.writeFileSync(f('net.onnx'), Buffer.from([0x08, 0x07, 0x12, 0x07]));
    fs.writeFileSync(
      f('net.tflite'),
      Buffer.concat([Buffer.from([0x1c, 0, 0, 0]), Buffer.from('TFL3', 'latin1'), Buffer.alloc(32)]),
    );
    fs.writeFileSync(f('frozen.pb'), Buffer.from([0x0a, 0x10]));
    fs.writeFileSync(f('net.pt'), Buffer.from('PK\x03\x04', 'latin1'));
    fs.writeFileSync(f('net.weights.h5'), Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
    fs.mkdirSync(f('unzipped'));
    for (const name of ['config.json', 'metadata.json', 'model.weights.h5'])
      fs.writeFileSync(f('unzipped', name), '{}');
    fs.mkdirSync(f('saved', 'variables'), { recursive: true });
    fs.writeFileSync(f('saved', 'saved_model.pb'), Buffer.from([0x08, 0x01]));
    fs.mkdirSync(f('hub', 'variables'), { recursive: true });
    fs.writeFileSync(f('hub', 'saved_model.pb'), Buffer.from([0x08, 0x01]));
    fs.writeFileSync(f('hub', 'tfhub_module.pb'), Buffer.from([0x08, 0x03]));
    // A real TF.js model two folders below 'release', and two of them below 'both'.
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    await saveModel(net, f('release', 'v1', 'tfjs'), { classNames: ['a', 'b', 'c'] });
    await saveModel(net, f('both', 'a'));
    await saveModel(net, f('both', 'b'));
    net.dispose();
    fs.mkdirSync(f('empty', 'sub'), { recursive: true });
    npy = f('x.npy');
    writeNpy(
      npy,
      new Float32Array(2 * 8 * 8 * 3).map((_, i) => (i % 17) / 17),
      [2, 8, 8, 3],
    );
  });

  const lee = (model: string, ...more: string[]) =>
    runHere(['lee', '--model', model, '--images', npy, '--groups', 'rotate', '--backend', 'cpu', ...more]);

  const cases: Array<[string, () => string, string, RegExp[]]> = [
    [
      'Keras .h5',
      () => f('net.h5'),
      'Keras HDF5',
      [
        /tensorflowjs_converter --input_format=keras \S*net\.h5 \S*net_tfjs, then run liederiv with --model \S*net_tfjs\/model\.json/,
      ],
    ],
    ['Keras weights-only .hdf5', () => f('weights_only.hdf5'), 'Keras HDF5', [/--input_format=keras /]],
    [
      'Keras 3 .keras',
      () => f('net.keras'),
      'Keras 3 .keras',
      [
        /tensorflowjs_converter --input_format=keras_keras --output_format=tfjs_layers_model \S*net\.keras \S*net_tfjs/,
        /\.export\(".*net_savedmodel"\)/,
        /--input_format=tf_saved_model --output_format=tfjs_graph_model/,
      ],
    ],
    [
      'SavedModel folder',
      () => f('saved'),
      'TensorFlow SavedModel',
      [
        /saved_model\.pb \+ variables\//,
        /tensorflowjs_converter --input_format=tf_saved_model --output_format=tfjs_graph_model --signature_name=serving_default --saved_model_tags=serve \S*saved \S*saved_tfjs/,
      ],
    ],
    [
      'saved_model.pb itself',
      () => f('saved', 'saved_model.pb'),
      'TensorFlow SavedModel',
      [/--input_format=tf_saved_model/],
    ],
    [
      'TF-Hub folder',
      () => f('hub'),
      'TF-Hub module',
      [/tensorflowjs_converter --input_format=tf_hub \S*hub \S*hub_tfjs/],
    ],
    [
      'ONNX',
      () => f('net.onnx'),
      'ONNX',
      [
        /onnx-tf convert -i \S*net\.onnx -o \S*net_savedmodel/,
        /tensorflowjs_converter --input_format=tf_saved_model .*net_savedmodel \S*net_tfjs/,
        /NCHW/,
      ],
    ],
    [
      'TFLite',
      () => f('net.tflite'),
      'TensorFlow Lite',
      [/cannot be converted to TF\.js/, /convert the model it was made from/],
    ],
    [
      'frozen graph .pb',
      () => f('frozen.pb'),
      'TensorFlow frozen graph',
      [/--input_format=tf_frozen_model --output_node_names=OUTPUT_NODE/],
    ],
    ['PyTorch', () => f('net.pt'), 'PyTorch', [/torch\.onnx\.export/]],
    [
      'Keras weights only',
      () => f('net.weights.h5'),
      'Keras weights',
      [/no architecture to measure; save the whole model/],
    ],
    [
      'an unzipped .keras',
      () => f('unzipped'),
      'Keras 3 .keras (unzipped)',
      [/give the \.keras file itself to --model/],
    ],
    [
      'the liederiv.json sidecar',
      () => f('release', 'v1', 'tfjs', 'liederiv.json'),
      'liederiv sidecar',
      [/give the model\.json beside it \(the sidecar is read from there\): --model \S*tfjs\/model\.json/],
    ],
    [
      'a weight shard',
      () => f('release', 'v1', 'tfjs', 'weights.bin'),
      'TF.js weight file',
      [/give the model\.json beside it: --model \S*tfjs\/model\.json/],
    ],
    [
      'a folder with two model.json below',
      () => f('both'),
      'folder',
      [/and 2 below it; say which one: --model \S*both\/a\/model\.json \| --model \S*both\/b\/model\.json/],
    ],
    [
      'a folder with none',
      () => f('empty'),
      'folder',
      [/model\.json not found in this folder or below it; expected a TF\.js model\.json/],
    ],
  ];

  for (const [name, model, format, patterns] of cases) {
    it(`${name}: lee exits 1 naming '${format}' and the conversion`, async () => {
      const r = await lee(model());
      assert.equal(r.code, 1, r.err);
      // The refusal comes before the backend starts: it is all the user reads.
      assert.match(r.err, /^liederiv lee: error: /);
      assert.doesNotMatch(r.err, /UNCAUGHT|\n\s+at /, 'no stack trace');
      for (const p of patterns) assert.match(r.err, p, `${name}: ${r.err}`);
      await assert.rejects(loadModel(model()), (e: unknown) => e instanceof ModelFormatError && e.format === format);
    });
  }

  it('layerwise refuses the same files the same way', async () => {
    const r = await runHere([
      'layerwise',
      '--model',
      f('saved'),
      '--images',
      npy,
      '--group',
      'rotate',
      '--backend',
      'cpu',
    ]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^liederiv layerwise: error: .*TensorFlow SavedModel folder.*--input_format=tf_saved_model/m);
  });

  it('explore --model refuses them the same way, and takes a folder with one model.json below', () => {
    assert.throws(
      () => explorerAssets({ models: [f('saved')], images: f('empty') }),
      (e: unknown) => e instanceof ModelFormatError && /--input_format=tf_saved_model/.test((e as Error).message),
    );
    assert.throws(
      () => explorerAssets({ models: [f('net.onnx')], images: f('empty') }),
      (e: unknown) => e instanceof ModelFormatError && e.format === 'ONNX',
    );
  });

  it('a folder with exactly one model.json below it is used, and the run header says which', async () => {
    const r = await lee(f('release'), '--format', 'json');
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      /^lee: note: --model \S*release holds no model\.json itself; using the one model\.json below it: \S*release\/v1\/tfjs\/model\.json$/m,
    );
    const res = JSON.parse(r.out);
    assert.equal(res.rows.length, 2);
    assert.ok(res.rows.every((row: { lee: number }) => Number.isFinite(row.lee)));
  });

  it("a model URL that cannot be fetched: exit 1 with the reason, not undici's stack trace", async () => {
    const server = http.createServer((_req, res) => res.writeHead(404, { Connection: 'close' }).end('no'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}/model.json`;
    const r404 = await lee(url);
    assert.equal(r404.code, 1, r404.err);
    assert.match(
      r404.err,
      /model\.json: HTTP 404 .*download model\.json with its weight files and give the local path to --model/,
    );
    await new Promise((resolve) => server.close(resolve));
    const refused = await lee(url);
    assert.equal(refused.code, 1, refused.err);
    assert.match(refused.err, /cannot fetch \(ECONNREFUSED\)/);
    assert.doesNotMatch(r404.err + refused.err, /UNCAUGHT|\n\s+at /);
  });

  it('as a process (node bin/liederiv.js): the refusal, no stack trace', () => {
    const p = spawnSync(
      process.execPath,
      [BIN, 'lee', '--model', f('net.h5'), '--images', npy, '--groups', 'rotate', '--backend', 'cpu'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(p.status, 1, p.stderr);
    assert.match(
      p.stderr,
      /a Keras HDF5 model \(\.h5\), not a TF\.js model\.json; convert it \(pip install tensorflowjs\): tensorflowjs_converter --input_format=keras/,
    );
    assert.doesNotMatch(p.stderr, /\n\s+at /);
  });
});
