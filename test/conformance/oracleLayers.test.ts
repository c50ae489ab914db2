/**
 * The conformance oracle's LayersModel forward pass (scripts/conformance/oracleLayers.ts): under
 * `tf.grad`, Conv2D/Dense layers with a fused activation (relu, elu) run as linear-then-activation,
 * so the oracle sees `predict`'s values bit for bit on wasm too, and differentiates the same function.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { ensureOracleGradients } from '../../scripts/conformance/oracleGradients';
import { withActivationsSplit } from '../../scripts/conformance/oracleLayers';
import { relErrorL2 } from '../helpers/reference';
import { TOL } from '../helpers/tolerances';

function net(): tf.LayersModel {
  const input = tf.input({ shape: [10, 10, 32] });
  let seed = 0;
  const init = () => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed: ++seed }),
    biasInitializer: tf.initializers.randomNormal({ stddev: 1, seed: ++seed }),
  });
  let h = tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', ...init() }).apply(input);
  h = tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'elu', ...init() }).apply(h);
  h = tf.layers.flatten().apply(h);
  h = tf.layers.dense({ units: 10, activation: 'relu', ...init() }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: h });
}

const differing = (a: Float32Array, b: Float32Array) => a.filter((v, i) => v !== b[i]).length;

function underGrad(m: tf.LayersModel, split: boolean): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const x = tf.randomUniform([1, 10, 10, 32], -1, 1, 'float32', 5);
    const u = tf.randomNormal([1, 10], 0, 1, 'float32', 6);
    let value: Float32Array | undefined;
    const f = (z: tf.Tensor) => {
      const y = m.apply(z, { training: false }) as tf.Tensor;
      value = y.dataSync().slice() as Float32Array;
      return tf.sum(tf.mul(y, u));
    };
    const grad = tf.grad((z: tf.Tensor) => (split ? withActivationsSplit(m, () => f(z)) : f(z)))(x);
    return { value: value!, grad: grad.dataSync().slice() as Float32Array };
  });
}

describe('oracle LayersModel: fused activations split under tf.grad', () => {
  after(() => useBackend('cpu'));
  const grads: Record<string, Float32Array> = {};
  for (const be of ['cpu', 'wasm'] as const) {
    it(`${be}: the forward pass under tf.grad is predict's bit for bit; layers restored; no leak`, async () => {
      await useBackend(be);
      ensureOracleGradients();
      const m = net();
      const predicted = tf.tidy(
        () =>
          (m.predict(tf.randomUniform([1, 10, 10, 32], -1, 1, 'float32', 5)) as tf.Tensor)
            .dataSync()
            .slice() as Float32Array,
      );
      const before = tf.memory().numTensors;
      const split = underGrad(m, true);
      const plain = underGrad(m, false);
      assert.equal(tf.memory().numTensors, before);
      assert.equal(differing(split.value, predicted), 0);
      assert.ok(
        m.layers.every((l) => !Object.prototype.hasOwnProperty.call(l, 'call')),
        'layers restored',
      );
      if (be === 'wasm')
        assert.ok(differing(plain.value, predicted) > 0, 'expected the unsplit pass to round otherwise on wasm');
      else assert.equal(differing(plain.value, predicted), 0);
      grads[be] = split.grad;
      m.dispose();
    });
  }
  it('the split pass has the same gradient on wasm as on cpu', () => {
    const e = relErrorL2(grads.wasm, grads.cpu);
    assert.ok(e <= TOL.float32Reordered, `wasm vs cpu gradient ${e}`);
  });
});
