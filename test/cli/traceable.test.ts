/**
 * Issue 15 (3): `liederiv lee` rows are traceable to the researcher's files — file, label and
 * prediction columns, a bootstrap summary, a warning for resized images, the units of t.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { csvField, parseCsvLine, resizeWarning, topOnePredictions, unitsLine } from '../../src/cli/traceable';
import { loadImageFolder } from '../../src/data/imageFolder';
import { writeNpy } from '../../src/data/npy';
import { loadModel, saveModel } from '../../src/models/load';
import { buildZooModel } from '../../src/models/zoo';
import { meanCI } from '../../src/stats/bootstrap';
import { runHere } from '../helpers/cli';
import { makePng } from '../helpers/imageFiles';
import { expectNoLeak } from '../helpers/noLeak';
import { TOL } from '../helpers/tolerances';

const CLASSES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

describe('liederiv lee: traceable rows', () => {
  let dir: string;
  let modelJson: string;
  let photos: string;
  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-trace-'));
    const net = buildZooModel('cnn-relu', { seed: 5 });
    await saveModel(net, path.join(dir, 'model'), { name: 'toy', inputSize: [28, 28], classNames: CLASSES });
    net.dispose();
    modelJson = path.join(dir, 'model', 'model.json');
    photos = path.join(dir, 'photos');
    // Seeded noise, so LEE is not 0; one 28×28 file and two to resize (one of another aspect ratio).
    let s = 7;
    const rnd = () => (s = (s * 16807) % 2147483647) % 256;
    const noise = () => [rnd(), rnd(), rnd(), 255] as [number, number, number, number];
    fs.mkdirSync(path.join(photos, 'cat'), { recursive: true });
    fs.mkdirSync(path.join(photos, 'dog'));
    fs.writeFileSync(path.join(photos, 'cat', 'a, "odd" name.png'), makePng(28, 28, 2, noise));
    fs.writeFileSync(path.join(photos, 'cat', 'b.png'), makePng(56, 56, 2, noise));
    fs.writeFileSync(path.join(photos, 'dog', 'c.png'), makePng(60, 40, 2, noise));
    // Jupyter's autosave folder is not a class (nor are its images measured).
    fs.mkdirSync(path.join(photos, '.ipynb_checkpoints'));
    fs.writeFileSync(path.join(photos, '.ipynb_checkpoints', 'c-checkpoint.png'), makePng(28, 28, 2, noise));
    fs.mkdirSync(path.join(photos, 'dog', '.ipynb_checkpoints'));
    fs.writeFileSync(path.join(photos, 'dog', '.ipynb_checkpoints', 'c-checkpoint.png'), makePng(28, 28, 2, noise));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a folder run: file (relative path, CSV-quoted), label (subfolder), pred (the model's top-1 class name, checked against predict)", async () => {
    const r = await runHere([
      'lee',
      '--model',
      modelJson,
      '--images',
      photos,
      '--groups',
      'translate-x,rotate',
      '--backend',
      'wasm',
      '--batch',
      '2',
    ]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines[0], 'image,file,label,pred,group,lee');
    const rows = lines.slice(1).map(parseCsvLine);
    assert.equal(rows.length, 6);
    assert.deepEqual(
      rows.map((c) => c[1]),
      ['cat/a, "odd" name.png', 'cat/a, "odd" name.png', 'cat/b.png', 'cat/b.png', 'dog/c.png', 'dog/c.png'],
    );
    assert.deepEqual(
      rows.map((c) => c[2]),
      ['cat', 'cat', 'cat', 'cat', 'dog', 'dog'],
    );
    // Independent oracle: argmax of the model's own predict on the same loaded images.
    const model = await loadModel(modelJson);
    const folder = loadImageFolder(photos, { size: [28, 28] });
    const want = tf
      .tidy(() => Array.from((model.net.predict(folder.images) as tf.Tensor).argMax(1).dataSync()))
      .map((k) => CLASSES[k]);
    folder.images.dispose();
    model.net.dispose();
    assert.deepEqual(
      rows.filter((_, i) => i % 2 === 0).map((c) => c[3]),
      want,
    );
    assert.ok(
      rows.every((c) => Number(c[5]) > 0),
      'noise images have a positive LEE',
    );
    assert.match(
      r.err,
      /lee: warning: 2 of 3 images resized to the model's 28×28 \(width×height\) from (56×56, 60×40|60×40, 56×56); 1 with another aspect ratio were centre-cropped/,
    );
    assert.match(r.err, /lee: units: t = 1 ≙ 13\.5 px \(translate-x, translate-y; 27 px \/ 2\), 57\.3° \(rotate/);
  });

  it('JSON carries the same columns in the same order, and --summary adds the bootstrap summary', async () => {
    const csv = await runHere([
      'lee',
      '--model',
      modelJson,
      '--images',
      photos,
      '--groups',
      'rotate',
      '--backend',
      'wasm',
    ]);
    const j = await runHere([
      'lee',
      '--model',
      modelJson,
      '--images',
      photos,
      '--groups',
      'rotate',
      '--backend',
      'wasm',
      '--format',
      'json',
      '--summary',
    ]);
    assert.equal(j.code, 0, j.err);
    const doc = JSON.parse(j.out);
    assert.deepEqual(Object.keys(doc.rows[0]), ['image', 'file', 'label', 'pred', 'group', 'lee']);
    const csvRows = csv.out.trim().split('\n').slice(1).map(parseCsvLine);
    assert.deepEqual(
      doc.rows.map((r: { file: string; pred: string }) => [r.file, r.pred]),
      csvRows.map((c) => [c[1], c[3]]),
    );
    assert.equal(doc.meta.images.resized.startsWith('warning: 2 of 3 images'), true);
    const values = doc.rows.map((r: { lee: number }) => r.lee);
    const ci = meanCI(values);
    assert.equal(doc.summary.length, 1);
    assert.equal(doc.summary[0].n, 3);
    assert.ok(
      Math.abs(doc.summary[0].mean - values.reduce((a: number, b: number) => a + b, 0) / 3) < TOL.float64ClosedForm,
    );
    assert.deepEqual([doc.summary[0].ci.lo, doc.summary[0].ci.hi], [ci.lo, ci.hi]);
  });

  it('--summary prints a table per model and group to stderr (stdout keeps only the CSV)', async () => {
    const r = await runHere([
      'lee',
      '--model',
      modelJson,
      '--images',
      photos,
      '--groups',
      'translate-x,hue',
      '--backend',
      'wasm',
      '--summary',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /summary|CI/);
    const rows = r.out.trim().split('\n').slice(1).map(parseCsvLine);
    const tx = rows.filter((c) => c[4] === 'translate-x').map((c) => Number(c[5]));
    const table = r.err.slice(r.err.indexOf('summary:'));
    assert.match(table, /^summary: LEE \(mean-abs of probs\) per image; 95% CI: percentile bootstrap over images/);
    const line = table.split('\n').find((l) => /^toy\s+translate-x/.test(l))!;
    const cells = line.trim().split(/\s{2,}/);
    assert.equal(cells[2], '3');
    const ci = meanCI(tx);
    const f = (x: number) => Number(x.toPrecision(3)).toString();
    assert.equal(cells[3], f(tx.reduce((a, b) => a + b, 0) / 3));
    assert.equal(cells[5], `[${f(ci.lo)}, ${f(ci.hi)}]`);
    assert.match(table, /^toy\s+hue\s+3\s/m);
  });

  it('a .npy with a <stem>.labels.npy companion gets a label column; a companion of the wrong length is refused naming it', async () => {
    const x = tf.randomUniform([4, 28, 28, 3], 0, 1, 'float32', 1);
    const npy = path.join(dir, 'batch.npy');
    writeNpy(npy, x.dataSync() as Float32Array, x.shape);
    x.dispose();
    writeNpy(path.join(dir, 'batch.labels.npy'), new Float32Array([3, 1, 4, 1]), [4]);
    const r = await runHere(['lee', '--model', modelJson, '--images', npy, '--groups', 'rotate', '--backend', 'wasm']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines[0], 'image,label,pred,group,lee');
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',')[1]),
      ['3', '1', '4', '1'],
    );
    assert.match(r.err, /labels from .*batch\.labels\.npy/);
    assert.doesNotMatch(r.err, /resized/);
    writeNpy(path.join(dir, 'batch.labels.npy'), new Float32Array([3, 1]), [2]);
    const bad = await runHere([
      'lee',
      '--model',
      modelJson,
      '--images',
      npy,
      '--groups',
      'rotate',
      '--backend',
      'wasm',
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /batch\.labels\.npy: labels companion has shape \(2\), expected \(4,\)/);
    assert.equal(bad.out, '');
  });

  it('the units line follows the image size (non-square: x and y differ); --help states the units', async () => {
    assert.match(unitsLine(224, 224), /t = 1 ≙ 111\.5 px/);
    assert.match(unitsLine(20, 41), /20 px \(translate-x, W = 41\), 9\.5 px \(translate-y, H = 20\)/);
    const h = await runHere(['lee', '--help']);
    assert.match(h.out, /t = 1 is \(W−1\)\/2 pixels/);
    assert.match(h.out, /57\.3°/);
  });

  it('helpers: resizeWarning only when something was resized; CSV fields round-trip; predictions leak nothing', async () => {
    assert.equal(resizeWarning([[28, 28]], [28, 28]), undefined);
    assert.equal(resizeWarning(undefined, [28, 28]), undefined);
    assert.match(
      resizeWarning(
        [
          [28, 28],
          [100, 100],
          [100, 100],
          [30, 40],
        ],
        [28, 28],
      )!,
      /3 of 4 images resized .* from 100×100 \(2\), 40×30; 1 with another aspect ratio/,
    );
    const fields = ['plain', 'a,b', 'say "hi"', ''];
    assert.deepEqual(parseCsvLine(fields.map(csvField).join(',')), fields);
    const model = await loadModel(modelJson);
    const x = tf.randomUniform([3, 28, 28, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    await expectNoLeak(() => topOnePredictions(model, x, 1, 2), 'topOnePredictions');
    x.dispose();
    model.net.dispose();
  });
});
