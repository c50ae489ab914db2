import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { ensureWasmConv2dBackpropFilter } from '../../src/models/wasmConv2dBackpropFilter';
import { seededUniform } from '../helpers/customLayers';
import { relError } from '../helpers/reference';
import { TOL } from '../helpers/tolerances';

async function filterGrad(
  backend: 'cpu' | 'wasm',
  strides: number,
  pad: 'same' | 'valid',
  shape: [number, number, number, number],
  filter: [number, number, number, number],
): Promise<Float32Array> {
  await useBackend(backend);
  const x = seededUniform(shape, 1) as tf.Tensor4D;
  const w = seededUniform(filter, 2) as tf.Tensor4D;
  const g = tf.grad((ww: tf.Tensor) =>
    tf
      .conv2d(x, ww as tf.Tensor4D, strides, pad)
      .square()
      .sum(),
  )(w);
  const out = g.dataSync() as Float32Array;
  tf.dispose([x, w, g]);
  return out;
}

describe('wasm Conv2DBackpropFilter kernel', () => {
  it('is registered once, only where missing', async () => {
    await useBackend('wasm');
    ensureWasmConv2dBackpropFilter();
    assert.equal(ensureWasmConv2dBackpropFilter(), false);
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'));
  });

  it("matches the cpu backend's own kernel for same/valid padding, strides 1, 2, 4 (uneven remainders), odd sizes", async () => {
    ensureWasmConv2dBackpropFilter();
    for (const [s, pad, shape, filter] of [
      [1, 'same', [2, 9, 9, 3], [3, 3, 3, 4]],
      [1, 'same', [1, 8, 7, 2], [2, 4, 2, 3]], // even filter: uneven 'same' padding
      [1, 'valid', [3, 12, 10, 4], [5, 3, 4, 6]],
      [1, 'same', [4, 14, 14, 16], [3, 3, 16, 32]], // the zoo CNN's second conv
      [2, 'same', [2, 10, 7, 2], [3, 3, 2, 5]],
      [2, 'valid', [1, 11, 11, 3], [4, 2, 3, 2]],
      [4, 'valid', [2, 28, 28, 3], [4, 4, 3, 8]], // ViT patch embedding
      [2, 'same', [3, 28, 28, 16], [3, 3, 16, 32]], // resnet-small's strided conv
      [3, 'valid', [1, 14, 11, 2], [2, 3, 2, 2]], // (Hp − kh) not a multiple of the stride
    ] as const) {
      const a = await filterGrad('cpu', s, pad, [...shape], [...filter]);
      const b = await filterGrad('wasm', s, pad, [...shape], [...filter]);
      // Same sums in another order (a convolution vs direct loops): float32 rounding ~1e-7 relative.
      assert.ok(relError(b, a) < TOL.float32Reordered, `stride ${s} ${pad}: rel error ${relError(b, a)}`);
    }
  });
});
