/**
 * The measured model (DESIGN §10): every way a model states its input and output, checked against
 * an oracle independent of the forward rules and of the contract code — reverse mode on the cpu
 * backend (tf.grad of each output component of a function written out here by hand, dotted with
 * the image tangent: (J v)_k = ⟨∇F_k(x), v⟩) — and the real users' cases with their right values
 * (test/fixtures/cases/MODEL-CASES.md).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { loadImagesNpy, writeNpy } from '../../src/data/npy';
import { InputError } from '../../src/errors';
import { measuredModel } from '../../src/jvp';
import { layerwise } from '../../src/lie/layerwise';
import { lee } from '../../src/lie/lee';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { loadModel, saveModel } from '../../src/models/load';
import { runHere } from '../helpers/cli';
import { expectNoLeak } from '../helpers/noLeak';
import { attr, tinyGraph } from '../helpers/opGraph';
import { TOL } from '../helpers/tolerances';
import { lieVector, relErr, reverseModeLie } from '../helpers/lieOracle';

const CASES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'cases');

const luma = (x: tf.Tensor) => tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), -1, true);

describe('the measured model: input and output contracts (cpu, against reverse mode)', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('grayscale-model: RGB input measures net ∘ luma; 1-channel input is taken as is; the case values', async () => {
    const model = await loadModel(path.join(CASES, 'grayscale-model', 'model'));
    const m = measuredModel(model);
    assert.equal(m.input.channels, 1);
    assert.match(m.formula, /^net \(its softmax\) ∘ luma on 28×28 RGB$/);
    const grey = loadImagesNpy(path.join(CASES, 'grayscale-model', 'grey_1ch.npy'));
    const rgb = loadImagesNpy(path.join(CASES, 'grayscale-model', 'grey_rgb.npy'));
    const x0 = tf.slice(rgb, [0], [2]) as tf.Tensor4D;
    const g0 = tf.slice(grey, [0], [2]) as tf.Tensor4D;
    for (const group of ['rotate', 'translate-x']) {
      const oracle = reverseModeLie((x) => model.net.predict(luma(x)) as tf.Tensor2D, x0, group);
      assert.ok(relErr(await lieVector(model, x0, group), oracle) < TOL.jvpVsOracle, group);
      // Repeated grey RGB and the 1-channel image are the same function of the same picture.
      assert.ok(relErr(await lieVector(model, g0, group), oracle) < TOL.jvpVsOracle, `${group} (1 channel)`);
    }
    const rows = await lee(
      model,
      { images: tf.slice(grey, [0], [1]) as tf.Tensor4D },
      { groups: ['rotate', 'translate-x'] },
    );
    assert.ok(Math.abs(rows[0].lee - 0.20152099328115583) / 0.2015 < TOL.papersCodeParity, `rotate ${rows[0].lee}`);
    assert.ok(Math.abs(rows[1].lee - 0.2872433112002909) / 0.2872 < TOL.papersCodeParity, `translate-x ${rows[1].lee}`);
    await assert.rejects(
      lieDerivative(model, g0, ['hue']),
      (e: unknown) => e instanceof InputError && /colour groups \(hue\) act on RGB/.test((e as Error).message),
    );
    tf.dispose([grey, rgb, x0, g0]);
    model.net.dispose();
  });

  it('input range and mean/std: the same as the scaling folded into the first layer', async () => {
    const dense = (kernel: tf.Tensor2D, bias: tf.Tensor1D) =>
      tf.sequential({
        layers: [
          tf.layers.flatten({ inputShape: [6, 6, 3] }),
          tf.layers.dense({ units: 5, activation: 'tanh', weights: [kernel, bias] }),
          tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
        ],
      });
    const W = tf.randomNormal([108, 5], 0, 0.3, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([5], 0, 0.3, 'float32', 2) as tf.Tensor1D;
    const net = dense(W, b);
    const x = tf.randomUniform([2, 6, 6, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const mean = [0.4, 0.5, 0.6];
    const std = [0.2, 0.25, 0.3];
    // Per input component (flattened NHWC: channel fastest) the affine map y = a x + c.
    const fold = (a: number[], c: number[]) => {
      const A = tf.tile(tf.tensor1d(a), [36]).reshape([108, 1]);
      const C = tf.tile(tf.tensor1d(c), [36]).reshape([1, 108]);
      const folded = dense(tf.mul(W, A) as tf.Tensor2D, tf.add(b, tf.matMul(C, W).reshape([5])) as tf.Tensor1D);
      folded.layers[2].setWeights(net.layers[2].getWeights());
      return folded;
    };
    const cases: Array<[Record<string, unknown>, number[], number[]]> = [
      [{ inputRange: '0..255' }, [255, 255, 255], [0, 0, 0]],
      [{ inputRange: '-1..1' }, [2, 2, 2], [-1, -1, -1]],
      [
        { inputRange: '0..255', mean: mean.map((v) => 255 * v), std: std.map((v) => 255 * v) },
        std.map((s) => 1 / s),
        mean.map((mu, i) => -mu / std[i]),
      ],
    ];
    for (const [contract, a, c] of cases) {
      const folded = fold(a, c);
      for (const group of ['rotate', 'hue']) {
        const got = await lieVector(
          { name: 'n', net, inputSize: [6, 6], preprocess: { mean: [0], std: [1] } },
          x,
          group,
          { output: 'logits', ...contract },
        );
        const want = reverseModeLie((xx) => folded.predict(xx) as tf.Tensor2D, x, group);
        assert.ok(relErr(got, want) < TOL.jvpVsOracle, `${JSON.stringify(contract)} ${group}: ${relErr(got, want)}`);
      }
      folded.dispose();
    }
    assert.match(
      measuredModel({ name: 'n', net }, { output: 'logits', inputRange: '-1..1' }).formula,
      /^net \(raw output\) ∘ \(2x−1\) on 6×6 RGB$/,
    );
    // Library callers' options are checked as the CLI's are: '0-255' was measured as 0..1 while the provenance said "option".
    const refuses = (o: object, re: RegExp) =>
      assert.throws(
        () => measuredModel({ name: 'n', net }, { output: 'logits', ...o } as never),
        (e: unknown) => e instanceof InputError && re.test((e as Error).message),
      );
    refuses(
      { inputRange: '0-255' },
      /inputRange "0-255" is not a range liederiv knows; expected one of '0\.\.1', '0\.\.255', '-1\.\.1'/,
    );
    refuses(
      { layout: 'NCHW' },
      /layout "NCHW" is not a layout liederiv knows; expected one of 'auto', 'nhwc', 'nchw' in lower case/,
    );
    refuses({ mean: [Number.NaN, 0, 0] }, /mean \[null,0,0\] must be a non-empty array of finite numbers/);
    refuses({ std: [] }, /std \[\] must be a non-empty array/);
    tf.dispose([W, b, x]);
    net.dispose();
  });

  it("a Softmax behind Identity is the model's own: probs is not softmaxed twice, logits is the softmax's input", async () => {
    const g = await tinyGraph(
      [-1, 4, 4, 3],
      [
        { name: 'flat', op: 'Reshape', input: ['x', 'shape'] },
        {
          name: 'fc',
          op: 'MatMul',
          input: ['flat', 'w'],
          attr: { transpose_a: attr.b(false), transpose_b: attr.b(false) },
        },
        { name: 'sm', op: 'Softmax', input: ['fc'] },
        { name: 'Identity', op: 'Identity', input: ['sm'] },
      ],
      { shape: tf.tensor1d([-1, 48], 'int32'), w: tf.randomNormal([48, 5], 0, 0.5, 'float32', 7) },
    );
    const x = tf.randomUniform([2, 4, 4, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    const probs = measuredModel({ name: 'g', net: g });
    assert.equal(probs.output.softmax, 'model');
    const run = (node: string) => (xx: tf.Tensor4D) => g.execute(xx, node) as tf.Tensor2D;
    assert.ok(relErr(await lieVector(g, x, 'rotate'), reverseModeLie(run('Identity'), x, 'rotate')) < TOL.jvpVsOracle);
    assert.ok(
      relErr(await lieVector(g, x, 'rotate', { output: 'logits' }), reverseModeLie(run('fc'), x, 'rotate')) <
        TOL.jvpVsOracle,
    );
    tf.dispose(x);
    g.dispose();
  });

  it('outputs: signature keys, several outputs (refused, then chosen by name), [B, 1] outputs refused for probs', async () => {
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
      { name: 'Identity', op: 'Identity', input: ['emb'] },
      { name: 'Identity_1', op: 'Identity', input: ['score'] },
      { name: 'Identity_2', op: 'Tanh', input: ['emb'] },
    ];
    const consts = {
      shape: tf.tensor1d([-1, 48], 'int32'),
      w: tf.randomNormal([48, 6], 0, 0.5, 'float32', 9),
      w1: tf.randomNormal([48, 1], 0, 0.5, 'float32', 10),
    };
    const t = (name: string, k: number) => ({
      name: `${name}:0`,
      dtype: 'DT_FLOAT',
      tensorShape: { dim: [{ size: '-1' }, { size: String(k) }] },
    });
    const signature = {
      inputs: {
        image: {
          name: 'x:0',
          dtype: 'DT_FLOAT',
          tensorShape: { dim: [{ size: '-1' }, { size: '4' }, { size: '4' }, { size: '3' }] },
        },
      },
      outputs: { embedding: t('Identity', 6), regression: t('Identity_1', 1), activation_6: t('Identity_2', 6) },
    };
    const g = await tinyGraph([-1, 4, 4, 3], nodes, consts, { signature });
    const x = tf.randomUniform([2, 4, 4, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
    assert.throws(
      () => measuredModel({ name: 'three', net: g }),
      (e: unknown) =>
        e instanceof InputError &&
        /has 3 outputs \(.*embedding \(node Identity\).*regression.*activation_6.*\); say which one to measure with output: NAME \(--output NAME\)/.test(
          (e as Error).message,
        ),
    );
    // Signature keys and node names both select a tensor; each matches reverse mode through the executor.
    for (const [name, node] of [
      ['activation_6', 'Identity_2'],
      ['embedding', 'Identity'],
      ['emb', 'emb'],
    ]) {
      const got = await lieVector(g, x, 'rotate', { output: name });
      assert.ok(
        relErr(
          got,
          reverseModeLie((xx) => g.execute(xx, node) as tf.Tensor2D, x, 'rotate'),
        ) < TOL.jvpVsOracle,
        name,
      );
    }
    assert.throws(
      () => measuredModel({ name: 'three', net: g }, { output: 'nope' }),
      /unknown graph tensor 'nope'.*embedding \(node Identity\)/,
    );
    // One output component: a softmax over it is constantly 1, LEE 0 for every image — refused.
    const one = await tinyGraph(
      [-1, 4, 4, 3],
      nodes
        .slice(0, 3)
        .concat([{ name: 'out', op: 'Identity', input: ['score'] }])
        .filter((n) => n.name !== 'emb'),
      { shape: consts.shape, w1: consts.w1 },
    );
    await assert.rejects(
      lieDerivative(one, x, ['rotate'], { output: 'probs' }),
      /output 'probs' needs class scores.*is \[B, 1\] \(one value: a softmax over it is constantly 1\)\. Use output 'logits' \(--output logits/,
    );
    assert.ok((await lieVector(one, x, 'rotate', { output: 'logits' })).some((v) => v !== 0));
    tf.dispose([x, ...Object.values(consts)]);
    g.dispose();
    one.dispose();
  });

  it('StopGradient is the identity of the forward function: a straight-through round has derivative 0', async () => {
    const g = await tinyGraph(
      [-1, 2, 2, 3],
      [
        { name: 'r', op: 'Round', input: ['x'] },
        { name: 'd', op: 'Sub', input: ['r', 'x'] },
        { name: 'sg', op: 'StopGradient', input: ['d'] },
        { name: 'out', op: 'AddV2', input: ['x', 'sg'] },
      ],
    );
    const { jvpGraphModel } = await import('../../src/jvp/graphModel');
    const x = tf.randomUniform([1, 2, 2, 3], 0.1, 0.4, 'float32', 3);
    const v = tf.randomNormal([1, 2, 2, 3], 0, 1, 'float32', 4);
    const d = jvpGraphModel(g, x, v);
    // f(x) = round(x) pointwise: piecewise constant, so J·v = 0 (not v, which the training gradient would give).
    assert.equal(tf.max(tf.abs(d.tangent)).dataSync()[0], 0);
    tf.dispose([x, v, d.primal, d.tangent]);
    g.dispose();
  });

  it('integer inputs are refused: no Lie derivative at an integer input', async () => {
    const g = await tinyGraph(
      [-1, 4, 4, 3],
      [{ name: 'c', op: 'Cast', input: ['x'], attr: { SrcT: attr.type('DT_INT32'), DstT: attr.type('DT_FLOAT') } }],
      {},
      { inputDtype: 'DT_INT32' },
    );
    assert.throws(
      () => measuredModel({ name: 'int', net: g }),
      /takes int32 input 'x': integer pixels cannot be differentiated.*float32 version/,
    );
    g.dispose();
  });

  it('layerwise on a GraphModel: contributions per op, telescoping to L f; leaves no tensors', async () => {
    const model = await loadModel(path.join(CASES, 'graph-nchw-input', 'model'));
    const x = tf.randomUniform([2, 28, 28, 3], 0, 1, 'float32', 12) as tf.Tensor4D;
    for (const output of ['probs', 'logits']) {
      const res = await expectNoLeak(() => layerwise(model, x, 'rotate', { output }), 'layerwise');
      assert.ok(res.meta.telescopingError < TOL.telescopingSum, `${output}: ${res.meta.telescopingError}`);
      assert.ok(
        res.layers.some((l) => l.className === 'Conv2D' && l.kind === 'conv'),
        res.layers.map((l) => l.className).join(),
      );
      assert.ok(
        res.layers.some((l) => l.name === 'nchw'),
        'the layout adapter is a step',
      );
      // Σ projections = ‖L f‖, with L f from reverse mode.
      const F = (xx: tf.Tensor4D) =>
        tf.tidy(() => {
          const y = model.net.execute(
            tf.transpose(xx, [0, 3, 1, 2]),
            output === 'logits' ? 'fc/MatMul' : 'Identity',
          ) as tf.Tensor2D;
          return y;
        });
      const lf = reverseModeLie(F, x, 'rotate');
      const K = lf.length / 2;
      for (let i = 0; i < 2; i++) {
        const norm = Math.hypot(...lf.subarray(i * K, (i + 1) * K));
        const sum = res.rows.filter((r) => r.image === i).reduce((s, r) => s + r.projection, 0);
        assert.ok(
          Math.abs(sum - norm) < TOL.telescopingSum * norm + TOL.absFloorLee,
          `${output} image ${i}: Σ projection ${sum} vs ‖L f‖ ${norm}`,
        );
      }
    }
    tf.dispose(x);
    model.net.dispose();
  });
});

/**
 * mean-abs of J_F·(L x) per image by reverse mode on cpu, F the graph's own output (optionally
 * softmaxed once more: what main did before the Softmax → Identity fix, and what the cases'
 * README lists as right for graph-nchw-input and graph-fixed-batch1).
 */
