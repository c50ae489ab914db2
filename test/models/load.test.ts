import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { FileFormatError } from '../../src/errors';
import { diskIOHandler, loadModel, saveModel } from '../../src/models/load';
import { relError } from '../helpers/reference';
import { buildReferenceSmallCnn } from '../helpers/smallCnn';

describe('models/load', () => {
  let dir: string;
  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-load-'));
  });

  it('saveModel → loadModel round-trips weights, predictions and the sidecar', async () => {
    const model = buildReferenceSmallCnn();
    const out = path.join(dir, 'smallcnn');
    await saveModel(model, out, {
      name: 'SmallCNN',
      preprocess: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      classNames: ['a', 'b'],
    });
    assert.deepEqual(fs.readdirSync(out).sort(), ['liederiv.json', 'model.json', 'weights.bin']);
    const loaded = await loadModel(path.join(out, 'model.json'));
    assert.equal(loaded.name, 'SmallCNN');
    assert.deepEqual(loaded.inputSize, [32, 32]);
    assert.deepEqual(loaded.preprocess.std, [0.25, 0.25, 0.25]);
    assert.deepEqual(loaded.classNames, ['a', 'b']);
    assert.equal(loaded.source, path.resolve(out, 'model.json'));
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.net.predict(x) as tf.Tensor;
    // Same weights bit for bit, same ops: identical.
    assert.equal(relError(b.dataSync(), a.dataSync()), 0);
    // A directory works too, and options override the sidecar.
    const again = await loadModel(out, { name: 'other' });
    assert.equal(again.name, 'other');
    tf.dispose([x, a, b]);
  });

  it('reports missing, truncated and malformed files with their paths', async () => {
    const model = buildReferenceSmallCnn();
    const out = path.join(dir, 'broken');
    await model.save(diskIOHandler(path.join(out, 'model.json')));
    const weights = path.join(out, 'weights.bin');
    fs.truncateSync(weights, 100);
    await assert.rejects(loadModel(out), (e: Error) => e instanceof FileFormatError && /truncated/.test(e.message));
    fs.rmSync(weights);
    await assert.rejects(
      loadModel(out),
      (e: Error) => e instanceof FileFormatError && /weights\.bin.*missing/.test(e.message),
    );
    fs.writeFileSync(path.join(out, 'model.json'), '{"hello": 1}');
    await assert.rejects(loadModel(out), /not a TF\.js model\.json/);
    await assert.rejects(loadModel(path.join(dir, 'nope', 'model.json')), /model\.json not found/);
    fs.writeFileSync(path.join(dir, 'liederiv.json'), '{"preprocess": {"mean": [0, 0], "std": [1, 1, 1]}}');
  });
});
