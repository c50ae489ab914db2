/**
 * Every layer rule against central finite differences of the layer's own tfjs forward pass
 * (test/helpers/jvpCheck.ts), on cpu and wasm, with k = 2 stacked directions. One table instead of
 * one file per rule: each case builds a tiny model around the layer; the last test fails if a
 * registered (non-custom) rule has no case here.
 *
 * Tolerances: inputs are spaced ≥ 0.01 from each other and from 0 (separatedValues) and h = 1e-3
 * with |v| ≤ 1, so x ± h·v never crosses a ReLU kink or a max-pool tie. Smooth layers then have
 * O(h²)·|f'''| ≈ 1e-6 truncation error; float32 round-off in the quotient is ≈ 6e-8·|f|/h ≈ 1e-4
 * relative at worst, so 2e-3 leaves margin without hiding a wrong rule (a wrong factor is O(1)).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../../src/backend';
import { jvpLayersModel } from '../../../src/jvp/layersModel';
import { registeredLayerClasses } from '../../../src/jvp/registry';
import '../../../src/jvp/rules';
import { installTfjsLayerFixes, KerasResizing } from '../../../src/models/tfjsLayerFixes';
import { checkJvpAgainstFd, separatedValues } from '../../helpers/jvpCheck';
import { expectNoLeak } from '../../helpers/noLeak';
import { TOL } from '../../helpers/tolerances';

/** The activation option of tf.layers.dense/conv2d (tfjs does not export its ActivationIdentifier type). */
type Activation = NonNullable<Parameters<typeof tf.layers.dense>[0]['activation']>;

interface Case {
  className: string;
  shape: number[];
  build(input: tf.SymbolicTensor): tf.SymbolicTensor;
}

const conv = (act: string) => (i: tf.SymbolicTensor) =>
  tf.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      strides: 2,
      dilationRate: 1,
      padding: 'same',
      activation: act as Activation,
      biasInitializer: 'randomNormal',
    })
    .apply(i) as tf.SymbolicTensor;
const single = (layer: tf.layers.Layer) => (i: tf.SymbolicTensor) => layer.apply(i) as tf.SymbolicTensor;
/**
 * Two branches of the input for merge layers: x itself and tanh(0.5·x + 0.37), fixed weights.
 * x − tanh(0.5x + 0.37) is monotone with its root near 0.577, and the separated inputs sit on odd
 * multiples of 0.01, so |branch difference| ≥ 0.005 > the FD step's 1.5e-3 change: Maximum/Minimum
 * never cross a tie. (Random weights made those two cases fail now and then.)
 */
const branches = (i: tf.SymbolicTensor) => [
  i,
  tf.layers
    .dense({
      units: 3,
      activation: 'tanh',
      kernelInitializer: tf.initializers.identity({ gain: 0.5 }),
      biasInitializer: tf.initializers.constant({ value: 0.37 }),
    })
    .apply(i) as tf.SymbolicTensor,
];
const merge = (layer: tf.layers.Layer) => (i: tf.SymbolicTensor) => layer.apply(branches(i)) as tf.SymbolicTensor;

