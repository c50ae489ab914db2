import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { expectNoLeak } from '../helpers/noLeak';
import { loadReference, relError } from '../helpers/reference';
import { buildReferenceSmallCnn, referenceInputs } from '../helpers/smallCnn';
import { TOL } from '../helpers/tolerances';

/** Reference keys per DESIGN group name (test/fixtures/reference/smallcnn.json). */
const REF_GROUPS: Array<[string, string]> = [
  ['translate-x', 'trans_x'],
  ['rotate', 'rot'],
  ['shear-x', 'shear_x'],
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`lieDerivative vs the paper's PyTorch code on SmallCNN (${backend})`, () => {
    let model: tf.LayersModel;
    before(async () => {
      await useBackend(backend);
      model = buildReferenceSmallCnn();
    });

    for (const difference of ['forward', 'central'] as const) {
      it(`probs, difference '${difference}': lee_* ${difference === 'central' ? '_centraldiff ' : ''}within 1e-4 relative`, async () => {
        const out = loadReference('smallcnn_outputs');
        const { x, v } = referenceInputs();
        const res = await lieDerivative(
          model,
          x,
          REF_GROUPS.map(([g]) => g),
          { difference },
        );
        for (const [i, [group, key]] of REF_GROUPS.entries()) {
          assert.equal(res[i].group, group);
          assert.deepEqual(res[i].lie.shape, [8, 10]);
          const ref = out[difference === 'forward' ? `lee_${key}` : `lee_${key}_centraldiff`].data;
          const err = relError(res[i].lie.dataSync(), ref);
          // float32 conv sums in another order than PyTorch: measured ≤ 2e-6; 1e-4 is the bound.
          assert.ok(err < TOL.float32DeepRel, `${group} ${difference}: rel error ${err}`);
        }
        tf.dispose([x, v, ...res.map((r) => r.lie)]);
      });
    }
  });
}

