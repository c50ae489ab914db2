/**
 * Inputs of the kinds real users send (test/fixtures/cases/README.md), beyond the listed files:
 * other spellings of the same fault, each checked against an oracle independent of the forward
 * rules and of the contract code — reverse mode on the cpu backend (tf.grad of each output
 * component of the model as tfjs runs it, dotted with the image tangent), or the expected refusal.
 * docs/USER-INPUTS.md is the user-facing table of these kinds.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { FileFormatError, InputError } from '../../src/errors';
import { measuredModel } from '../../src/jvp';
import { loadImageFolder } from '../../src/data/imageFolder';
import { loadImagesNpy, writeNpy } from '../../src/data/npy';
import { PNG } from 'pngjs';
import { loadModel, saveModel } from '../../src/models/load';
import { runHere } from '../helpers/cli';
import { expectNoLeak } from '../helpers/noLeak';
import { attr, tinyGraph, type TinyNode } from '../helpers/opGraph';
import { TOL } from '../helpers/tolerances';
import { lieVector, relErr, reverseModeLie } from '../helpers/lieOracle';

const mm = (name: string, a: string, b: string): TinyNode => ({
  name,
  op: 'MatMul',
  input: [a, b],
  attr: { transpose_a: attr.b(false), transpose_b: attr.b(false) },
});
const dense = (units: number, activation: string, seed: number) =>
  tf.layers.dense({
    units,
    activation: activation as 'linear',
    kernelInitializer: tf.initializers.glorotNormal({ seed }),
  });

/** A graph [B, 4, 4, 3] → logits [B, 5] ('fc'), then `tail` nodes after it. */
async function headGraph(tail: TinyNode[], extra: Record<string, tf.Tensor> = {}): Promise<tf.GraphModel> {
  return tinyGraph(
    [-1, 4, 4, 3],
    [{ name: 'flat', op: 'Reshape', input: ['x', 'shape'] }, mm('fc', 'flat', 'w'), ...tail],
    {
      shape: tf.tensor1d([-1, 48], 'int32'),
      w: tf.randomNormal([48, 5], 0, 0.5, 'float32', 7),
      ...extra,
    },
  );
}

