/**
 * lieDerivative's shared work: the nine spatial groups in one call propagate only the six affine
 * basis directions and recombine them (J is linear in L x, and L x is linear in the generator);
 * images may be chunked into passes (imagesPerPass). Both must give what each group alone gives.
 * Tolerance 1e-5 relative: the same float32 ops up to summation order and one recombination
 * (rotate = shear-x − shear-y: two rounded terms), measured ≤ 3e-7.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { expectNoLeak } from '../helpers/noLeak';
import { relError } from '../helpers/reference';
import { buildReferenceSmallCnn } from '../helpers/smallCnn';
import { TOL } from '../helpers/tolerances';

const SPATIAL = [
  'translate-x',
  'translate-y',
  'rotate',
  'shear-x',
  'shear-y',
  'stretch-x',
  'stretch-y',
  'scale',
  'hyperbolic-rotate',
];

describe('lieDerivative: basis directions and chunked passes (wasm)', () => {
  before(async () => {
    await useBackend('wasm');
  });

  for (const difference of ['forward', 'central'] as const) {
    it(`all nine spatial groups + a colour group in one call = each alone ('${difference}'), chunked or not; no leak`, async () => {
      const model = buildReferenceSmallCnn();
      const images = tf.randomUniform([5, 32, 32, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
      const groups = [...SPATIAL, 'hue'];
      await expectNoLeak(
        () => lieDerivative(model, images, groups, { difference }).then((r) => r.map((g) => g.lie)),
        'lieDerivative',
      );
      const together = await lieDerivative(model, images, groups, { difference });
      const chunked = await lieDerivative(model, images, groups, { difference, imagesPerPass: 2 });
      for (const [i, g] of groups.entries()) {
        const [alone] = await lieDerivative(model, images, [g], { difference });
        const ref = alone.lie.dataSync();
        assert.equal(together[i].group, g);
        assert.ok(
          relError(together[i].lie.dataSync(), ref) < TOL.float32Reordered,
          `${g}: together vs alone ${relError(together[i].lie.dataSync(), ref)}`,
        );
        assert.ok(relError(chunked[i].lie.dataSync(), ref) < TOL.float32Reordered, `${g}: chunked vs alone`);
        alone.lie.dispose();
      }
      tf.dispose([images, ...together.map((r) => r.lie), ...chunked.map((r) => r.lie)]);
      model.dispose();
    });
  }

  it('rejects a non-positive imagesPerPass', async () => {
    const model = buildReferenceSmallCnn();
    const images = tf.zeros([2, 32, 32, 3]) as tf.Tensor4D;
    await assert.rejects(
      () => lieDerivative(model, images, ['rotate'], { imagesPerPass: 0 }),
      /imagesPerPass must be a positive integer, got 0/,
    );
    images.dispose();
    model.dispose();
  });
});
