/**
 * affineRule (src/jvp/affine.ts) on a layer with activation 'linear' (ResNets' convolutions before
 * BatchNorm, logits): the primal is the layer's own output and the tangent conv(ẋ, W) / ẋ·W exactly
 * (closed forms; the bias never reaches the tangent), k = 2 stacked directions, no tensor left
 * behind, and no Identity kernel (on wasm a clone copies the whole tensor in JavaScript).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { layerRuleFor } from '../../src/jvp/registry';
import '../../src/jvp/rules';
import { setTestBackend, TEST_BACKENDS } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';
import { TOL } from '../helpers/tolerances';

for (const backend of TEST_BACKENDS) {
  describe(`affine rule, activation 'linear' (${backend})`, () => {
    before(() => setTestBackend(backend));

    for (const useBias of [false, true]) {
      it(`Conv2D${useBias ? ' with bias' : ''}: primal = the layer, tangent = conv(ẋ, W), no Identity kernel, no leak`, async () => {
        const layer = tf.layers.conv2d({
          filters: 5,
          kernelSize: 3,
          padding: 'same',
          useBias,
          biasInitializer: 'randomNormal',
        });
        const x = tf.randomUniform([2, 7, 7, 3], -1, 1, 'float32', 1);
        layer.apply(x);
        const v = tf.randomUniform([4, 7, 7, 3], -1, 1, 'float32', 2);
        const rule = layerRuleFor(layer);
        const call = () =>
          rule.jvp({ layer, inputs: [{ primal: x, tangent: v }], k: 2 }) as { primal: tf.Tensor; tangent: tf.Tensor };
        await expectNoLeak(() => {
          const d = call();
          return [d.primal, d.tangent];
        }, 'conv2d rule');
        const p = await tf.profile(() => {
          const d = call();
          tf.dispose([d.primal, d.tangent]);
        });
        const names = p.kernels.map((kk) => kk.name);
        assert.ok(!names.includes('Identity'), names.join(', '));
        const d = call();
        const wantPrimal = layer.apply(x) as tf.Tensor;
        const wantTangent = tf.conv2d(v as tf.Tensor4D, layer.getWeights()[0] as tf.Tensor4D, 1, 'same');
        assert.deepEqual(Array.from(d.primal.dataSync()), Array.from(wantPrimal.dataSync()));
        const got = d.tangent.dataSync();
        const want = wantTangent.dataSync();
        assert.equal(got.length, want.length);
        for (let i = 0; i < got.length; i++)
          assert.ok(
            Math.abs(got[i] - want[i]) <= TOL.float32FewOps * (1 + Math.abs(want[i])),
            `tangent[${i}] ${got[i]} vs ${want[i]}`,
          );
        tf.dispose([x, v, d.primal, d.tangent, wantPrimal, wantTangent]);
      });
    }

    it('Dense (logits): tangent = ẋ·W exactly, no Identity kernel', async () => {
      const layer = tf.layers.dense({ units: 4 });
      const x = tf.randomUniform([3, 6], -1, 1, 'float32', 3);
      layer.apply(x);
      const v = tf.randomUniform([6, 6], -1, 1, 'float32', 4);
      const p = await tf.profile(() => {
        const d = layerRuleFor(layer).jvp({ layer, inputs: [{ primal: x, tangent: v }], k: 2 }) as {
          primal: tf.Tensor;
          tangent: tf.Tensor;
        };
        tf.dispose([d.primal, d.tangent]);
      });
      assert.ok(!p.kernels.map((kk) => kk.name).includes('Identity'));
      const d = layerRuleFor(layer).jvp({ layer, inputs: [{ primal: x, tangent: v }], k: 2 }) as {
        primal: tf.Tensor;
        tangent: tf.Tensor;
      };
      const want = tf.matMul(v, layer.getWeights()[0]);
      const got = d.tangent.dataSync();
      want
        .dataSync()
        .forEach((w, i) =>
          assert.ok(Math.abs(got[i] - w) <= TOL.float32FewOps * (1 + Math.abs(w)), `${got[i]} vs ${w}`),
        );
      tf.dispose([x, v, d.primal, d.tangent, want]);
    });
  });
}