async function graphOracle(modelDir: string, x: tf.Tensor4D, group: string, extraSoftmax = false): Promise<number[]> {
  const m = await loadModel(modelDir);
  const F = (xx: tf.Tensor4D) => {
    const nchw = m.net.inputs[0].shape?.[1] === 3;
    const y = (m.net as tf.GraphModel).execute(nchw ? tf.transpose(xx, [0, 3, 1, 2]) : xx) as tf.Tensor2D;
    return extraSoftmax ? tf.softmax(y) : y;
  };
  const out: number[] = [];
  for (let i = 0; i < x.shape[0]; i++) {
    const xi = tf.slice(x, [i], [1]) as tf.Tensor4D;
    const lie = reverseModeLie(F, xi, group);
    out.push(lie.reduce((s, v) => s + Math.abs(v), 0) / lie.length);
    xi.dispose();
  }
  m.net.dispose();
  return out;
}

describe("real users' model cases through the CLI (wasm, the default backend)", () => {
  let dir: string;
  const oracle: Record<string, number[]> = {};
  before(async () => {
    await useBackend('cpu');
    const x = loadImagesNpy(path.join(CASES, 'baseline', 'x.npy'));
    oracle.fixed = await graphOracle(path.join(CASES, 'graph-fixed-batch1', 'model'), x, 'rotate');
    oracle.fixedTwice = await graphOracle(path.join(CASES, 'graph-fixed-batch1', 'model'), x, 'rotate', true);
    const { loadImageFolder } = await import('../../src/data/imageFolder');
    const photo = loadImageFolder(path.join(CASES, 'graph-nchw-input', 'imgs'), { size: [28, 28] });
    oracle.nchw = await graphOracle(path.join(CASES, 'graph-nchw-input', 'model'), photo.images, 'rotate');
    oracle.nchwTwice = await graphOracle(path.join(CASES, 'graph-nchw-input', 'model'), photo.images, 'rotate', true);
    tf.dispose([x, photo.images]);
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-measured-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const leeJson = async (...args: string[]) => {
    const r = await runHere(['lee', '--format', 'json', '--backend', 'wasm', ...args]);
    assert.equal(r.code, 0, r.err);
    return {
      rows: JSON.parse(r.out).rows as Array<{ image: number; group: string; lee: number }>,
      err: r.err,
      meta: JSON.parse(r.out).meta,
    };
  };
  const close = (got: number, want: number, tol = TOL.jvpVsOracle) =>
    assert.ok(Math.abs(got - want) <= tol * Math.abs(want), `${got} vs ${want}`);

  it('grayscale-model: 1-channel .npy, repeated RGB .npy and a PNG folder all run', async () => {
    const m = path.join(CASES, 'grayscale-model', 'model', 'model.json');
    for (const images of ['grey_1ch.npy', 'grey_rgb.npy']) {
      const { rows } = await leeJson(
        '--model',
        m,
        '--images',
        path.join(CASES, 'grayscale-model', images),
        '--groups',
        'rotate,translate-x',
      );
      close(rows[0].lee, 0.20152099328115583);
      close(rows[1].lee, 0.2872433112002909);
    }
    const { rows, err } = await leeJson(
      '--model',
      m,
      '--images',
      path.join(CASES, 'grayscale-model', 'folder'),
      '--groups',
      'rotate',
    );
    assert.equal(rows.length, 1);
    assert.ok(Number.isFinite(rows[0].lee));
    assert.match(err, /measures net \(its softmax\) ∘ luma on 28×28 RGB/);
  });

  it('graph-nchw-input: the layout is detected, the photo measured at 28×28 (as the NHWC twin); --layout nchw agrees', async () => {
    const imgs = path.join(CASES, 'graph-nchw-input', 'imgs');
    const auto = await leeJson(
      '--model',
      path.join(CASES, 'graph-nchw-input', 'model', 'model.json'),
      '--images',
      imgs,
      '--groups',
      'rotate',
    );
    // The graph's own softmax, once (reverse mode); the cases' README value 1.3044e-4 is the doubled softmax.
    close(auto.rows[0].lee, oracle.nchw[0], TOL.jvpVsOracleNchw);
    close(oracle.nchwTwice[0], 1.304446529275083e-4, TOL.papersCodeParity);
    assert.match(auto.err, /measures net \(its softmax\) ∘ NCHW on 28×28 RGB/);
    assert.match(auto.err, /note: the input range the model expects is assumed to be 0\.\.1/);
    assert.equal(auto.meta.model.input.layout, 'nchw');
    assert.match(auto.meta.model.decidedBy.layout, /detected: input shape \[\?, 3, 28, 28\] has the channels second/);
    const forced = await leeJson(
      '--model',
      path.join(CASES, 'graph-nchw-input', 'model', 'model.json'),
      '--images',
      imgs,
      '--groups',
      'rotate',
      '--layout',
      'nchw',
    );
    assert.equal(forced.rows[0].lee, auto.rows[0].lee);
    const twin = await leeJson(
      '--model',
      path.join(CASES, 'graph-nchw-input', 'nhwc-reference', 'model.json'),
      '--images',
      imgs,
      '--groups',
      'rotate',
    );
    close(twin.rows[0].lee, auto.rows[0].lee, TOL.float32Reordered);
    // Read as NHWC the model would take 28 channels: refused, naming the fix.
    const r = await runHere([
      'lee',
      '--model',
      path.join(CASES, 'graph-nchw-input', 'model', 'model.json'),
      '--images',
      imgs,
      '--groups',
      'rotate',
      '--layout',
      'nhwc',
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /takes 28 channels \(input shape \[\?, 3, 28, 28\], read as NHWC \(layout nhwc from the option --layout\)\).*The shape has 3 channels second: use layout auto \(--layout auto/,
    );
  });

  it('graph-fixed-batch1: detected, images run one at a time at the default --batch', async () => {
    const { rows, err } = await leeJson(
      '--model',
      path.join(CASES, 'graph-fixed-batch1', 'model', 'model.json'),
      '--images',
      path.join(CASES, 'baseline', 'x.npy'),
      '--groups',
      'rotate',
    );
    rows.forEach((r, i) => close(r.lee, oracle.fixed[i], TOL.jvpVsOracleNchw));
    // The cases' README lists softmax ∘ softmax ∘ net (main's bug: a second softmax behind Identity).
    const readme = [0.012886771652847528, 0.007864608555973974, 0.017242336078197695, 0.014070562040433287];
    oracle.fixedTwice.forEach((v, i) => close(v, readme[i], TOL.papersCodeParity));
    assert.match(err, /one image at a time/);
  });

  it('baseline: cnn-relu-mnist on x.npy, rotate = the case value; the header names the measured function', async () => {
    const { rows, err } = await leeJson(
      '--model',
      path.resolve(__dirname, '..', '..', '..', 'datasets', 'models', 'cnn-relu-mnist', 'model.json'),
      '--images',
      path.join(CASES, 'baseline', 'x.npy'),
      '--groups',
      'rotate',
    );
    close(rows[0].lee, 0.2537653509294614);
    assert.match(err, /measures net \(its softmax\) on 28×28 RGB/);
    // Its liederiv.json states preprocessing on [0, 1] images: nothing is assumed.
    assert.doesNotMatch(err, /note:/);
  });

  it('the sidecar states the contract; unknown sidecar fields are refused', async () => {
    const net = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 3] }),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      ],
    });
    const folder = path.join(dir, 'side');
    await saveModel(net, folder, { name: 'side', contract: { inputRange: '-1..1', output: 'logits' } });
    const x = path.join(dir, 'x4.npy');
    writeNpy(
      x,
      new Float32Array(2 * 48).map((_, i) => (i % 7) / 7),
      [2, 4, 4, 3],
    );
    const { err, meta } = await leeJson(
      '--model',
      path.join(folder, 'model.json'),
      '--images',
      x,
      '--groups',
      'rotate',
    );
    assert.match(err, /measures net \(raw output\) ∘ \(2x−1\) on 4×4 RGB/);
    assert.equal(meta.model.decidedBy.inputRange, 'sidecar');
    fs.writeFileSync(path.join(folder, 'liederiv.json'), JSON.stringify({ name: 'side', inputrange: '0..255' }));
    const r = await runHere(['lee', '--model', path.join(folder, 'model.json'), '--images', x, '--groups', 'rotate']);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /liederiv\.json: unknown field\(s\) inputrange \(did you mean 'inputrange' → 'inputRange'\?\); the sidecar's fields are name, inputSize, classNames, preprocess, inputRange, mean, std, layout, output/,
    );
    net.dispose();
  });
});
