import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { softmaxTangent } from '../../src/jvp/activations';
import { useBackend } from '../../src/backend';
import { expectNoLeak } from '../helpers/noLeak';
import { TOL } from '../helpers/tolerances';

/** Float64 reference: ṡ_i = s_i (v_i − Σ_j s_j v_j), with s computed in float64. */
function reference(z: number[], v: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const total = e.reduce((a, b) => a + b, 0);
  const s = e.map((x) => x / total);
  const mean = s.reduce((a, si, i) => a + si * v[i], 0);
  return s.map((si, i) => si * (v[i] - mean));
}

const maxRel = (a: ArrayLike<number>, b: number[]) => {
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...b.map((bi, i) => Math.abs(a[i] - bi))) / scale;
};

// A confident classifier (s_top = 1 − 1e-6): the naive float32 formula loses ~1e-2 relative accuracy
// to cancellation in v_top − ⟨s, v⟩; the shifted form must stay near float32 round-off.
describe('softmaxTangent on a saturated softmax', () => {
  const z = [15, 0.5, 0, -1, 1, 0.25, -0.5, 0.75, -2, 0.1];
  const v = [3.1, -1.7, 0.4, 2.2, -0.9, 1.3, -2.6, 0.8, 1.9, -0.3];
  const want = reference(z, v);

  for (const backend of ['cpu', 'wasm'] as const) {
    describe(backend, () => {
      before(async () => {
        await useBackend(backend);
      });

      it('matches the float64 closed form to 1e-4 relative (the naive form is off by > 1e-3)', async () => {
        let got: ArrayLike<number> = [];
        await expectNoLeak(() => {
          const logits = tf.tensor2d([z]);
          const s = tf.softmax(logits);
          const dz = tf.tensor2d([v]);
          const t = softmaxTangent(s, dz, 1);
          got = t.dataSync().slice();
          tf.dispose([logits, s, dz]);
          return t;
        });
        const naive = tf.tidy(() => {
          const s = tf.softmax(tf.tensor2d([z]));
          const dz = tf.tensor2d([v]);
          return tf.mul(s, tf.sub(dz, tf.sum(tf.mul(dz, s), -1, true))).dataSync();
        });
        assert.ok(maxRel(got, want) <= TOL.jvpVsOracle, `shifted form: ${maxRel(got, want)}`);
        assert.ok(
          maxRel(naive, want) > TOL.mustDifferSmall,
          `the test must be sensitive: naive error ${maxRel(naive, want)}`,
        );
      });

      it('stacks k directions like separate calls', () => {
        const v2 = v.map((x) => -2 * x + 0.5);
        const both = tf.tidy(
          () => softmaxTangent(tf.softmax(tf.tensor2d([z])), tf.tensor2d([v, v2]), 2).arraySync() as number[][],
        );
        assert.ok(maxRel(both[1], reference(z, v2)) <= TOL.jvpVsOracle);
      });
    });
  }
});
