import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { InputError, UnsupportedLayerError } from '../../src/errors';
import { graphModelOps, jvpGraphModel } from '../../src/jvp/graphModel';
import { registeredOps } from '../../src/jvp/registry';
import { OP_RULES } from '../../src/jvp/rules/ops';
import { loadMobileNetV2Backbone } from '../../src/models/backbone';
import { setTestBackend, TEST_BACKENDS } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';
import { fdRelL2, groupTangents, smoothImages } from '../helpers/backboneCheck';
import { attr, seededNormal, tinyGraph } from '../helpers/opGraph';
import { TOL } from '../helpers/tolerances';

/** GraphModel's executor is private in tfjs's types; these tests pick a node to stop at from its graph. */
type PrivateExecutor = { executor: { graph: { nodes: Record<string, unknown> } } };

const convNet = () =>
  tinyGraph(
    [-1, 5, 5, 2],
    [
      {
        name: 'c',
        op: '_FusedConv2D',
        input: ['x', 'w', 'b'],
        attr: {
          strides: attr.ints([1, 1, 1, 1]),
          padding: attr.s('SAME'),
          dilations: attr.ints([1, 1, 1, 1]),
          fused_ops: attr.strs(['BiasAdd', 'Relu6']),
          num_args: attr.i(1),
        },
      },
      { name: 'm', op: 'Mean', input: ['c', 'axes'], attr: { keep_dims: attr.b(false) } },
      { name: 'y', op: 'Softmax', input: ['m'] },
    ],
    { w: seededNormal([3, 3, 2, 4], 41), b: seededNormal([4], 42), axes: tf.tensor1d([1, 2], 'int32') },
  );

