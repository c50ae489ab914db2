import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { jvp } from '../../src/jvp';
import { softmaxTangent } from '../../src/jvp/activations';
import { layerGraph } from '../../src/jvp/layerGraph';
import { jvpLayersModel } from '../../src/jvp/layersModel';
import { buildResidualNet } from '../helpers/jvpModels';
import { expectNoLeak } from '../helpers/noLeak';
import { loadReference, relError } from '../helpers/reference';
import { buildReferenceSmallCnn, referenceInputs } from '../helpers/smallCnn';
import { TOL } from '../helpers/tolerances';

/** Finite differences on the smooth residual net: step and tolerance (justified where used). */
const FD_STEP = 1e-2;
const FD_TOL = TOL.fdRelDeepNet;

const dispose = (...ds: Array<{ primal: tf.Tensor; tangent: tf.Tensor }>) =>
  ds.forEach((d) => tf.dispose([d.primal, d.tangent]));

describe('layerGraph', () => {
  it('flattens a nested Sequential and orders nodes topologically', () => {
    const g = layerGraph(buildResidualNet());
    const names = g.nodes.map((n) => n.layer.name);
    // The nested 'block' is replaced by its two layers, which end the nested model.
    assert.ok(!names.includes('block'));
    const last = g.nodes.find((n) => n.endsModels?.includes('block'));
    assert.equal(last?.layer.getClassName(), 'MaxPooling2D');
    for (const n of g.nodes)
      for (const r of n.inputs) if ('node' in r) assert.ok(r.node < n.index, `${n.layer.name} after its inputs`);
    assert.equal(g.nodes[g.outputs[0].node].layer.name, 'head');
  });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`jvpLayersModel (${backend})`, () => {
    let smallCnn: tf.LayersModel;
    before(async () => {
      await useBackend(backend);
      smallCnn = buildReferenceSmallCnn();
    });

    it('SmallCNN: primal = model.predict = reference logits; J·v of the probabilities = reference', () => {
      const ref = loadReference('smallcnn_outputs');
      const { x, v } = referenceInputs();
      const out = jvpLayersModel(smallCnn, x, v);
      const pred = smallCnn.predict(x) as tf.Tensor;
      // Same backend, same ops up to fused vs unfused bias: float32 round-off only.
      assert.ok(relError(out.primal.dataSync(), pred.dataSync()) < TOL.float32FewOps);
      // PyTorch sums convolutions in another order: ~1e-7 relative per layer, the issue allows 1e-5.
      assert.ok(relError(tf.softmax(out.primal).dataSync(), ref.probs.data) < TOL.float32Reordered);
      const probs = tf.softmax(out.primal);
      const jv = softmaxTangent(probs, out.tangent, 1);
      const err = relError(jv.dataSync(), ref.jvp_probs_v.data);
      // float32 vs float32 PyTorch forward-AD: measured ~1e-6; bound from the issue.
      assert.ok(err < TOL.jvpVsOracle, `jvp_probs_v rel error ${err}`);
      tf.dispose([x, v, pred, probs, jv]);
      dispose(out);
    });

    it('SmallCNN: forward = double-vjp (same float32 ops, so ≤ 1e-5), ≈ fd (ReLU kinks: ≤ 5e-2)', () => {
      const { x, v } = referenceInputs();
      const fwd = jvp(smallCnn, x, v);
      const dv = jvp(smallCnn, x, v, { method: 'double-vjp' });
      assert.ok(relError(dv.tangent.dataSync(), fwd.tangent.dataSync()) < TOL.float32Reordered);
      // Central differences of a ReLU net in float32: some units cross a kink within ±h, and the
      // quotient loses ~6e-8·|f|/h to round-off; measured 1.8e-2 at h = 1e-4 on these noise inputs.
      const fd = jvp(smallCnn, x, v, { method: 'fd', fdStep: 1e-4 });
      const err = relError(fd.tangent.dataSync(), fwd.tangent.dataSync());
      assert.ok(err < TOL.fdRelDeepNetProbs, `fd rel error ${err}`);
      tf.dispose([x, v]);
      dispose(fwd, dv, fd);
    });

    it(`residual functional net (ReLU): forward = double-vjp${backend === 'wasm' ? ' (or its named error: wasm has no depthwise backward kernel)' : ''}; smooth variant: forward = fd`, () => {
      const relu = buildResidualNet({ size: 12 });
      const x = tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 11);
      const v = tf.randomNormal([4, 12, 12, 3], 0, 1, 'float32', 12);
      const fwd = jvp(relu, x, v);
      const pred = relu.predict(x) as tf.Tensor;
      assert.ok(relError(fwd.primal.dataSync(), pred.dataSync()) < TOL.float32Reordered);
      if (backend === 'wasm') {
        assert.throws(
          () => jvp(relu, x, v, { method: 'double-vjp' }),
          /DepthwiseConv2dNativeBackpropInput.*Fallbacks: method 'forward'/,
        );
      } else {
        const dv = jvp(relu, x, v, { method: 'double-vjp' });
        // The same float32 products summed in another order (transposed convolutions): ~1e-7.
        assert.ok(
          relError(dv.tangent.dataSync(), fwd.tangent.dataSync()) < TOL.float32Reordered,
          `double-vjp ${relError(dv.tangent.dataSync(), fwd.tangent.dataSync())}`,
        );
        dispose(dv);
      }
      const smooth = buildResidualNet({ size: 12, smooth: true });
      const f2 = jvp(smooth, x, v);
      // FD_TOL: smooth net, error = O(h²) truncation + float32 round-off ≈ 6e-8·|f|/h through ~10
      // layers; measured (wasm) 2e-4 to 1e-3 at h = 1e-2 and growing as 1/h below it.
      const fd = jvp(smooth, x, v, { method: 'fd', fdStep: FD_STEP });
      const err = relError(fd.tangent.dataSync(), f2.tangent.dataSync());
      assert.ok(err < FD_TOL, `fd rel error ${err}`);
      tf.dispose([x, v, pred]);
      dispose(fwd, f2, fd);
    });

    it('k stacked directions = each direction alone; batch of N = N batches of 1', () => {
      const model = buildResidualNet({ size: 12 });
      const x = tf.randomUniform([3, 12, 12, 3], 0, 1, 'float32', 21);
      const v1 = tf.randomNormal([3, 12, 12, 3], 0, 1, 'float32', 22);
      const v2 = tf.randomNormal([3, 12, 12, 3], 0, 1, 'float32', 23);
      const both = jvpLayersModel(model, x, tf.concat([v1, v2]));
      const a = jvpLayersModel(model, x, v1);
      const b = jvpLayersModel(model, x, v2);
      const sep = tf.concat([a.tangent, b.tangent]);
      // Same ops on a different batch size: equal up to float32 round-off.
      assert.ok(relError(both.tangent.dataSync(), sep.dataSync()) < TOL.float32Reordered);
      const singles = [0, 1, 2].map((i) => jvpLayersModel(model, x.slice(i, 1), v1.slice(i, 1)));
      const stacked = tf.concat(singles.map((s) => s.tangent));
      assert.ok(relError(stacked.dataSync(), a.tangent.dataSync()) < TOL.float32Reordered);
      tf.dispose([x, v1, v2, sep, stacked]);
      dispose(both, a, b, ...singles);
    });

    it('stopAt a layer, a nested model, and stripSoftmax', () => {
      const model = buildResidualNet({ size: 12, smooth: true, softmax: true });
      const x = tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 31);
      const v = tf.randomNormal([2, 12, 12, 3], 0, 1, 'float32', 32);
      const feats = jvpLayersModel(model, x, v, { stopAt: 'features' });
      assert.deepEqual(feats.primal.shape, [2, 2, 2, 8]);
      const featsFd = jvp(model, x, v, { method: 'fd', stopAt: 'features', fdStep: FD_STEP });
      assert.ok(relError(featsFd.tangent.dataSync(), feats.tangent.dataSync()) < FD_TOL);
      const block = jvpLayersModel(model, x, v, { stopAt: 'block' });
      assert.deepEqual(block.primal.shape, [2, 6, 6, 8]);
      const logits = jvpLayersModel(model, x, v, { stripSoftmax: true });
      const probs = jvpLayersModel(model, x, v);
      // softmax(logits) = probs, and the probs tangent = softmax JVP of the logits tangent.
      assert.ok(relError(tf.softmax(logits.primal).dataSync(), probs.primal.dataSync()) < TOL.float32FewOps);
      const viaLogits = softmaxTangent(probs.primal, logits.tangent, 1);
      assert.ok(relError(viaLogits.dataSync(), probs.tangent.dataSync()) < TOL.float32Reordered);
      const logitsFd = jvp(model, x, v, { method: 'fd', stripSoftmax: true, fdStep: FD_STEP });
      assert.ok(relError(logitsFd.tangent.dataSync(), logits.tangent.dataSync()) < FD_TOL);
      assert.throws(() => jvpLayersModel(model, x, v, { stopAt: 'nope' }), /unknown layer 'nope'/);
      tf.dispose([x, v, viaLogits]);
      dispose(feats, featsFd, block, logits, probs, logitsFd);
    });

    it('onNode can replace a layer output (zeroing the tangent after the stem zeroes J·v)', () => {
      const model = buildResidualNet({ size: 12 });
      const x = tf.randomUniform([1, 12, 12, 3], 0, 1, 'float32', 41);
      const v = tf.randomNormal([1, 12, 12, 3], 0, 1, 'float32', 42);
      const out = jvpLayersModel(model, x, v, {
        onNode: (node, d) =>
          node.layer.name === 'stem' ? { primal: d.primal, tangent: tf.zerosLike(d.tangent) } : undefined,
      });
      assert.equal(tf.max(tf.abs(out.tangent)).dataSync()[0], 0);
      tf.dispose([x, v]);
      dispose(out);
    });

    it('leaves no tensors behind (forward, double-vjp, fd)', async () => {
      const model = buildResidualNet({ size: 12 });
      const x = tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 51);
      const v = tf.randomNormal([4, 12, 12, 3], 0, 1, 'float32', 52);
      for (const method of backend === 'cpu'
        ? (['forward', 'double-vjp', 'fd'] as const)
        : (['forward', 'fd'] as const)) {
        await expectNoLeak(() => {
          const d = jvp(model, x, v, { method });
          return [d.primal, d.tangent];
        }, method);
      }
      tf.dispose([x, v]);
    });

    it('rejects a tangent whose batch is not a multiple of the primal batch', () => {
      const x = tf.zeros([2, 32, 32, 3]);
      const v = tf.zeros([3, 32, 32, 3]);
      assert.throws(() => jvpLayersModel(smallCnn, x, v), /tangent must be \[k·B, 32, 32, 3\]/);
      tf.dispose([x, v]);
    });
  });
}