describe('user inputs: the probability head behind other ops (cpu, against reverse mode)', () => {
  before(async () => {
    await useBackend('cpu');
  });
  const x = () => tf.randomUniform([2, 4, 4, 3], 0, 1, 'float32', 8) as tf.Tensor4D;

  const graphCases: Array<[string, TinyNode[], Record<string, tf.Tensor>]> = [
    [
      'Softmax → Reshape',
      [
        { name: 'sm', op: 'Softmax', input: ['fc'] },
        { name: 'out', op: 'Reshape', input: ['sm', 'shape2'] },
      ],
      { shape2: tf.tensor1d([-1, 5], 'int32') },
    ],
    [
      'Softmax → ExpandDims → Squeeze',
      [
        { name: 'sm', op: 'Softmax', input: ['fc'] },
        { name: 'ex', op: 'ExpandDims', input: ['sm', 'one'] },
        { name: 'out', op: 'Squeeze', input: ['ex'], attr: { squeeze_dims: attr.ints([1]) } },
      ],
      { one: tf.scalar(1, 'int32') },
    ],
    [
      'Softmax → IdentityN → Identity',
      [
        { name: 'sm', op: 'Softmax', input: ['fc'] },
        { name: 'idn', op: 'IdentityN', input: ['sm'] },
        { name: 'out', op: 'Identity', input: ['idn'] },
      ],
      {},
    ],
    [
      'Softmax → StopGradient',
      [
        { name: 'sm', op: 'Softmax', input: ['fc'] },
        { name: 'out', op: 'StopGradient', input: ['sm'] },
      ],
      {},
    ],
  ];
  for (const [what, tail, extra] of graphCases) {
    it(`GraphModel ${what}: probs is the model's softmax (not a second one), logits its input`, async () => {
      const g = await headGraph(tail, extra);
      const xs = x();
      const m = measuredModel({ name: 'g', net: g });
      assert.equal(m.output.softmax, 'model');
      assert.match(m.formula, /^net \(its softmax\)/);
      // The oracle: the graph's own output as tfjs runs it (it already is a softmax).
      const probs = await expectNoLeak(() => lieVector(g, xs, 'rotate'), 'lieDerivative');
      assert.ok(
        relErr(
          probs,
          reverseModeLie((xx) => g.execute(xx, 'out') as tf.Tensor, xs, 'rotate'),
        ) < TOL.jvpVsOracle,
      );
      const logits = await lieVector(g, xs, 'rotate', { output: 'logits' });
      assert.ok(
        relErr(
          logits,
          reverseModeLie((xx) => g.execute(xx, 'fc') as tf.Tensor, xs, 'rotate'),
        ) < TOL.jvpVsOracle,
      );
      tf.dispose(xs);
      g.dispose();
    });
  }

  it('GraphModel ending in Sigmoid (multi-label, or binary [B, 1]): probs is the sigmoid output itself, logits its input', async () => {
    for (const units of [5, 1]) {
      const g = await tinyGraph(
        [-1, 4, 4, 3],
        [
          { name: 'flat', op: 'Reshape', input: ['x', 'shape'] },
          mm('fc', 'flat', 'w'),
          { name: 'sg', op: 'Sigmoid', input: ['fc'] },
          { name: 'Identity', op: 'Identity', input: ['sg'] },
        ],
        {
          shape: tf.tensor1d([-1, 48], 'int32'),
          w: tf.randomNormal([48, units], 0, 0.5, 'float32', 7),
        },
      );
      const xs = x();
      const m = measuredModel({ name: 'g', net: g });
      assert.equal(m.output.head, 'sigmoid');
      assert.equal(m.output.softmax, 'none');
      assert.match(m.formula, /net \(its sigmoid: per-class probabilities, no softmax\)/);
      const probs = await lieVector(g, xs, 'rotate');
      assert.equal(probs.length, 2 * units);
      assert.ok(
        relErr(
          probs,
          reverseModeLie((xx) => g.execute(xx, 'Identity') as tf.Tensor, xs, 'rotate'),
        ) < TOL.jvpVsOracle,
      );
      const logits = await lieVector(g, xs, 'rotate', { output: 'logits' });
      assert.ok(
        relErr(
          logits,
          reverseModeLie((xx) => g.execute(xx, 'fc') as tf.Tensor, xs, 'rotate'),
        ) < TOL.jvpVsOracle,
      );
      tf.dispose(xs);
      g.dispose();
    }
  });

  const layersCases: Array<[string, () => tf.layers.Layer[]]> = [
    ['Dense(softmax) → Reshape', () => [dense(5, 'softmax', 2), tf.layers.reshape({ targetShape: [5] })]],
    [
      'Dense(softmax) → Reshape [1, 5] → Flatten',
      () => [dense(5, 'softmax', 2), tf.layers.reshape({ targetShape: [1, 5] }), tf.layers.flatten()],
    ],
    [
      "Dense → Activation('softmax') → Dropout",
      () => [dense(5, 'linear', 2), tf.layers.activation({ activation: 'softmax' }), tf.layers.dropout({ rate: 0.5 })],
    ],
    ['Dense → Softmax(axis: -1)', () => [dense(5, 'linear', 2), tf.layers.softmax({ axis: -1 })]],
    ['Dense(sigmoid) (multi-label)', () => [dense(5, 'sigmoid', 2)]],
    [
      "Dense → Activation('sigmoid') → Reshape",
      () => [
        dense(5, 'linear', 2),
        tf.layers.activation({ activation: 'sigmoid' }),
        tf.layers.reshape({ targetShape: [5] }),
      ],
    ],
  ];
  for (const [what, head] of layersCases) {
    it(`LayersModel ${what}: probs is the model's own output, logits the head's input`, async () => {
      const body = [tf.layers.flatten({ inputShape: [4, 4, 3] }), dense(8, 'tanh', 1)];
      const net = tf.sequential({ layers: [...body, ...head()] });
      const xs = x();
      const m = measuredModel({ name: 'l', net });
      assert.notEqual(m.output.softmax, 'added');
      const probs = await expectNoLeak(() => lieVector(net, xs, 'rotate'), 'lieDerivative');
      assert.ok(
        relErr(
          probs,
          reverseModeLie((xx) => net.predict(xx) as tf.Tensor, xs, 'rotate'),
        ) < TOL.jvpVsOracle,
        what,
      );
      // Logits: the pre-activation of the head (for a fused activation, the Dense layer without it).
      const pre = net.layers[2];
      const zOf = (xx: tf.Tensor) => {
        const h = body.reduce((t, l) => l.apply(t) as tf.Tensor, xx);
        if (pre.getClassName() === 'Dense' && (pre.getConfig().activation as string) !== 'linear') {
          const [k, b] = pre.getWeights();
          return tf.add(tf.matMul(h as tf.Tensor2D, k as tf.Tensor2D), b);
        }
        return pre.apply(h) as tf.Tensor;
      };
      const logits = await lieVector(net, xs, 'rotate', { output: 'logits' });
      assert.ok(relErr(logits, reverseModeLie(zOf, xs, 'rotate')) < TOL.jvpVsOracle, what);
      tf.dispose(xs);
      net.dispose();
    });
  }
});

