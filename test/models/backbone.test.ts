import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UnknownNameError } from '../../src/errors';
import { jvp } from '../../src/jvp';
import { graphModelOps } from '../../src/jvp/graphModel';
import { BACKBONE_VARIANTS, loadMobileNetV2Backbone, type BackboneVariant } from '../../src/models/backbone';
import { IDENTITY_PREPROCESS } from '../../src/models/model';
import { setTestBackend } from '../helpers/backends';
import { fdRelL2, groupTangents, smoothImages } from '../helpers/backboneCheck';
import { TOL } from '../helpers/tolerances';

const FEATURE_DIM: Record<BackboneVariant, number> = { layers: 1280, graph: 1792 };

/** Features of the first `smoothImages(2)` image on `backend`, loading the variant fresh there. */
async function featuresOn(backend: 'cpu' | 'wasm', variant: BackboneVariant): Promise<Float32Array> {
  await setTestBackend(backend);
  const { net } = await loadMobileNetV2Backbone({ variant });
  const x = smoothImages(1);
  const y = (net instanceof tf.GraphModel ? net.execute(x) : net.predict(x)) as tf.Tensor;
  const data = y.dataSync() as Float32Array;
  tf.dispose([x, y]);
  net.dispose();
  return data;
}

describe('loadMobileNetV2Backbone', () => {
  const realFetch = globalThis.fetch;
  before(async () => {
    await setTestBackend('wasm');
    // Offline: any network access during loading fails the test.
    globalThis.fetch = (() => Promise.reject(new Error('network access attempted'))) as typeof fetch;
  });
  after(() => {
    globalThis.fetch = realFetch;
  });

  for (const variant of BACKBONE_VARIANTS) {
    it(`'${variant}' loads offline, outputs [B, ${FEATURE_DIM[variant]}] pooled features, has no classifier head, leaks nothing`, async () => {
      const before = tf.memory().numTensors;
      const bb = await loadMobileNetV2Backbone({ variant });
      assert.equal(bb.featureDim, FEATURE_DIM[variant]);
      assert.deepEqual(bb.inputSize, [224, 224]);
      assert.deepEqual(bb.preprocess, IDENTITY_PREPROCESS); // nsfwjs feeds pixels / 255 (see backbone.ts)
      assert.equal(bb.classNames, undefined);
      assert.match(bb.source ?? '', /nsfwjs@4\.3\.0/);
      const x = smoothImages(2);
      if (bb.net instanceof tf.GraphModel) {
        assert.deepEqual(bb.net.outputNodes, [bb.outputLayer]);
        const ops = graphModelOps(bb.net);
        assert.deepEqual(
          ops.filter((op) => op === 'Softmax' || op === '_FusedMatMul' || op === 'MatMul'),
          [],
        );
        const y = bb.net.execute(x) as tf.Tensor;
        assert.deepEqual(y.shape, [2, bb.featureDim]);
        y.dispose();
      } else {
        assert.deepEqual(bb.net.outputNames, [bb.outputLayer]);
        assert.deepEqual(
          bb.net.layers.filter((l) => l.getClassName() === 'Dense'),
          [],
        );
        const y = bb.net.predict(x) as tf.Tensor;
        assert.deepEqual(y.shape, [2, bb.featureDim]);
        // ReLU6 features pooled over 7×7: non-negative, ≤ 6, not all zero.
        const [lo, hi] = tf.tidy(() => [tf.min(y).dataSync()[0], tf.max(y).dataSync()[0]]);
        assert.ok(lo >= 0 && hi <= 6 && hi > 0, `features in [${lo}, ${hi}]`);
        y.dispose();
      }
      x.dispose();
      bb.net.dispose();
      assert.equal(tf.memory().numTensors, before, 'loading and disposing leaked tensors');
    });
  }

  it('rejects an unknown variant with UnknownNameError listing the valid ones', async () => {
    await assert.rejects(
      loadMobileNetV2Backbone({ variant: 'onnx' as BackboneVariant }),
      (e: unknown) => e instanceof UnknownNameError && /layers, graph/.test(e.message),
    );
  });
});

describe('backbone features agree on cpu and wasm', () => {
  // Same weights, same float32 ops; the backends differ only in summation order (XNNPACK vs JS):
  // measured max |Δ| / max |f| ≈ 1e-6; the brief's bound is 1e-4.
  for (const variant of BACKBONE_VARIANTS) {
    it(`'${variant}': max |f_cpu − f_wasm| ≤ 1e-4 · max |f|`, async () => {
      const wasm = await featuresOn('wasm', variant);
      const cpu = await featuresOn('cpu', variant);
      let num = 0;
      let den = 0;
      for (let i = 0; i < cpu.length; i++) {
        num = Math.max(num, Math.abs(cpu[i] - wasm[i]));
        den = Math.max(den, Math.abs(cpu[i]));
      }
      assert.ok(den > 0 && num <= TOL.jvpVsOracle * den, `relative difference ${num / den}`);
    });
  }
});

describe('LayersModel variant: forward mode through the layer rules vs finite differences (wasm)', () => {
  before(() => setTestBackend('wasm'));

  it('batch 1, rotate + hue stacked (k = 2): jvp(...) ≈ FD, primal = predict', async () => {
    // Same kink-limited FD accuracy as the GraphModel (test/jvp/graphModel.test.ts): measured
    // L2-relative 0.036 / 0.031 at h = 3e-4; bound 0.1.
    const { net } = await loadMobileNetV2Backbone({ variant: 'layers' });
    const model = net as tf.LayersModel;
    const x = smoothImages(1);
    const v = groupTangents(x);
    const { primal, tangent } = jvp(model, x, v);
    const expected = model.predict(x) as tf.Tensor;
    assert.equal(tf.max(tf.abs(tf.sub(primal, expected))).dataSync()[0], 0);
    const errors = fdRelL2((t) => model.predict(t) as tf.Tensor, x, v, tangent, 3e-4);
    assert.ok(
      errors.every((e) => e <= 0.1),
      `L2-relative FD errors (rotate, hue): ${errors.map((e) => e.toExponential(2))}`,
    );
    tf.dispose([x, v, primal, tangent, expected]);
    model.dispose();
  });

  it('the GraphModel variant dispatches through jvp(...) too (method forward, stopAt the feature node)', async () => {
    const { net, outputLayer } = await loadMobileNetV2Backbone({ variant: 'graph' });
    const x = smoothImages(1);
    const v = groupTangents(x);
    const a = jvp(net, x, v, { stopAt: outputLayer });
    assert.deepEqual(a.tangent.shape, [2, 1792]);
    tf.dispose([x, v, a.primal, a.tangent]);
    net.dispose();
  });
});