const IMG = [2, 6, 6, 3];
installTfjsLayerFixes(); // tfjs's Resizing cannot run inside a model without it (src/models/tfjsLayerFixes.ts)
const CASES: Case[] = [
  { className: 'Activation', shape: IMG, build: single(tf.layers.activation({ activation: 'relu' })) },
  { className: 'Add', shape: IMG, build: merge(tf.layers.add()) },
  { className: 'AlphaDropout', shape: IMG, build: single(tf.layers.alphaDropout({ rate: 0.5 })) },
  { className: 'Average', shape: IMG, build: merge(tf.layers.average()) },
  { className: 'AveragePooling1D', shape: [2, 6, 3], build: single(tf.layers.averagePooling1d({ poolSize: 2 })) },
  {
    className: 'AveragePooling2D',
    shape: IMG,
    build: single(tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })),
  },
  {
    className: 'BatchNormalization',
    shape: IMG,
    build: single(
      tf.layers.batchNormalization({
        movingVarianceInitializer: 'ones',
        gammaInitializer: 'randomNormal',
        betaInitializer: 'randomNormal',
        movingMeanInitializer: 'randomNormal',
      }),
    ),
  },
  { className: 'CenterCrop', shape: IMG, build: single(tf.layers.centerCrop({ height: 4, width: 4 })) },
  { className: 'Concatenate', shape: IMG, build: merge(tf.layers.concatenate()) },
  { className: 'Conv2D', shape: IMG, build: conv('tanh') },
  {
    className: 'Cropping2D',
    shape: IMG,
    build: single(
      tf.layers.cropping2D({
        cropping: [
          [1, 0],
          [0, 2],
        ],
      }),
    ),
  },
  {
    className: 'Dense',
    shape: IMG,
    build: single(tf.layers.dense({ units: 5, activation: 'swish', biasInitializer: 'randomNormal' })),
  },
  {
    className: 'DepthwiseConv2D',
    shape: IMG,
    build: single(
      tf.layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        padding: 'valid',
        activation: 'elu',
        biasInitializer: 'randomNormal',
      }),
    ),
  },
  { className: 'Dropout', shape: IMG, build: single(tf.layers.dropout({ rate: 0.5 })) },
  { className: 'ELU', shape: IMG, build: single(tf.layers.elu()) },
  { className: 'Flatten', shape: IMG, build: single(tf.layers.flatten()) },
  { className: 'GaussianDropout', shape: IMG, build: single(tf.layers.gaussianDropout({ rate: 0.3 })) },
  { className: 'GaussianNoise', shape: IMG, build: single(tf.layers.gaussianNoise({ stddev: 0.3 })) },
  { className: 'GlobalAveragePooling1D', shape: [2, 6, 3], build: single(tf.layers.globalAveragePooling1d()) },
  { className: 'GlobalAveragePooling2D', shape: IMG, build: single(tf.layers.globalAveragePooling2d({})) },
  { className: 'GlobalMaxPooling2D', shape: IMG, build: single(tf.layers.globalMaxPooling2d({})) },
  {
    className: 'LayerNormalization',
    shape: IMG,
    build: single(tf.layers.layerNormalization({ axis: -1, gammaInitializer: 'randomNormal' })),
  },
  { className: 'LeakyReLU', shape: IMG, build: single(tf.layers.leakyReLU({ alpha: 0.2 })) },
  { className: 'Maximum', shape: IMG, build: merge(tf.layers.maximum()) },
  {
    className: 'MaxPooling2D',
    shape: IMG,
    build: single(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' })),
  },
  { className: 'Minimum', shape: IMG, build: merge(tf.layers.minimum()) },
  { className: 'Multiply', shape: IMG, build: merge(tf.layers.multiply()) },
  { className: 'Permute', shape: IMG, build: single(tf.layers.permute({ dims: [3, 1, 2] })) },
  {
    className: 'PReLU',
    shape: IMG,
    build: single(tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.3 }) })),
  },
  { className: 'ReLU', shape: IMG, build: single(tf.layers.reLU({ maxValue: 0.1 })) },
  { className: 'RepeatVector', shape: [2, 5], build: single(tf.layers.repeatVector({ n: 3 })) },
  { className: 'Rescaling', shape: IMG, build: single(tf.layers.rescaling({ scale: 2.5, offset: -1 })) },
  { className: 'Reshape', shape: IMG, build: single(tf.layers.reshape({ targetShape: [9, 12] })) },
  {
    className: 'SeparableConv2D',
    shape: IMG,
    build: single(
      tf.layers.separableConv2d({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'gelu',
        biasInitializer: 'randomNormal',
      }),
    ),
  },
  { className: 'Softmax', shape: IMG, build: single(tf.layers.softmax({ axis: -1 })) },
  { className: 'SpatialDropout1D', shape: [2, 6, 3], build: single(tf.layers.spatialDropout1d({ rate: 0.5 })) },
  { className: 'ThresholdedReLU', shape: IMG, build: single(tf.layers.thresholdedReLU({ theta: 0.06 })) },
  { className: 'Resizing', shape: IMG, build: single(tf.layers.resizing({ height: 4, width: 9 })) },
  {
    className: 'KerasResizing',
    shape: IMG,
    build: single(new KerasResizing({ height: 4, width: 9, cropToAspectRatio: true })),
  },
  {
    className: 'UpSampling2D',
    shape: IMG,
    build: single(tf.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' })),
  },
  { className: 'ZeroPadding2D', shape: IMG, build: single(tf.layers.zeroPadding2d({ padding: [1, 2] })) },
];

/** Every tfjs activation name through Dense (a smooth direction keeps ReLU-type kinks away: inputs separated from 0). */
const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'softplus',
  'softsign',
  'tanh',
  'gelu',
  'gelu_new',
  'swish',
  'mish',
  'softmax',
  'logSoftmax',
];