/** Writes a GraphModel as tensorflowjs_converter lays it out: model.json + one weight shard (+ an optional sidecar). */
function writeGraph(
  dir: string,
  inputShape: number[],
  nodes: TinyNode[],
  consts: Record<string, tf.Tensor>,
  { inputDtype = 'DT_FLOAT', sidecar }: { inputDtype?: string; sidecar?: object } = {},
): string {
  fs.mkdirSync(dir, { recursive: true });
  const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
  const constNodes = Object.entries(consts).map(([name, t]) => {
    const dtype = t.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    return {
      name,
      op: 'Const',
      input: [],
      attr: { value: { tensor: { dtype, tensorShape: dims(t.shape) } }, dtype: { type: dtype } },
    };
  });
  const placeholder = {
    name: 'x',
    op: 'Placeholder',
    input: [],
    attr: { shape: { shape: dims(inputShape) }, dtype: { type: inputDtype } },
  };
  const weights = Object.entries(consts).map(([name, t]) => ({ name, shape: t.shape, dtype: t.dtype }));
  fs.writeFileSync(
    path.join(dir, 'group1-shard1of1.bin'),
    Buffer.concat(Object.values(consts).map((t) => Buffer.from((t.dataSync() as Float32Array).slice().buffer))),
  );
  const topology = {
    node: [placeholder, ...constNodes, ...nodes].map((n) => ({ ...n, attr: { T: { type: 'DT_FLOAT' }, ...n.attr } })),
    versions: { producer: 1482 },
  };
  fs.writeFileSync(
    path.join(dir, 'model.json'),
    JSON.stringify({
      format: 'graph-model',
      generatedBy: '2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.17.0',
      modelTopology: topology,
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
    }),
  );
  if (sidecar) fs.writeFileSync(path.join(dir, 'liederiv.json'), JSON.stringify(sidecar));
  return path.join(dir, 'model.json');
}

const conv: TinyNode = {
  name: 'conv',
  op: 'Conv2D',
  input: ['img', 'k'],
  attr: {
    strides: attr.ints([1, 1, 1, 1]),
    padding: attr.s('SAME'),
    data_format: attr.s('NHWC'),
    dilations: attr.ints([1, 1, 1, 1]),
  },
};
/** conv 3×3 → relu → global mean → fc → (Reshape `tail`) → softmax, reading the NHWC image from node 'img'. */
const convNet = (reshapeTo?: number[]): [TinyNode[], Record<string, tf.Tensor>] => [
  [
    conv,
    { name: 'relu', op: 'Relu', input: ['conv'] },
    { name: 'gap', op: 'Mean', input: ['relu', 'axes'], attr: { keep_dims: attr.b(false) } },
    mm('fc', 'gap', 'w'),
    ...(reshapeTo ? [{ name: 'rs', op: 'Reshape', input: ['fc', 'shape'] }] : []),
    { name: 'out', op: 'Softmax', input: [reshapeTo ? 'rs' : 'fc'] },
  ],
  {
    k: tf.randomNormal([3, 3, 3, 4], 0, 0.5, 'float32', 1),
    axes: tf.tensor1d([1, 2], 'int32'),
    w: tf.randomNormal([4, 5], 0, 1, 'float32', 3),
    ...(reshapeTo ? { shape: tf.tensor1d(reshapeTo, 'int32') } : {}),
  },
];
const perm = () => tf.tensor1d([0, 2, 3, 1], 'int32');