describe('op rule registry', () => {
  it('registers every exported rule of rules/ops exactly once', () => {
    const ops = OP_RULES.map((r) => r.rule.op);
    assert.equal(new Set(ops).size, ops.length, `duplicate op rules: ${ops.filter((o, i) => ops.indexOf(o) !== i)}`);
    for (const op of ops) assert.ok(registeredOps().includes(op), `${op} not registered`);
  });

  it('covers the ops the brief requires', () => {
    const required = [
      'Conv2D',
      '_FusedConv2D',
      'DepthwiseConv2dNative',
      'FusedDepthwiseConv2dNative',
      'MatMul',
      '_FusedMatMul',
      'BiasAdd',
      'Add',
      'AddV2',
      'AddN',
      'Sub',
      'Mul',
      'RealDiv',
      'Maximum',
      'Minimum',
      'Relu',
      'Relu6',
      'Elu',
      'Selu',
      'LeakyRelu',
      'Sigmoid',
      'Tanh',
      'Softmax',
      'Softplus',
      'Mean',
      'Max',
      'Sum',
      'AvgPool',
      'MaxPool',
      'Reshape',
      'Squeeze',
      'ExpandDims',
      'Pad',
      'PadV2',
      'MirrorPad',
      'ConcatV2',
      'Identity',
      'Transpose',
      'StridedSlice',
      'Slice',
      'Cast',
      'FusedBatchNorm',
      'FusedBatchNormV3',
      'Rsqrt',
      'Square',
      'Sqrt',
      'Exp',
      'Log',
    ];
    assert.deepEqual(
      required.filter((op) => !registeredOps().includes(op)),
      [],
    );
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`jvpGraphModel walker (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('graphModelOps lists the executed ops, sorted, without Const/Placeholder', async () => {
      const m = await convNet();
      assert.deepEqual(graphModelOps(m), ['Mean', 'Softmax', '_FusedConv2D']);
      assert.deepEqual(graphModelOps(m, 'c'), ['_FusedConv2D']);
      m.dispose();
    });

    it('k stacked directions equal k separate runs, exactly; primal = model.execute; no leak', async () => {
      const m = await convNet();
      const x = seededNormal([2, 5, 5, 2], 1);
      const v = seededNormal([6, 5, 5, 2], 2);
      await expectNoLeak(() => {
        const r = jvpGraphModel(m, x, v, { k: 3 });
        return [r.primal, r.tangent];
      }, 'jvpGraphModel');
      const d = jvpGraphModel(m, x, v, { k: 3 });
      const expected = m.execute(x) as tf.Tensor;
      assert.deepEqual(Array.from(d.primal.dataSync()), Array.from(expected.dataSync()));
      for (let j = 0; j < 3; j++) {
        const vj = tf.slice(v, [2 * j], [2]);
        const one = jvpGraphModel(m, x, vj);
        assert.deepEqual(
          Array.from(one.tangent.dataSync()),
          Array.from(tf.slice(d.tangent, [2 * j], [2]).dataSync()),
          `direction ${j}`,
        );
        tf.dispose([vj, one.primal, one.tangent]);
      }
      tf.dispose([x, v, d.primal, d.tangent, expected]);
      m.dispose();
    });

    it('an op without a rule raises UnsupportedLayerError naming node, op and fallbacks, and leaks nothing', async () => {
      // Cumprod has no rule (docs/OPS.md: not written yet).
      const m = await tinyGraph(
        [-1, 3],
        [
          { name: 'h', op: 'Relu', input: ['x'] },
          {
            name: 'weird',
            op: 'Cumprod',
            input: ['h', 'ax'],
            attr: { exclusive: attr.b(false), reverse: attr.b(false) },
          },
        ],
        { ax: tf.scalar(1, 'int32') },
      );
      const x = seededNormal([1, 3], 3);
      await expectNoLeak(() =>
        assert.throws(
          () => jvpGraphModel(m, x, x),
          (e: unknown) =>
            e instanceof UnsupportedLayerError &&
            /'weird'/.test(e.message) &&
            /op Cumprod/.test(e.message) &&
            /double-vjp/.test(e.message) &&
            /'fd'/.test(e.message),
        ),
      );
      x.dispose();
      m.dispose();
    });

    it('an output that does not depend on x gets a zero tangent of the stacked shape', async () => {
      const m = await tinyGraph(
        [-1, 3],
        [
          { name: 'shp', op: 'Shape', input: ['x'], attr: { out_type: attr.type('DT_INT32') } },
          { name: 'y', op: 'Cast', input: ['shp'], attr: { DstT: attr.type('DT_FLOAT') } },
        ],
      );
      const x = seededNormal([2, 3], 4);
      const v = seededNormal([4, 3], 5);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual(Array.from(primal.dataSync()), [2, 3]);
      assert.deepEqual(tangent.shape, [4]);
      assert.deepEqual(Array.from(tangent.dataSync()), [0, 0, 0, 0]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    it('rejects bad arguments with InputError saying what was expected', async () => {
      const m = await convNet();
      const x = seededNormal([2, 5, 5, 2], 1);
      const bad = seededNormal([3, 5, 5, 2], 1);
      assert.throws(
        () => jvpGraphModel(m, x, bad),
        (e: unknown) =>
          e instanceof InputError && /\[k·B, 5, 5, 2\]/.test(e.message) && /got \[3, 5, 5, 2\]/.test(e.message),
      );
      assert.throws(
        () => jvpGraphModel(m, x, x, { k: 2 }),
        (e: unknown) => e instanceof InputError && /opts.k = 2/.test(e.message),
      );
      assert.throws(
        () => jvpGraphModel(m, x, x, { outputNode: 'nope' }),
        (e: unknown) => e instanceof InputError && /unknown node 'nope'/.test(e.message),
      );
      assert.throws(
        () => jvpGraphModel({} as tf.GraphModel, x, x),
        (e: unknown) => e instanceof InputError && /tf.GraphModel/.test(e.message),
      );
      tf.dispose([x, bad]);
      m.dispose();
    });
  });
}

describe('jvpGraphModel on the nsfwjs MobileNetV2 GraphModel (cpu): adjoint identity', () => {
  before(() => setTestBackend('cpu'));

  it('⟨u, J·v⟩ = ⟨Jᵀu, v⟩ with Jᵀu from tf.grad, through the first conv and depthwise block', async () => {
    // Reverse mode (tfjs's gradients) is an independent oracle that is exact at x, unlike finite
    // differences, which cross ReLU6 kinks. Truncated after the first depthwise conv: tf.grad through
    // the whole net takes ~200 s on the cpu backend (measured rel. error there: 1.1e-6).
    // Tolerance 1e-4: two float32 sums over 6·10⁵ products (measured 5e-6).
    const { net, outputLayer } = await loadMobileNetV2Backbone({ variant: 'graph' });
    const model = net as tf.GraphModel;
    const stop = Object.keys((model as unknown as PrivateExecutor).executor.graph.nodes).find((n) =>
      n.endsWith('expanded_conv/depthwise/depthwise'),
    )!;
    assert.ok(stop && outputLayer);
    const x = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 7);
    const v = seededNormal([1, 224, 224, 3], 8);
    const { primal, tangent } = jvpGraphModel(model, x, v, { outputNode: stop });
    const u = seededNormal(primal.shape, 9);
    const jtu = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(model.execute(xx, stop) as tf.Tensor, u)))(x);
    const lhs = tf.sum(tf.mul(u, tangent)).dataSync()[0];
    const rhs = tf.sum(tf.mul(jtu, v)).dataSync()[0];
    assert.ok(Math.abs(lhs - rhs) <= TOL.jvpVsOracle * Math.abs(rhs), `⟨u, Jv⟩ = ${lhs}, ⟨Jᵀu, v⟩ = ${rhs}`);
    tf.dispose([x, v, u, jtu, primal, tangent]);
    model.dispose();
  });
});

// Finite differences through a 52-layer ReLU6 network cross activation kinks: the FD quotient of a
// piecewise-linear map mixes the slopes on both sides of every kink within h·|v| of x. Measured
// L2-relative FD error of the (exact, see the adjoint test) forward-mode tangent on smooth images:
// h = 1e-2: 0.24, 3e-3: 0.12, 1e-3: 0.08, 3e-4: 0.04/0.015 (rotate/hue), 1e-4: 0.024 (round-off,
// ≈ 6e-8·|f|/h, takes over below). At h = 3e-4 we require ≤ 0.1: 2.5× the measured value, while a
// wrong rule (a dropped activation mask, a bias in the tangent, mixed-up directions) gives O(1).
const FD_H = 3e-4;
const FD_TOL = 0.1;

// wasm runs the whole net at batch 2; the cpu backend (≈ 4 s per forward pass here) stops after
// block 2 (…/expanded_conv_2/add, 56×56×24) to keep the file well under a minute.
const CASES = [
  { backend: 'wasm', B: 2, stopSuffix: undefined },
  { backend: 'cpu', B: 1, stopSuffix: 'expanded_conv_2/add' },
] as const;

for (const { backend, B, stopSuffix } of CASES) {
  describe(`jvpGraphModel on the nsfwjs MobileNetV2 GraphModel (${backend}): forward mode vs finite differences`, () => {
    before(() => setTestBackend(backend));

    it(`batch ${B}, rotate + hue stacked (k = 2)${stopSuffix ? `, output …/${stopSuffix}` : ''}: primal = execute, tangent ≈ FD, no leak`, async () => {
      const { net } = await loadMobileNetV2Backbone({ variant: 'graph' });
      const model = net as tf.GraphModel;
      const stop =
        stopSuffix &&
        Object.keys((model as unknown as PrivateExecutor).executor.graph.nodes).find((n) => n.endsWith(stopSuffix));
      const x = smoothImages(B);
      const v = groupTangents(x);
      const before = tf.memory().numTensors;
      const { primal, tangent } = jvpGraphModel(model, x, v, { outputNode: stop });
      assert.equal(tf.memory().numTensors - before, 2, 'jvpGraphModel should leave only its two results');
      assert.deepEqual(tangent.shape, [2 * B, ...primal.shape.slice(1)]);
      const expected = model.execute(x, stop) as tf.Tensor;
      assert.equal(tf.max(tf.abs(tf.sub(primal, expected))).dataSync()[0], 0);
      const errors = fdRelL2((t) => model.execute(t, stop) as tf.Tensor, x, v, tangent, FD_H);
      assert.ok(
        errors.every((e) => e <= FD_TOL),
        `L2-relative FD errors (rotate, hue): ${errors.map((e) => e.toExponential(2))}`,
      );
      tf.dispose([x, v, primal, tangent, expected]);
      model.dispose();
    });
  });
}
