/**
 * The conformance oracle on a LayersModel with BatchNormalization built without scale (Keras
 * `scale=False`, every BN layer of nsfwjs's InceptionV3) or without center: tfjs-core 4.22's
 * FusedBatchNorm gradient saves the missing `scale` for the backward pass, so `tf.grad` through
 * such a layer crashes on cpu and wasm. The oracle (scripts/conformance/oracle.ts,
 * withExplicitBatchNorm) evaluates those layers through tf.batchNorm with explicit ones / zeros;
 * its gradient is checked against the closed form of BN → Flatten → Dense (linear, so
 * ∂⟨u, F(x)⟩/∂x = (W u) / √(var + ε) per channel, exactly).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import type { Contract } from '../../scripts/conformance/manifest';
import { measuredFunction } from '../../scripts/conformance/oracle';
import { ensureOracleGradients } from '../../scripts/conformance/oracleGradients';
import { expectNoLeak } from '../helpers/noLeak';
import { relErrorL2 } from '../helpers/reference';
import { TOL } from '../helpers/tolerances';

const H = 4;
const W = 4;
const C = 3;
const K = 2;
const EPS = 1e-3;

const contract: Contract = {
  inputSize: [H, W],
  range: '0..1',
  layout: 'nhwc',
  channels: 3,
  batch: 'free',
  output: 'logits',
  outputKind: 'classes',
};

function vals(n: number, seed: number, lo: number, hi: number): Float32Array {
  return tf.tidy(() => tf.randomUniform([n], lo, hi, 'float32', seed).dataSync() as Float32Array);
}

/** input [H, W, C] → BatchNormalization (without scale or center) → Flatten → Dense(K), weights seeded. */
function bnModel(opts: { scale: boolean; center: boolean }) {
  const input = tf.input({ shape: [H, W, C] });
  const bn = tf.layers.batchNormalization({ axis: -1, epsilon: EPS, ...opts });
  const dense = tf.layers.dense({ units: K });
  const out = dense.apply(tf.layers.flatten().apply(bn.apply(input))) as tf.SymbolicTensor;
  const net = tf.model({ inputs: input, outputs: out });
  const mean = vals(C, 1, -0.5, 0.5);
  const variance = vals(C, 2, 0.2, 3);
  const gamma = vals(C, 3, 0.5, 2);
  const beta = vals(C, 4, -1, 1);
  const bnWeights = [...(opts.scale ? [gamma] : []), ...(opts.center ? [beta] : []), mean, variance];
  bn.setWeights(bnWeights.map((v) => tf.tensor1d(v)));
  const kernel = vals(H * W * C * K, 5, -1, 1);
  dense.setWeights([tf.tensor2d(kernel, [H * W * C, K]), tf.tensor1d(vals(K, 6, -1, 1))]);
  return { net, variance, gamma: opts.scale ? gamma : null, kernel };
}

/** ∂⟨u, F(x)⟩/∂x for BN → Flatten → Dense: (W u)_i · γ_c / √(var_c + ε), c the channel of flat index i (NHWC). */
function closedForm(m: ReturnType<typeof bnModel>, u: number[]): Float32Array {
  const g = new Float32Array(H * W * C);
  for (let i = 0; i < g.length; i++) {
    const c = i % C;
    let wu = 0;
    for (let k = 0; k < K; k++) wu += m.kernel[i * K + k] * u[k];
    g[i] = (wu * (m.gamma ? m.gamma[c] : 1)) / Math.sqrt(m.variance[c] + EPS);
  }
  return g;
}

const U = [0.7, -1.3];

for (const backend of ['cpu', 'wasm']) {
  describe(`oracle through BatchNormalization without scale/center (${backend})`, () => {
    before(async () => {
      await useBackend(backend as 'cpu' | 'wasm');
      ensureOracleGradients();
    });

    it('tf.grad through tfjs-layers itself crashes (the bug the oracle works around)', () => {
      const { net } = bnModel({ scale: false, center: true });
      const x = tf.randomUniform([1, H, W, C], 0, 1, 'float32', 7);
      assert.throws(
        () => tf.grad((z: tf.Tensor) => tf.sum(net.apply(z, { training: false }) as tf.Tensor))(x),
        /Cannot read properties of undefined/,
      );
      x.dispose();
      net.dispose();
    });

    for (const opts of [
      { scale: false, center: true },
      { scale: true, center: false },
      { scale: false, center: false },
    ]) {
      it(`scale=${opts.scale}, center=${opts.center}: the oracle's value is the model's, its gradient the closed form`, async () => {
        const m = bnModel(opts);
        const x = tf.randomUniform([1, H, W, C], 0, 1, 'float32', 8) as tf.Tensor4D;
        const ut = tf.tensor1d(U);
        const F = measuredFunction(m.net, contract);
        const { y, yNet, grad } = await expectNoLeak(
          () =>
            tf.tidy(() => ({
              y: F(x).dataSync() as Float32Array,
              yNet: (m.net.predict(x) as tf.Tensor).dataSync() as Float32Array,
              grad: tf
                .grad((z: tf.Tensor) => tf.sum(tf.mul(F(z as tf.Tensor4D).reshape([-1]), ut)))(x)
                .dataSync() as Float32Array,
            })),
          'oracle through BN',
        );
        assert.ok(
          relErrorL2(y, yNet) < TOL.jvpVsOracle,
          `value ${Array.from(y).join(',')} vs the model's ${Array.from(yNet).join(',')}`,
        );
        const want = closedForm(m, U);
        const e = relErrorL2(grad, want);
        assert.ok(e < TOL.jvpVsOracle, `gradient rel. error ${e} vs the closed form`);
        // Patched only while F runs: the layers are themselves again (their prototype's call).
        for (const l of m.net.layers) assert.equal(Object.prototype.hasOwnProperty.call(l, 'call'), false, l.name);
        tf.dispose([x, ut]);
        m.net.dispose();
      });
    }
  });
}