describe('user inputs: layouts, batch, ranges, sidecars and files (cpu oracle; CLI on wasm)', () => {
  let dir: string;
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-userinputs-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const x = (n = 2, s = 8) => tf.randomUniform([n, s, s, 3], 0, 1, 'float32', 8) as tf.Tensor4D;

  it('NCHW spelled differently: Identity → Transpose and Cast → Transpose on a fully dynamic input, a Keras Permute, channels_first convs', async () => {
    const [body, consts] = convNet();
    const xs = x();
    for (const pre of [
      [{ name: 'id0', op: 'Identity', input: ['x'] }],
      [{ name: 'c0', op: 'Cast', input: ['x'], attr: { SrcT: attr.type(), DstT: attr.type(), dtype: attr.type() } }],
    ] as TinyNode[][]) {
      const g = await tinyGraph(
        [-1, -1, -1, -1],
        [...pre, { name: 'img', op: 'Transpose', input: [pre[0].name, 'perm'] }, ...body],
        { ...consts, perm: perm() },
      );
      const m = measuredModel({ name: 'g', net: g }, {}, [8, 8]);
      assert.equal(m.input.layout, 'nchw', pre[0].op);
      assert.match(m.provenance.layout, /a Transpose NCHW→NHWC right after the input/);
      const got = await lieVector(g, xs, 'rotate');
      const want = reverseModeLie((xx) => g.execute(tf.transpose(xx, [0, 3, 1, 2])) as tf.Tensor, xs, 'rotate');
      assert.ok(relErr(got, want) < TOL.jvpVsOracle, pre[0].op);
      g.dispose();
    }
    // LayersModels: a Permute after a [3, H, W] input, and Keras convs with data_format channels_first.
    const init = (seed: number) => tf.initializers.glorotNormal({ seed });
    const permuted = tf.sequential({
      layers: [
        tf.layers.permute({ inputShape: [3, 8, 8], dims: [2, 3, 1] }),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
        tf.layers.flatten(),
        dense(5, 'softmax', 2),
      ],
    });
    const first = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [3, 8, 8],
          dataFormat: 'channelsFirst',
          filters: 4,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: init(1),
        }),
        tf.layers.flatten(),
        dense(5, 'softmax', 2),
      ],
    });
    for (const net of [permuted, first]) {
      const m = measuredModel({ name: 'l', net });
      assert.equal(m.input.layout, 'nchw');
      assert.deepEqual(m.input.size, [8, 8]);
      const got = await lieVector(net, xs, 'rotate');
      const want = reverseModeLie((xx) => net.predict(tf.transpose(xx, [0, 3, 1, 2])) as tf.Tensor, xs, 'rotate');
      assert.ok(relErr(got, want) < TOL.jvpVsOracle, net.name);
      net.dispose();
    }
    tf.dispose(xs);
  });

  it('an inner image-like tensor of an NCHW model that is already NHWC (behind its own Transpose or Permute) is not transposed again', async () => {
    // Oracle: the same net written NHWC (no layout adapter involved), measured at the same tensor.
    const xs = x();
    const [body, consts] = convNet();
    const nchw = await tinyGraph([-1, 3, 8, 8], [{ name: 'img', op: 'Transpose', input: ['x', 'perm'] }, ...body], {
      ...consts,
      perm: perm(),
    });
    const nhwc = await tinyGraph([-1, 8, 8, 3], [{ name: 'img', op: 'Identity', input: ['x'] }, ...body], consts);
    const want = await lieVector(nhwc, xs, 'rotate', { output: 'relu' });
    assert.ok(relErr(await lieVector(nchw, xs, 'rotate', { output: 'relu' }), want) < TOL.float32Reordered);
    // Back to NCHW inside the graph: transposed back to NHWC by liederiv, the same numbers again.
    const back = await tinyGraph(
      [-1, 3, 8, 8],
      [
        { name: 'img', op: 'Transpose', input: ['x', 'perm'] },
        ...body,
        { name: 'relu_nchw', op: 'Transpose', input: ['relu', 'perm2'] },
      ],
      { ...consts, perm: perm(), perm2: tf.tensor1d([0, 3, 1, 2], 'int32') },
    );
    assert.ok(relErr(await lieVector(back, xs, 'rotate', { output: 'relu_nchw' }), want) < TOL.float32Reordered);
    const init = (seed: number) => tf.initializers.glorotNormal({ seed });
    const conv2d = () =>
      tf.layers.conv2d({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
        name: 'c',
      });
    const permuted = tf.sequential({
      layers: [
        tf.layers.permute({ inputShape: [3, 8, 8], dims: [2, 3, 1] }),
        conv2d(),
        tf.layers.flatten(),
        dense(5, 'softmax', 2),
      ],
    });
    const plain = tf.sequential({
      layers: [tf.layers.inputLayer({ inputShape: [8, 8, 3] }), conv2d(), tf.layers.flatten(), dense(5, 'softmax', 2)],
    });
    assert.ok(
      relErr(
        await lieVector(permuted, xs, 'rotate', { output: 'c' }),
        await lieVector(plain, xs, 'rotate', { output: 'c' }),
      ) < TOL.float32Reordered,
    );
    [nchw, nhwc, back].forEach((g) => g.dispose());
    permuted.dispose();
    plain.dispose();
    tf.dispose(xs);
  });

  it('a dynamic-size graph whose Reshape fixes batch 1 runs image by image in the CLI (it crashed at --batch 32 with a raw tfjs error)', async () => {
    const [body, consts] = convNet([1, 5]);
    const model = writeGraph(
      path.join(dir, 'dynfixed'),
      [-1, -1, -1, 3],
      [{ name: 'img', op: 'Identity', input: ['x'] }, ...body],
      consts,
    );
    const xs = x(3, 8);
    const npy = path.join(dir, 'x8.npy');
    writeNpy(npy, xs.dataSync() as Float32Array, xs.shape);
    const g = await loadModel(model);
    const want: number[] = [];
    for (let i = 0; i < 3; i++) {
      const xi = tf.slice(xs, [i], [1]) as tf.Tensor4D;
      const lie = reverseModeLie((xx) => (g.net as tf.GraphModel).execute(xx) as tf.Tensor, xi, 'rotate');
      want.push(lie.reduce((s, v) => s + Math.abs(v), 0) / lie.length);
      xi.dispose();
    }
    g.net.dispose();
    await useBackend('wasm');
    try {
      const r = await runHere([
        'lee',
        '--model',
        model,
        '--images',
        npy,
        '--groups',
        'rotate',
        '--format',
        'json',
        '--backend',
        'wasm',
      ]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /measures net \(its softmax\) on 8×8 RGB, one image at a time/);
      const rows = JSON.parse(r.out).rows as Array<{ lee: number }>;
      rows.forEach((row, i) =>
        assert.ok(Math.abs(row.lee - want[i]) <= TOL.casesReadme3Digits * want[i], `${row.lee} vs ${want[i]}`),
      );
    } finally {
      await useBackend('cpu');
    }
    tf.dispose(xs);
  });

  it('a model that rescales its input first (Keras Rescaling(1/255), a graph Mul by 1/255, RealDiv by 127.5 or Sub of 127.5) takes 0..255: detected, measured on 255x', async () => {
    const xs = x(2, 4);
    const rescaled = tf.sequential({
      layers: [
        tf.layers.rescaling({ inputShape: [4, 4, 3], scale: 1 / 255 }),
        tf.layers.flatten(),
        dense(5, 'softmax', 1),
      ],
    });
    const m = measuredModel({ name: 'r', net: rescaled });
    assert.equal(m.input.range, '0..255');
    assert.match(m.provenance.inputRange, /detected: Rescaling\(scale 0\.00392157, offset 0\) after the input/);
    assert.ok(!m.notes.some((n) => /assumed to be 0\.\.1/.test(n)));
    assert.ok(
      m.notes.some((n) => /^the input range 0\.\.255 was detected: Rescaling.*say so \(--input-range/.test(n)),
      m.notes.join('\n'),
    );
    const want = reverseModeLie((xx) => rescaled.predict(tf.mul(xx, 255)) as tf.Tensor, xs, 'rotate');
    assert.ok(relErr(await lieVector(rescaled, xs, 'rotate'), want) < TOL.jvpVsOracle);
    rescaled.dispose();
    for (const [op, c] of [
      ['Mul', 1 / 255],
      ['RealDiv', 127.5],
      ['Sub', 127.5],
    ] as const) {
      const g = await tinyGraph(
        [-1, 4, 4, 3],
        [
          { name: 's', op, input: ['x', 'c'] },
          { name: 'flat', op: 'Reshape', input: ['s', 'shape'] },
          mm('fc', 'flat', 'w'),
          { name: 'out', op: 'Softmax', input: ['fc'] },
        ],
        {
          c: tf.scalar(c),
          shape: tf.tensor1d([-1, 48], 'int32'),
          w: tf.randomNormal([48, 5], 0, 0.5, 'float32', 7),
        },
      );
      const gm = measuredModel({ name: 'g', net: g });
      assert.equal(gm.input.range, '0..255', op);
      assert.match(gm.formula, /∘ \(255x\)/);
      const gw = reverseModeLie((xx) => g.execute(tf.mul(xx, 255)) as tf.Tensor, xs, 'rotate');
      assert.ok(relErr(await lieVector(g, xs, 'rotate'), gw) < TOL.jvpVsOracle, op);
      // An explicit option still wins, and so does a wrapper's own preprocess (defined on [0, 1] pixels).
      assert.equal(measuredModel({ name: 'g', net: g }, { inputRange: '0..1' }).input.range, '0..1');
      assert.equal(measuredModel({ name: 'g', net: g, preprocess: { mean: [0], std: [1 / 255] } }).input.range, '0..1');
      assert.equal(
        measuredModel({ name: 'g', net: g, preprocess: { mean: [0, 0, 0], std: [1, 1, 1] } }).input.range,
        '0..1',
      );
      g.dispose();
    }
    tf.dispose(xs);
  });

  it('mean/std outside the input range are refused, naming the range and the field that fixes it', async () => {
    const net = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 3] }), dense(3, 'linear', 1)] });
    const refuses = (
      opts: Parameters<typeof measuredModel>[1],
      re: RegExp,
      preprocess?: { mean: number[]; std: number[] },
    ) =>
      assert.throws(
        () => measuredModel({ name: 'n', net, preprocess }, { output: 'logits', ...opts }),
        (e: unknown) => e instanceof InputError && re.test((e as Error).message),
      );
    // ImageNet's 0..255 statistics on [0, 1] pixels (by option, sidecar mean, or the older preprocess field).
    refuses(
      { mean: [123.68, 116.78, 103.94], std: [58.4, 57.1, 57.4] },
      /mean \[123\.68, 116\.78, 103\.94\] \(option --mean\) lies outside the input range 0\.\.1 \(default\).*say inputRange '0\.\.255' \(--input-range 0\.\.255\)/,
    );
    refuses({}, /mean \[127\.5, 127\.5, 127\.5\] \(liederiv\.json 'preprocess'\) lies outside the input range 0\.\.1/, {
      mean: [127.5, 127.5, 127.5],
      std: [127.5, 127.5, 127.5],
    });
    refuses(
      { std: [64] },
      /std \[64, 64, 64\] \(option --std\) is wider than the input range 0\.\.1.*--input-range 0\.\.255/,
    );
    refuses(
      { inputRange: '-1..1', mean: [-2] },
      /mean \[-2, -2, -2\] \(option --mean\) lies outside the input range -1\.\.1 \(option --input-range\)/,
    );
    // [0, 1] statistics after scaling to 0..255.
    refuses(
      { inputRange: '0..255', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      /look like statistics of \[0, 1\] pixels.*input range 0\.\.255 \(option --input-range\).*--input-range 0\.\.1/,
    );
    // The same statistics in the right scale are accepted.
    assert.doesNotThrow(() =>
      measuredModel(
        { name: 'n', net },
        { output: 'logits', inputRange: '0..255', mean: [123.68, 116.78, 103.94], std: [58.4, 57.1, 57.4] },
      ),
    );
    assert.doesNotThrow(() =>
      measuredModel({ name: 'n', net }, { output: 'logits', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }),
    );
    net.dispose();
  });

  it('sidecars that contradict themselves or the model, or misspell a field, are refused naming the field', async () => {
    const net = () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [6, 6, 3],
            filters: 2,
            kernelSize: 3,
            kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
          }),
          tf.layers.flatten(),
          dense(3, 'softmax', 2),
        ],
      });
    const save = async (name: string, side: object) => {
      const folder = path.join(dir, name);
      const n = net();
      await saveModel(n, folder);
      n.dispose();
      fs.writeFileSync(path.join(folder, 'liederiv.json'), JSON.stringify(side));
      return folder;
    };
    const rejects = async (folder: string, re: RegExp) => {
      let loaded: Awaited<ReturnType<typeof loadModel>> | undefined;
      await assert.rejects(
        async () => {
          loaded = await loadModel(folder);
          measuredModel(loaded);
        },
        (e: unknown) => (e instanceof FileFormatError || e instanceof InputError) && re.test((e as Error).message),
      );
      loaded?.net.dispose();
    };
    await rejects(
      await save('both', { preprocess: { mean: [0.5], std: [0.5] }, mean: [0.1] }),
      /liederiv\.json: gives both 'preprocess' \{"mean":\[0\.5\],"std":\[0\.5\]\} and 'mean' \[0\.1\]; expected one statement of the normalisation/,
    );
    await rejects(
      await save('typo', { input_range: '0..255', Mean: [0.5] }),
      /unknown field\(s\) input_range, Mean \(did you mean 'input_range' → 'inputRange', 'Mean' → 'mean'\?\)/,
    );
    await rejects(
      await save('size', { inputSize: [32, 32] }),
      /takes 6×6 images \(input shape \[\?, 6, 6, 3\], NHWC\), but inputSize says 32×32; expected the size the model states: set inputSize to \[6, 6\] in liederiv\.json/,
    );
    await rejects(
      await save('layout', { layout: 'nchw' }),
      /read as NCHW \(layout nchw from the liederiv\.json sidecar\)\); expected 1 \(grey\) or 3 \(RGB\) channels.*The shape has 3 channels last: use layout auto \(--layout auto, or remove 'layout' from liederiv\.json\)/,
    );
  });

  it('inputs liederiv cannot measure are refused saying what was found and what would work: uint8, RGBA models', async () => {
    const model = writeGraph(
      path.join(dir, 'u8'),
      [-1, 8, 8, 3],
      [
        {
          name: 'img',
          op: 'Cast',
          input: ['x'],
          attr: { SrcT: { type: 'DT_UINT8' }, DstT: attr.type(), dtype: attr.type() },
        },
        ...convNet()[0],
      ],
      convNet()[1],
      { inputDtype: 'DT_UINT8' },
    );
    await assert.rejects(
      loadModel(model),
      (e: unknown) =>
        e instanceof FileFormatError &&
        /takes uint8 input 'x': integer pixels cannot be differentiated.*Measure a float32 version/.test(
          (e as Error).message,
        ),
    );
    const rgba = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 4] }), dense(3, 'softmax', 1)] });
    assert.throws(
      () => measuredModel({ name: 'rgba', net: rgba }),
      (e: unknown) =>
        e instanceof InputError &&
        /takes 4 channels \(input shape \[\?, 4, 4, 4\], read as NHWC\); expected 1 \(grey\) or 3 \(RGB\).*An RGBA model\? .*re-export the model with a 3-channel input/.test(
          (e as Error).message,
        ),
    );
    rgba.dispose();
    // A flattened-image input, and a model of two inputs.
    const flatIn = tf.sequential({ layers: [tf.layers.dense({ inputShape: [48], units: 3, activation: 'softmax' })] });
    assert.throws(
      () => measuredModel({ name: 'flat', net: flatIn }),
      (e: unknown) =>
        e instanceof InputError &&
        /of shape \[\?, 48\]; expected an image input of rank 4, \[B, H, W, C\] or \[B, C, H, W\] \(a flattened image\? re-export the model with the image shape as its input and a Reshape inside\)/.test(
          (e as Error).message,
        ),
    );
    const a = tf.input({ shape: [4, 4, 3] });
    const b = tf.input({ shape: [2] });
    const two = tf.model({
      inputs: [a, b],
      outputs: tf.layers
        .concatenate()
        .apply([tf.layers.flatten().apply(a) as tf.SymbolicTensor, b]) as tf.SymbolicTensor,
    });
    assert.throws(
      () => measuredModel({ name: 'two', net: two }),
      (e: unknown) =>
        e instanceof InputError &&
        /has 2 inputs \(.*\); expected one image input; measure a version of the model with the other inputs frozen as constants/.test(
          (e as Error).message,
        ),
    );
    flatIn.dispose();
    two.dispose();
  });

  it("a .npy of another size than the model takes is refused in the CLI with the CLI's fix (not a library call to write)", async () => {
    const folder = path.join(dir, 'fixed6');
    const n = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [6, 6, 3] }), dense(3, 'softmax', 1)] });
    await saveModel(n, folder);
    n.dispose();
    const npy = path.join(dir, 'x5.npy');
    writeNpy(npy, new Float32Array(2 * 5 * 5 * 3).fill(0.5), [2, 5, 5, 3]);
    const r = await runHere(['lee', '--model', folder, '--images', npy, '--groups', 'rotate', '--backend', 'cpu']);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /lee: model '.*' expects 6×6 images, got 5×5 \(H×W\) in .*x5\.npy; a \.npy is measured as stored, never resized: save it at 6×6, or give a folder of JPEG\/PNG files \(resized to 6×6 with a warning\)/,
    );
  });
});

