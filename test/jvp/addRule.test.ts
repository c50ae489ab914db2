/**
 * The Add layer rule (src/jvp/rules/layers/add.ts): primal and tangent bit-identical to the layer
 * applied to the primals and to the stacked tangents (2 and 3 inputs, k = 2, broadcasting within
 * one rank), no tensor left behind, and no Identity kernel (the layer's clone of its first input is
 * a whole-tensor copy on wasm).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { layerRuleFor } from '../../src/jvp/registry';
import '../../src/jvp/rules';
import { setTestBackend, TEST_BACKENDS } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';

for (const backend of TEST_BACKENDS) {
  describe(`Add rule (${backend})`, () => {
    before(() => setTestBackend(backend));
    for (const shapes of [
      [
        [2, 5, 5, 4],
        [2, 5, 5, 4],
      ],
      [
        [2, 5, 5, 4],
        [2, 5, 5, 4],
        [2, 1, 1, 4],
      ],
    ]) {
      it(`${shapes.length} inputs ${shapes.map((s) => `[${s}]`).join(' + ')}: equal to the layer bit for bit, no Identity, no leak`, async () => {
        const layer = tf.layers.add();
        const xs = shapes.map((s, i) => tf.randomUniform(s, -1, 1, 'float32', i + 1));
        const vs = shapes.map((s, i) => tf.randomUniform([2 * s[0], ...s.slice(1)], -1, 1, 'float32', i + 10));
        layer.apply(xs);
        const inputs = xs.map((x, i) => ({ primal: x, tangent: vs[i] }));
        const call = () =>
          layerRuleFor(layer).jvp({ layer, inputs, k: 2 }) as { primal: tf.Tensor; tangent: tf.Tensor };
        await expectNoLeak(() => {
          const d = call();
          return [d.primal, d.tangent];
        }, 'add rule');
        const p = await tf.profile(() => {
          const d = call();
          tf.dispose([d.primal, d.tangent]);
        });
        assert.ok(!p.kernels.map((kk) => kk.name).includes('Identity'));
        const d = call();
        const wantP = layer.apply(xs) as tf.Tensor;
        const wantT = layer.apply(vs) as tf.Tensor;
        assert.deepEqual(d.primal.shape, wantP.shape);
        assert.deepEqual(Array.from(d.primal.dataSync()), Array.from(wantP.dataSync()));
        assert.deepEqual(Array.from(d.tangent.dataSync()), Array.from(wantT.dataSync()));
        tf.dispose([...xs, ...vs, d.primal, d.tangent, wantP, wantT]);
      });
    }
  });
}
