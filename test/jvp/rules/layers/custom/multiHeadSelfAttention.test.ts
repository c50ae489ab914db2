import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../../../../src/backend';
import '../../../../../src/jvp/rules';
import { jvpLayersModel } from '../../../../../src/jvp/layersModel';
import { MultiHeadSelfAttention } from '../../../../../src/models/layers';
import { seededUniform, wrapLayer } from '../../../../helpers/customLayers';
import { checkJvpAgainstFd } from '../../../../helpers/jvpCheck';
import { expectNoLeak } from '../../../../helpers/noLeak';
import { relError } from '../../../../helpers/reference';
import { TOL } from '../../../../helpers/tolerances';

/** Plain-JS attention in float64 (an oracle that shares no code with the layer). */
function naiveAttention(
  x: number[][],
  wqkv: number[][],
  bqkv: number[],
  wo: number[][],
  bo: number[],
  heads: number,
): number[][] {
  const n = x.length;
  const c = x[0].length;
  const d = c / heads;
  const qkv = x.map((row) => bqkv.map((b, j) => b + row.reduce((s, v, i) => s + v * wqkv[i][j], 0)));
  const merged = x.map(() => new Array(c).fill(0));
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      const scores = Array.from({ length: n }, (_, j) => {
        let s = 0;
        for (let e = 0; e < d; e++) s += qkv[i][h * d + e] * qkv[j][c + h * d + e];
        return s / Math.sqrt(d);
      });
      const m = Math.max(...scores);
      const ex = scores.map((s) => Math.exp(s - m));
      const z = ex.reduce((a, b) => a + b, 0);
      for (let j = 0; j < n; j++)
        for (let e = 0; e < d; e++) merged[i][h * d + e] += (ex[j] / z) * qkv[j][2 * c + h * d + e];
    }
  }
  return merged.map((row) => bo.map((b, j) => b + row.reduce((s, v, i) => s + v * wo[i][j], 0)));
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`MultiHeadSelfAttention layer and rule (${backend})`, () => {
    before(async () => {
      await useBackend(backend);
    });

    it('forward equals a float64 plain-JS attention (2 heads, non-zero biases)', () => {
      const layer = new MultiHeadSelfAttention({ numHeads: 2, seed: 5 });
      const model = wrapLayer(layer, [3, 4]);
      layer.qkvBias.write(seededUniform([12], 9) as tf.Tensor1D);
      layer.outBias.write(seededUniform([4], 10) as tf.Tensor1D);
      const x = seededUniform([1, 3, 4], 11);
      const y = model.predict(x) as tf.Tensor;
      const ref = naiveAttention(
        (x.arraySync() as number[][][])[0],
        layer.qkvKernel.read().arraySync() as number[][],
        layer.qkvBias.read().arraySync() as number[],
        layer.outKernel.read().arraySync() as number[][],
        layer.outBias.read().arraySync() as number[],
        2,
      );
      // float32 vs float64 on O(1) values: ~1e-6 relative
      assert.ok(
        relError(y.dataSync(), ref.flat()) < TOL.float32Reordered,
        `rel error ${relError(y.dataSync(), ref.flat())}`,
      );
      tf.dispose([x, y]);
    });

    it('forward mode matches central finite differences (k = 3), no leak; biases never reach the tangent', async () => {
      const layer = new MultiHeadSelfAttention({ numHeads: 2, seed: 7 });
      const model = wrapLayer(layer, [5, 4]);
      layer.qkvBias.write(seededUniform([12], 1) as tf.Tensor1D);
      layer.outBias.write(seededUniform([4], 2) as tf.Tensor1D);
      const x = seededUniform([2, 5, 4], 3);
      const v = seededUniform([6, 5, 4], 4);
      // Smooth map (softmax of bilinear forms): central FD error O(h²‖f'''‖) ≈ 1e-4 at h = 1e-2, plus
      // float32 rounding ≈ 1e-7/h = 1e-5; 2e-3 is jax's float32 tolerance.
      const err = await expectNoLeak(() =>
        checkJvpAgainstFd(model, x, v, { h: TOL.fdStepLinear, tol: TOL.fdRelNonlinear }),
      );
      assert.ok(err < TOL.fdRelNonlinear);
      const zero = jvpLayersModel(model, x, tf.zerosLike(v), { k: 3 });
      assert.equal(tf.abs(zero.tangent).max().dataSync()[0], 0);
      tf.dispose([x, v, zero.primal, zero.tangent]);
    });

    it('is equivariant to token permutations, so its tangent is too (a structural check)', () => {
      const layer = new MultiHeadSelfAttention({ numHeads: 1, seed: 8 });
      const model = wrapLayer(layer, [3, 2]);
      const x = seededUniform([1, 3, 2], 5);
      const v = seededUniform([1, 3, 2], 6);
      const perm = tf.tensor1d([2, 0, 1], 'int32');
      const a = jvpLayersModel(model, x, v, { k: 1 });
      const b = jvpLayersModel(model, tf.gather(x, perm, 1), tf.gather(v, perm, 1), { k: 1 });
      assert.ok(relError(b.tangent.dataSync(), tf.gather(a.tangent, perm, 1).dataSync()) < TOL.float32Reordered);
    });
  });
}