describe('user inputs: .npy layouts and dtypes, class names', () => {
  let dir: string;
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-usernpy-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('.npy arrays of another rank or an unread dtype are refused with the numpy line that fixes them', () => {
    const cases: Array<[number[], RegExp]> = [
      [[2, 6, 6], /got \(2, 6, 6\) — grey images without a channel axis\? add it: x\[\.\.\., None\]/],
      [[6, 6], /got \(6, 6\) — one grey image\? add the batch and channel axes: x\[None, \.\.\., None\]/],
      [[2, 2352], /got \(2, 2352\) — rows of flattened 28×28 RGB images\? x\.reshape\(-1, 28, 28, 3\)/],
      [[3, 784], /got \(3, 784\) — rows of flattened 28×28 grey images\? x\.reshape\(-1, 28, 28, 1\)/],
      [[1, 2, 6, 6, 3], /got \(1, 2, 6, 6, 3\) — an extra leading axis\? drop it: x\[0\]/],
    ];
    for (const [shape, re] of cases) {
      const f = path.join(dir, `r${shape.join('x')}.npy`);
      writeNpy(f, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), shape);
      assert.throws(
        () => loadImagesNpy(f),
        (e: unknown) => e instanceof InputError && re.test((e as Error).message),
        shape.join(),
      );
    }
    // A uint16 file: numpy's header for '<u2', 2 × 2 × 2 × 3.
    const header = "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 2, 2, 3), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    const h = Buffer.from(header + ' '.repeat(pad) + '\n');
    const pre = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, h.length & 255, h.length >> 8]);
    const f16 = path.join(dir, 'u16.npy');
    fs.writeFileSync(f16, Buffer.concat([pre, h, Buffer.alloc(2 * 24)]));
    assert.throws(
      () => loadImagesNpy(f16),
      (e: unknown) =>
        e instanceof FileFormatError &&
        /unsupported dtype '<u2' \(uint16\).* — 16-bit pixels\? save \(x \/ 65535\)\.astype\(np\.float32\)/.test(
          (e as Error).message,
        ),
    );
  });

  it('classNames that do not match the number of class scores are refused (the pred column would name the wrong classes)', () => {
    const net = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 3] }), dense(10, 'softmax', 1)] });
    assert.throws(
      () => measuredModel({ name: 'c', net, classNames: ['a', 'b'] }),
      (e: unknown) =>
        e instanceof InputError &&
        /outputs 10 class scores, but classNames \(liederiv\.json\) has 2 names \[a, b\]; expected one name per output component/.test(
          (e as Error).message,
        ),
    );
    assert.doesNotThrow(() => measuredModel({ name: 'c', net, classNames: 'abcdefghij'.split('') }));
    net.dispose();
  });
});