function modelFor(c: Case): tf.LayersModel {
  const input = tf.input({ shape: c.shape.slice(1) });
  return tf.model({ inputs: input, outputs: c.build(input), name: `case_${c.className}` });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`layer rules vs finite differences (${backend})`, () => {
    before(async () => {
      await useBackend(backend);
    });

    for (const c of CASES) {
      it(`${c.className}`, async () => {
        const model = modelFor(c);
        assert.ok(
          model.layers.some((l) => l.getClassName() === c.className),
          `model contains a ${c.className}`,
        );
        const x = separatedValues(c.shape, 1, 0.02);
        const v = tf.randomUniform([2 * c.shape[0], ...c.shape.slice(1)], -1, 1, 'float32', 7);
        await expectNoLeak(
          () => checkJvpAgainstFd(model, x, v, { h: TOL.fdStepSmooth, tol: TOL.fdRelNonlinear, what: c.className }),
          c.className,
        );
        // The primal is the model's own forward pass bit for bit (the point lee differentiates at is
        // the point predict evaluates; a fused bias rounds otherwise on wasm).
        const pred = model.apply(x, { training: false }) as tf.Tensor;
        const fwd = jvpLayersModel(model, x, v);
        const p = Array.from(pred.dataSync());
        const q = fwd.primal.dataSync();
        const differing = p.filter((a, i) => a !== q[i] && !(Number.isNaN(a) && Number.isNaN(q[i]))).length;
        assert.equal(differing, 0, `${c.className}: ${differing} of ${p.length} primal values differ from predict`);
        tf.dispose([pred, fwd.primal, fwd.tangent]);
        // Zero tangent in ⇒ zero tangent out (no bias or offset reaches the tangent).
        const zero = jvpLayersModel(model, x, tf.zerosLike(v));
        assert.equal(tf.max(tf.abs(zero.tangent)).dataSync()[0], 0, `${c.className}: zero tangent maps to zero`);
        tf.dispose([x, v, zero.primal, zero.tangent]);
      });
    }

    for (const act of ACTIVATIONS) {
      it(`Dense with activation '${act}'`, () => {
        const input = tf.input({ shape: [6] });
        // Identity kernel, zero bias: the pre-activation is x itself, kept ≥ 0.01 away from kinks.
        const dense = tf.layers.dense({
          units: 6,
          activation: act as Activation,
          kernelInitializer: 'identity',
          biasInitializer: 'zeros',
        });
        const model = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
        const x = separatedValues([4, 6], 3, 0.25);
        const v = tf.randomUniform([8, 6], -1, 1, 'float32', 5);
        checkJvpAgainstFd(model, x, v, { h: TOL.fdStepSmooth, tol: TOL.fdRelNonlinear, what: act });
        tf.dispose([x, v]);
      });
    }

    it("MaxPooling2D, hand-checked: the tangent comes from each window's argmax", () => {
      const input = tf.input({ shape: [2, 4, 1] });
      const model = tf.model({
        inputs: input,
        outputs: tf.layers.maxPooling2d({ poolSize: 2 }).apply(input) as tf.SymbolicTensor,
      });
      // windows [[1, 5], [2, 3]] → max 5 at (0,1); [[4, 0], [7, 6]] → max 7 at (1,0)
      const x = tf.tensor4d([1, 5, 4, 0, 2, 3, 7, 6], [1, 2, 4, 1]);
      const v = tf.tensor4d([10, 20, 30, 40, 50, 60, 70, 80], [1, 2, 4, 1]);
      const out = jvpLayersModel(model, x, v);
      assert.deepEqual(Array.from(out.tangent.dataSync()), [20, 70]);
      tf.dispose([x, v, out.primal, out.tangent]);
    });
  });
}

describe('rule registry', () => {
  it('every rule file in src/jvp/rules/layers (zoo custom rules aside) has a case here, and is registered once', () => {
    // The sources decide (a stale dist/ file must not count); their compiled modules give the class.
    const srcDir = path.join(__dirname, '..', '..', '..', '..', 'src', 'jvp', 'rules', 'layers');
    const dir = path.join(__dirname, '..', '..', '..', 'src', 'jvp', 'rules', 'layers');
    const files = fs
      .readdirSync(srcDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, '.js'));
    const classes = files.map((f) => {
      const mod = require(path.join(dir, f)) as Record<string, { className?: string }>;
      const rule = Object.values(mod).find((r) => r && typeof r.className === 'string');
      assert.ok(rule, `${f} exports a rule`);
      return rule!.className as string;
    });
    const covered = new Set(CASES.map((c) => c.className));
    assert.deepEqual(
      classes.filter((c) => !covered.has(c)),
      [],
    );
    assert.equal(new Set(classes).size, classes.length, 'one class per rule file');
    for (const c of classes) assert.ok(registeredLayerClasses().includes(c), `${c} is registered`);
  });

  it('an unsupported layer raises an error naming it and the fallbacks', () => {
    const input = tf.input({ shape: [4, 3] });
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.simpleRNN({ units: 2, name: 'my_rnn' }).apply(input) as tf.SymbolicTensor,
    });
    const x = tf.ones([1, 4, 3]);
    assert.throws(
      () => jvpLayersModel(model, x, x),
      (err: Error) =>
        /my_rnn/.test(err.message) &&
        /SimpleRNN/.test(err.message) &&
        /double-vjp/.test(err.message) &&
        /'fd'/.test(err.message),
    );
    x.dispose();
  });
});
