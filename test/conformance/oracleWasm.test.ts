/**
 * The conformance oracle on wasm (scripts/conformance/oracleGradients.ts): tfjs-backend-wasm 4.22
 * lacks DepthwiseConv2dNativeBackpropInput and the two filter-gradient kernels, and its MaxPoolGrad
 * is wrong on all-negative windows. With the oracle's kernels, `tf.grad` with respect to the image on
 * wasm equals `tf.grad` on cpu through fused, strided and depthwise convolutions, max-pools of
 * negative values and DepthToSpace (cotangent-weighted, so every path counts).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { ensureOracleGradients } from '../../scripts/conformance/oracleGradients';
import { relErrorL2 } from '../helpers/reference';
import { TOL } from '../helpers/tolerances';

type S4 = [number, number, number, number];

/** dF/dx · u on wasm and on cpu for the same x, weights and cotangent u. */
async function bothBackends(
  f: (x: tf.Tensor4D, w: tf.Tensor4D[]) => tf.Tensor,
  xShape: S4,
  wShapes: S4[],
): Promise<{ wasm: Float32Array; cpu: Float32Array }> {
  const xv = tf.tidy(() => tf.randomUniform(xShape, -1, 0.3, 'float32', 11).dataSync() as Float32Array);
  const wv = wShapes.map((s, i) =>
    tf.tidy(() => tf.randomNormal(s, 0, 0.5, 'float32', 20 + i).dataSync() as Float32Array),
  );
  const out: Record<string, Float32Array> = {};
  for (const be of ['wasm', 'cpu']) {
    await tf.setBackend(be);
    ensureOracleGradients();
    out[be] = tf.tidy(() => {
      const x = tf.tensor(xv, xShape) as tf.Tensor4D;
      const w = wShapes.map((s, i) => tf.tensor(wv[i], s) as tf.Tensor4D);
      const y = f(x, w);
      const u = tf.tensor(tf.randomNormal([y.size], 0, 1, 'float32', 5).dataSync(), y.shape);
      return tf
        .grad((z: tf.Tensor) => tf.sum(tf.mul(f(z as tf.Tensor4D, w), u)))(x)
        .dataSync() as Float32Array;
    });
  }
  await tf.setBackend('wasm');
  return { wasm: out.wasm, cpu: out.cpu };
}

describe('oracle gradients on wasm equal cpu tf.grad', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('max-pool of all-negative windows (tfjs-backend-wasm MaxPoolGrad is wrong there; replaced)', async () => {
    for (const [k, s, pad] of [
      [2, 2, 'valid'],
      [3, 2, 'same'],
      [3, 1, 'same'],
    ] as const) {
      const r = await bothBackends((x) => tf.maxPool(x, k, s, pad), [1, 9, 9, 3], []);
      assert.ok(
        relErrorL2(r.wasm, r.cpu) < TOL.float32FewOps,
        `maxPool ${k}/${s}/${pad}: ${relErrorL2(r.wasm, r.cpu)}`,
      );
    }
  });

  it('depthwise convolutions (dx computed), channel multiplier 2, strides 1 and 2, fused relu6', async () => {
    for (const s of [1, 2] as const) {
      const r = await bothBackends((x, [d]) => tf.depthwiseConv2d(x, d, s, 'same'), [1, 9, 9, 3], [[3, 3, 3, 2]]);
      assert.ok(
        relErrorL2(r.wasm, r.cpu) < TOL.float32Reordered,
        `depthwise stride ${s}: ${relErrorL2(r.wasm, r.cpu)}`,
      );
    }
    const f = await bothBackends(
      (x, [d]) =>
        tf.fused.depthwiseConv2d({
          x,
          filter: d,
          strides: 2,
          pad: 'valid',
          bias: tf.fill([6], 0.1),
          activation: 'relu6',
        }),
      [1, 10, 10, 3],
      [[3, 3, 3, 2]],
    );
    assert.ok(relErrorL2(f.wasm, f.cpu) < TOL.float32Reordered, `fused depthwise: ${relErrorL2(f.wasm, f.cpu)}`);
  });

  it('fused convolutions (their eager filter gradient is the zero kernel, never read by d/dx) and DepthToSpace', async () => {
    const r = await bothBackends(
      (x, [w]) =>
        tf.fused.conv2d({ x, filter: w, strides: 2, pad: 'same', bias: tf.fill([8], 0.1), activation: 'relu' }),
      [1, 9, 9, 3],
      [[3, 3, 3, 8]],
    );
    assert.ok(relErrorL2(r.wasm, r.cpu) < TOL.float32Reordered, `fused conv: ${relErrorL2(r.wasm, r.cpu)}`);
    const d = await bothBackends(
      (x, [w]) => tf.depthToSpace(tf.conv2d(x, w, 1, 'same') as tf.Tensor4D, 2),
      [1, 6, 6, 3],
      [[1, 1, 3, 8]],
    );
    assert.ok(relErrorL2(d.wasm, d.cpu) < TOL.float32Reordered, `depthToSpace: ${relErrorL2(d.wasm, d.cpu)}`);
  });
});

describe('oracle ResizeBilinear gradient (tfjs 4.22 ResizeBilinearGrad ignores half_pixel_centers; replaced)', () => {
  it('satisfies the adjoint identity ⟨R v, u⟩ = ⟨v, Rᵀu⟩ on wasm and cpu, non-square, every corner convention', async () => {
    for (const be of ['wasm', 'cpu']) {
      await tf.setBackend(be);
      ensureOracleGradients();
      for (const [alignCorners, halfPixel] of [
        [false, true],
        [false, false],
        [true, false],
      ] as const)
        for (const [inS, outS] of [
          [
            [6, 9],
            [12, 5],
          ],
          [
            [8, 8],
            [16, 16],
          ],
          [
            [7, 5],
            [3, 11],
          ],
        ] as const) {
          const [lhs, rhs] = tf.tidy(() => {
            const v = tf.randomNormal([2, inS[0], inS[1], 3], 0, 1, 'float32', 1) as tf.Tensor4D;
            const u = tf.randomNormal([2, outS[0], outS[1], 3], 0, 1, 'float32', 2);
            const f = (z: tf.Tensor) =>
              tf.image.resizeBilinear(z as tf.Tensor4D, [outS[0], outS[1]], alignCorners, halfPixel);
            const g = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(f(z), u)))(v);
            return [tf.sum(tf.mul(f(v), u)).dataSync()[0], tf.sum(tf.mul(g, v)).dataSync()[0]];
          });
          assert.ok(
            Math.abs(lhs - rhs) <= TOL.float32Reordered * Math.abs(lhs) + TOL.float32Reordered,
            `${be} align ${alignCorners} half-pixel ${halfPixel} ${inS}→${outS}: ⟨Rv,u⟩ ${lhs} vs ⟨v,Rᵀu⟩ ${rhs}`,
          );
        }
    }
    await tf.setBackend('wasm');
  });
});