describe('user inputs: image files', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-userimages-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('PNGs with transparent pixels are composited over white and the CLI says so; opaque RGBA PNGs are not flagged', async () => {
    const png = (alpha: number) => {
      const data = Buffer.alloc(6 * 6 * 4);
      for (let p = 0; p < 36; p++) data.set([(p * 7) % 256, (p * 13) % 256, (p * 29) % 256, alpha], p * 4);
      return PNG.sync.write(Object.assign(new PNG({ width: 6, height: 6 }), { data }));
    };
    for (const [name, alpha] of [
      ['clear', 0],
      ['opaque', 255],
    ] as const) {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, 'a.png'), png(alpha));
    }
    const clear = loadImageFolder(path.join(dir, 'clear'), { size: [6, 6] });
    assert.deepEqual(clear.translucent, ['a.png']);
    assert.equal(Math.min(...clear.images.dataSync()), 1); // alpha 0 over white: white
    const opaque = loadImageFolder(path.join(dir, 'opaque'), { size: [6, 6] });
    assert.deepEqual(opaque.translucent, []);
    tf.dispose([clear.images, opaque.images]);
    const folder = path.join(dir, 'm');
    const n = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [6, 6, 3] }), dense(3, 'softmax', 1)] });
    await saveModel(n, folder);
    n.dispose();
    const r = await runHere([
      'lee',
      '--model',
      folder,
      '--images',
      path.join(dir, 'clear'),
      '--groups',
      'rotate',
      '--backend',
      'cpu',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      /warning: 1 image\(s\) have transparent pixels \(a\.png\), composited over white as a viewer shows them/,
    );
    const r2 = await runHere([
      'lee',
      '--model',
      folder,
      '--images',
      path.join(dir, 'opaque'),
      '--groups',
      'rotate',
      '--backend',
      'cpu',
    ]);
    assert.doesNotMatch(r2.err, /transparent/);
  });

  it('loadImageFolder without a size (a JavaScript notebook call) says what it needs instead of crashing in the resize', () => {
    assert.throws(
      () => loadImageFolder(dir, {} as never),
      (e: unknown) =>
        e instanceof InputError &&
        /options\.size must be \[height, width\] in pixels.*got undefined/.test((e as Error).message),
    );
    assert.throws(
      () => loadImageFolder(dir, { size: [28] } as never),
      (e: unknown) => e instanceof InputError && /got \[28\]/.test((e as Error).message),
    );
  });

  it('a folder with no JPEG/PNG says what it holds instead', () => {
    fs.mkdirSync(path.join(dir, 'webp'));
    fs.writeFileSync(path.join(dir, 'webp', 'a.webp'), 'RIFF');
    fs.writeFileSync(path.join(dir, 'webp', 'b.webp'), 'RIFF');
    fs.writeFileSync(path.join(dir, 'webp', '.DS_Store'), '');
    assert.throws(
      () => loadImageFolder(path.join(dir, 'webp'), { size: [6, 6] }),
      (e: unknown) =>
        e instanceof InputError &&
        /no \.jpg\/\.jpeg\/\.png files found in '.*webp'; found 2 \.webp file\(s\): convert them to PNG or JPEG$/.test(
          (e as Error).message,
        ),
    );
    fs.mkdirSync(path.join(dir, 'empty'));
    assert.throws(
      () => loadImageFolder(path.join(dir, 'empty'), { size: [6, 6] }),
      /no \.jpg\/\.jpeg\/\.png files found in '.*empty' \(the folder is empty\)/,
    );
  });
});
