import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { UnsupportedLayerError } from '../../../../src/errors';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { assertGraphJvp, attr, seededNormal, tinyGraph } from '../../../helpers/opGraph';
import { TOL as TOLERANCES } from '../../../helpers/tolerances';

// Tolerances: piecewise-linear graphs use h = 1e-3, where float32 round-off in the FD quotient is
// ≈ 6e-8·max|f|/h ≈ 1e-4 relative; 2e-3 leaves a 20× margin. Smooth activations (elu, sigmoid)
// add a truncation error h²·|f'''|/6 < 1e-6. Seeds are fixed so no FD step crosses a ReLU kink.
const H = 1e-3;
const TOL = TOLERANCES.fdRelNonlinear;

const convAttrs = (strides: number[], padding: string) => ({
  strides: attr.ints(strides),
  padding: attr.s(padding),
  dilations: attr.ints([1, 1, 1, 1]),
  data_format: attr.s('NHWC'),
});

function fusedConv(fusedOps: string[], extra: Record<string, unknown> = {}, args = ['b']) {
  return {
    name: 'y',
    op: '_FusedConv2D',
    input: ['x', 'w', ...args],
    attr: {
      ...convAttrs([1, 2, 2, 1], 'SAME'),
      fused_ops: attr.strs(fusedOps),
      num_args: attr.i(args.length),
      epsilon: attr.f(0),
      ...extra,
    },
  };
}

for (const backend of TEST_BACKENDS) {
  describe(`Conv2D / _FusedConv2D rules (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('hand-checked: 1×1 conv + BiasAdd + Relu6 passes ẋ·W inside (0, 6) and 0 above', async () => {
      // hand-checked: W = 2, b = −1. x = 1: pre = 1 → y = 1, ẏ = 2·ẋ = 2·0.5 = 1.
      // x = 4: pre = 7 → y = 6 (clipped), ẏ = 0.
      const m = await tinyGraph([-1, 1, 2, 1], [fusedConv(['BiasAdd', 'Relu6'])], {
        w: tf.tensor4d([2], [1, 1, 1, 1]),
        b: tf.tensor1d([-1]),
      });
      const x = tf.tensor4d([1, 4], [1, 1, 2, 1]);
      const v = tf.tensor4d([0.5, 0.5], [1, 1, 2, 1]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual(Array.from(primal.dataSync()), [1]); // stride 2 keeps column 0 only
      assert.deepEqual(Array.from(tangent.dataSync()), [1]);
      tf.dispose([primal, tangent, x]);
      const x2 = tf.tensor4d([4, 1], [1, 1, 2, 1]);
      const r2 = jvpGraphModel(m, x2, v);
      assert.deepEqual([r2.primal.dataSync()[0], r2.tangent.dataSync()[0]], [6, 0]);
      tf.dispose([r2.primal, r2.tangent, x2, v]);
      m.dispose();
    });

    it('Conv2D (explicit padding, stride 2) matches central differences, k = 2', async () => {
      const m = await tinyGraph(
        [-1, 7, 7, 3],
        [
          {
            name: 'y',
            op: 'Conv2D',
            input: ['x', 'w'],
            attr: { ...convAttrs([1, 2, 2, 1], 'EXPLICIT'), explicit_paddings: attr.ints([0, 0, 1, 2, 2, 0, 0, 0]) },
          },
        ],
        { w: seededNormal([3, 3, 3, 4], 7) },
      );
      assertGraphJvp(m, [2, 7, 7, 3], { h: TOLERANCES.fdStepLinear, tol: TOLERANCES.fdRel, what: 'Conv2D' }); // linear: FD exact up to round-off
      m.dispose();
    });

    for (const fused of [
      ['BiasAdd'],
      ['BiasAdd', 'Relu'],
      ['BiasAdd', 'Relu6'],
      ['BiasAdd', 'Elu'],
      ['BiasAdd', 'Sigmoid'],
      ['BiasAdd', 'LeakyRelu'],
    ]) {
      it(`_FusedConv2D ${fused.join('+')} matches central differences, k = 2`, async () => {
        const m = await tinyGraph([-1, 6, 6, 3], [fusedConv(fused, { leakyrelu_alpha: attr.f(0.3) })], {
          w: seededNormal([3, 3, 3, 4], 3),
          b: seededNormal([4], 4),
        });
        assertGraphJvp(m, [2, 6, 6, 3], { h: H, tol: TOL, what: fused.join('+') });
        m.dispose();
      });
    }

    it('_FusedConv2D BiasAdd+Prelu (negative slopes) matches central differences', async () => {
      const m = await tinyGraph([-1, 6, 6, 3], [fusedConv(['BiasAdd', 'Prelu'], {}, ['b', 'alpha'])], {
        w: seededNormal([3, 3, 3, 4], 3),
        b: seededNormal([4], 4),
        alpha: tf.tensor1d([0.1, -0.2, 0.5, 2]),
      });
      assertGraphJvp(m, [1, 6, 6, 3], { h: H, tol: TOL, what: 'prelu' });
      m.dispose();
    });

    it('the bias never reaches the tangent: zero tangent in → zero tangent out', async () => {
      const m = await tinyGraph([-1, 4, 4, 2], [fusedConv(['BiasAdd'])], {
        w: seededNormal([3, 3, 2, 3], 5),
        b: tf.tensor1d([10, -20, 30]),
      });
      const x = seededNormal([1, 4, 4, 2], 6);
      const { primal, tangent } = jvpGraphModel(m, x, tf.zerosLike(x));
      assert.equal(tf.max(tf.abs(tangent)).dataSync()[0], 0);
      tf.dispose([primal, tangent, x]);
      m.dispose();
    });

    it('an input-dependent filter raises UnsupportedLayerError naming the node', async () => {
      const m = await tinyGraph(
        [-1, 3, 3, 1],
        [
          { name: 'filter', op: 'Reshape', input: ['x', 'shape'] },
          { name: 'y', op: 'Conv2D', input: ['x', 'filter'], attr: convAttrs([1, 1, 1, 1], 'VALID') },
        ],
        { shape: tf.tensor1d([3, 3, 1, 1], 'int32') },
      );
      const x = seededNormal([1, 3, 3, 1], 2);
      assert.throws(
        () => jvpGraphModel(m, x, x),
        (e: unknown) => e instanceof UnsupportedLayerError && /'y'/.test(e.message) && /filter/.test(e.message),
      );
      x.dispose();
      m.dispose();
    });
  });
}
