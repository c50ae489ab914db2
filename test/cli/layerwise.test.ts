import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { main } from '../../src/cli/main';
import { writeNpy } from '../../src/data/npy';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { loadModel, saveModel } from '../../src/models/load';
import { buildZooModel } from '../../src/models/zoo';
import { classNamesOf } from '../helpers/classes';
import { TOL as TOLERANCES } from '../helpers/tolerances';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'liederiv.js');
/** Through bin/liederiv.js in a child process (the end-to-end path). */
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'layerwise', ...args], { encoding: 'utf8' });

/** In this process (no module loading per call): exit status and captured output. */
async function runHere(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const capture = () => {
    const s = new PassThrough();
    let text = '';
    s.on('data', (c) => (text += c));
    return { s, text: () => text };
  };
  const out = capture();
  const err = capture();
  const status = await main(['layerwise', ...args], { stdout: out.s, stderr: err.s });
  await new Promise((resolve) => setImmediate(resolve)); // let the streams deliver their last chunks
  return { status, stdout: out.text(), stderr: err.text() };
}

// Σ projection = ‖L f‖ and the CLI's totals vs lieDerivative in this process: float32 round-off
// (measured ≤ 2e-6), bounded by the 1e-4.
const TOL = TOLERANCES.telescopingSum;

describe('liederiv layerwise (CLI)', () => {
  let dir: string;
  let modelJson: string;
  let npy: string;
  let l2: number[];
  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-layerwise-'));
    const net = buildZooModel('cnn-relu', { seed: 5 });
    await saveModel(net, dir, {
      name: 'cnn-test',
      inputSize: [28, 28],
      preprocess: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      classNames: classNamesOf(net),
    });
    modelJson = path.join(dir, 'model.json');
    npy = path.join(dir, 'images.npy');
    const x = tf.randomUniform([2, 28, 28, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    writeNpy(npy, x.dataSync() as Float32Array, x.shape);
    // The independent reference: the lee engine on the same files, in this process.
    const [ref] = await lieDerivative(await loadModel(modelJson), x, ['rotate']);
    l2 = (ref.lie.arraySync() as number[][]).map((r) => Math.hypot(...r));
    tf.dispose([x, ref.lie]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--format json: {meta, layers, rows, totals} as the issue specifies; Σ projection = ‖L f‖', () => {
    const r = run('--model', modelJson, '--images', npy, '--group', 'rotate', '--format', 'json', '--backend', 'wasm');
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc).sort(), ['layers', 'meta', 'rows', 'totals']);
    assert.equal(doc.meta.options.group, 'rotate');
    assert.equal(doc.meta.sqnormMethod, 'exact');
    assert.equal(doc.meta.model.name, 'cnn-test');
    assert.deepEqual(doc.layers[0], { index: 0, name: 'preprocess', kind: 'other' });
    assert.deepEqual(doc.layers[1], { index: 1, name: 'conv1', kind: 'conv' });
    assert.deepEqual(doc.layers[2], { index: 2, name: 'conv1/relu', kind: 'activation' });
    for (const l of doc.layers) assert.deepEqual(Object.keys(l), ['index', 'name', 'kind']);
    assert.equal(doc.rows.length, 2 * doc.layers.length);
    for (const row of doc.rows)
      assert.deepEqual(Object.keys(row), ['image', 'layer', 'sqnorm', 'projection', 'meanSq', 'meanSqShare']);
    assert.deepEqual(
      doc.totals.map((t: { image: number }) => t.image),
      [0, 1],
    );
    for (const t of doc.totals as Array<{ image: number; l2: number; meanSq: number }>) {
      // mean-sq (Eq. 4): the shares ⟨C_i, L f⟩/K sum to the total ‖L f‖²/K.
      const share = doc.rows
        .filter((row: { image: number }) => row.image === t.image)
        .reduce((a: number, row: { meanSqShare: number }) => a + row.meanSqShare, 0);
      assert.ok(
        Math.abs(share - t.meanSq) <= TOL * t.meanSq,
        `image ${t.image}: Σ meanSqShare ${share} vs mean-sq ${t.meanSq}`,
      );
      assert.ok(
        Math.abs(t.meanSq - (t.l2 * t.l2) / doc.meta.outputs) <= TOL * t.meanSq,
        `image ${t.image}: mean-sq ${t.meanSq} vs l2²/K`,
      );
      assert.ok(
        Math.abs(t.l2 - l2[t.image]) <= TOL * l2[t.image],
        `image ${t.image}: total ${t.l2} vs lieDerivative ${l2[t.image]}`,
      );
      const proj = doc.rows
        .filter((row: { image: number }) => row.image === t.image)
        .reduce((a: number, row: { projection: number }) => a + row.projection, 0);
      assert.ok(Math.abs(proj - t.l2) <= TOL * t.l2, `image ${t.image}: Σ projection ${proj} vs ${t.l2}`);
    }
  });

  it('--format csv --out FILE: one line per image and layer, written atomically (no temp files left)', async () => {
    const out = path.join(dir, 'layers.csv');
    const r = await runHere(
      '--model',
      modelJson,
      '--images',
      npy,
      '--group',
      'translate-x',
      '--output',
      'logits',
      '--exact',
      '--out',
      out,
      '--backend',
      'wasm',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'image,index,layer,kind,sqnorm,projection,meanSq,meanSqShare');
    // cnn-relu with preprocessing, logits: preprocess, conv1, conv1/relu, maxpool1, conv2, conv2/relu,
    // maxpool2, flatten, fc1, fc1/relu, logits = 11 steps (no softmax).
    assert.equal(lines.length - 1, 2 * 11);
    assert.match(lines[1], /^0,0,preprocess,other,[-0-9.e]+,[-0-9.e]+,[-0-9.e]+,[-0-9.e]+$/);
    assert.ok(!lines.some((l) => l.includes(',probs,')), 'logits output stops before the softmax');
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('.tmp')),
      [],
    );
  });

  it('usage errors exit 2 and name the option', async () => {
    let r = await runHere('--model', modelJson, '--images', npy);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing required option --group/);
    r = await runHere('--model', modelJson, '--images', npy, '--group', 'spin');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown group 'spin'; valid: translate-x/);
    r = await runHere('--model', modelJson, '--images', npy, '--group', 'rotate', '--probes', '0');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--probes must be an integer ≥ 1/);
    // Any tensor can be decomposed; a name the model does not have is a run-time error naming its layers.
    r = await runHere('--model', modelJson, '--images', npy, '--group', 'rotate', '--output', 'embedding');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown layer 'embedding'; valid: /);
  });

  it('--help shows the contract synopsis', async () => {
    const r = await runHere('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^liederiv layerwise --model <model.json> --images <file.npy \| folder> --group <name>/);
    assert.match(
      r.stdout,
      /\[--output probs\|logits\|NAME\] \[--input-range R\] \[--mean r,g,b\] \[--std r,g,b\] \[--layout L\] \[--difference central\|forward\|gaussian\] \[--probes P\] \[--exact\]/,
    );
    assert.match(
      r.stdout,
      /--input-range the value range the model expects: 0\.\.1 \(default\) \| 0\.\.255 \| -1\.\.1/,
    );
  });
});