describe('lieDerivative: structure (wasm, the default CPU backend)', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('all groups at once = each group alone; batch of N = N batches of 1; no leak', async () => {
    const model = buildReferenceSmallCnn();
    const { x, v } = referenceInputs();
    const images = x.slice(0, 3) as tf.Tensor4D;
    const groups = ['translate-x', 'rotate', 'hue', 'contrast'];
    const all = await expectNoLeak(
      () => lieDerivative(model, images, groups).then((r) => r.map((g) => g.lie)),
      'lieDerivative',
    );
    void all;
    const together = await lieDerivative(model, images, groups);
    for (const [i, g] of groups.entries()) {
      const [alone] = await lieDerivative(model, images, [g]);
      // Same ops on a different batch size: float32 round-off only.
      assert.ok(relError(together[i].lie.dataSync(), alone.lie.dataSync()) < TOL.float32Reordered, g);
      const singles = await Promise.all(
        [0, 1, 2].map((n) => lieDerivative(model, images.slice(n, 1) as tf.Tensor4D, [g])),
      );
      const stacked = tf.concat(singles.map((s) => s[0].lie));
      assert.ok(relError(stacked.dataSync(), alone.lie.dataSync()) < TOL.float32Reordered, `${g} batch`);
      tf.dispose([alone.lie, stacked, ...singles.map((s) => s[0].lie)]);
    }
    tf.dispose([x, v, images, ...together.map((r) => r.lie)]);
  });

  it("'probs' and 'logits' on models with and without a final softmax agree (DESIGN §1)", async () => {
    const images = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const plain = buildReferenceSmallCnn();
    // The same network ending in an Activation('softmax') layer.
    const withSoftmax = tf.sequential({
      layers: [...plain.layers.map((l) => l), tf.layers.activation({ activation: 'softmax' })],
    });
    for (const output of ['probs', 'logits'] as const) {
      const [a] = await lieDerivative(plain, images, ['rotate'], { output });
      const [b] = await lieDerivative(withSoftmax, images, ['rotate'], { output });
      assert.ok(relError(a.lie.dataSync(), b.lie.dataSync()) < TOL.float32Reordered, output);
      tf.dispose([a.lie, b.lie]);
    }
    // 'logits' of the plain model is J·Lx of the raw output; its softmax JVP is 'probs'.
    const [lg] = await lieDerivative(plain, images, ['rotate'], { output: 'logits' });
    const [pr] = await lieDerivative(plain, images, ['rotate'], { output: 'probs' });
    assert.ok(relError(lg.lie.dataSync(), pr.lie.dataSync()) > TOL.mustDiffer, 'probs differ from logits');
    tf.dispose([images, lg.lie, pr.lie]);
  });

  it('image-like outputs are equivariant maps: a per-pixel linear model has zero spatial Lie derivative', async () => {
    // Per pixel and linear, f commutes with the discrete derivative stencil, so J·(Lx) = L_out f(x)
    // exactly in real arithmetic (a nonlinear per-pixel map would not commute with the stencil).
    const input = tf.input({ shape: [12, 12, 3] });
    const out = tf.layers
      .conv2d({ filters: 4, kernelSize: 1, biasInitializer: 'randomNormal' })
      .apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const images = tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    // 'probs' would be a softmax over the 4 channels of each pixel: refused, in the library's words.
    await assert.rejects(
      lieDerivative(model, images, ['rotate'], { output: 'probs' }),
      /output 'probs' needs class scores \(a vector of K ≥ 2 per image\), but output '.*' is \[B, 12, 12, 4\] \(image-like\)\. Use output 'logits' \(--output logits: the raw output, measured as an equivariant map\) or a tensor name/,
    );
    const res = await lieDerivative(model, images, ['translate-x', 'rotate', 'scale'], { output: 'logits' });
    for (const r of res) {
      assert.deepEqual(r.lie.shape, [2, 12 * 12 * 4]);
      // J·(Lx) and L_out f(x) use the same stencil pixelwise: equal up to float32 round-off.
      assert.ok(tf.max(tf.abs(r.lie)).dataSync()[0] < TOL.float32Reordered, r.group);
    }
    tf.dispose([images, ...res.map((r) => r.lie)]);
  });

  it("the wrapper's preprocess is part of the model (colour groups act on [0, 1] RGB)", async () => {
    const net = buildReferenceSmallCnn();
    const images = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const mean: [number, number, number] = [0.5, 0.4, 0.3];
    const std: [number, number, number] = [0.2, 0.25, 0.3];
    const wrapped = { name: 'w', net, inputSize: [32, 32] as [number, number], preprocess: { mean, std } };
    const [a] = await lieDerivative(wrapped, images, ['hue']);
    // Oracle: normalise by hand and use the identity wrapper with a tangent scaled by 1/std —
    // equivalently, the Lie derivative of net ∘ preprocess computed by fd on the composed function.
    const { jvp } = await import('../../src/jvp');
    const { imageTangent } = await import('../../src/groups');
    const lx = imageTangent(images, 'hue');
    const xn = tf.div(tf.sub(images, mean), std);
    const d = jvp(net, xn, tf.div(lx, std), { method: 'double-vjp' });
    const probs = tf.softmax(d.primal);
    const { softmaxTangent } = await import('../../src/jvp/activations');
    const want = softmaxTangent(probs, d.tangent, 1);
    assert.ok(relError(a.lie.dataSync(), want.dataSync()) < TOL.float32Reordered);
    tf.dispose([images, a.lie, lx, xn, d.primal, d.tangent, probs, want]);
  });

  it('checks its inputs', async () => {
    const model = buildReferenceSmallCnn();
    const wrong = tf.zeros([1, 16, 16, 3]) as tf.Tensor4D;
    await assert.rejects(lieDerivative(model, wrong, ['rotate']), /expects 32×32 images, got 16×16/);
    const ok = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    await assert.rejects(lieDerivative(model, ok, ['spin']), /unknown group 'spin'/);
    await assert.rejects(lieDerivative(model, tf.fill([1, 32, 32, 3], 2) as tf.Tensor4D, ['rotate']), /\[0, 1\]/);
    tf.dispose([wrong, ok]);
  });
});
