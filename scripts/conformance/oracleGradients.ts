/**
 * Gradients tfjs 4.22 lacks but the oracle needs on third-party graphs, registered only where
 * tfjs has none — except AvgPool's, which tfjs has wrong for padded windows (ensureAvgPoolGradient).
 *
 * StridedSlice (in most converted graphs: Keras `x[:, 1:]`, landmark heads): linear in x, so its
 * VJP is the transpose of the selection. The selection is read off by running the same
 * StridedSlice, with the same attributes, on the flat indices of x: dx = scatter(dy at those
 * indices). Exact, and every mask (begin/end/ellipsis/new-axis/shrink) is handled by tfjs's own
 * forward op.
 */
import * as tf from '@tensorflow/tfjs';

export function ensureOracleGradients(): void {
  ensureAvgPoolGradient();
  ensureDepthToSpaceGradient();
  ensureResizeBilinearGradient();
  ensureGatherNdGradient();
  ensureBatchMatMulGradient();
  ensureWasmOracleKernels();
  if (!tf.getGradient('StridedSlice')) {
    tf.registerGradient({
      kernelName: 'StridedSlice',
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved;
        const a = attrs as unknown as {
          begin: number[];
          end: number[];
          strides: number[];
          beginMask: number;
          endMask: number;
          ellipsisMask: number;
          newAxisMask: number;
          shrinkAxisMask: number;
        };
        return {
          x: () =>
            tf.tidy(() => {
              const idx = tf.range(0, x.size, 1, 'int32').reshape(x.shape);
              const picked = tf.stridedSlice(
                idx,
                a.begin,
                a.end,
                a.strides,
                a.beginMask,
                a.endMask,
                a.ellipsisMask,
                a.newAxisMask,
                a.shrinkAxisMask,
              );
              const flat = tf.scatterND(tf.cast(picked, 'int32').reshape([-1, 1]), (dy as tf.Tensor).reshape([-1]), [
                x.size,
              ]);
              return flat.reshape(x.shape);
            }),
        };
      },
    });
  }
}

const AVG_POOL_FIXED = Symbol('liederiv oracle AvgPool gradient');

/**
 * AvgPool with padding ('same', as in every InceptionV3 block): the forward divides each window's
 * sum by the number of its elements inside the image (padding excluded, as Keras and TF do), but
 * tfjs 4.22's AvgPoolGrad (cpu and wasm alike) divides by the full window size fh·fw, so near the
 * border its gradient is too small (measured: ⟨∇, v⟩ −0.648 against −0.965 from central differences
 * of the forward, 3×3 'same' on 6×6). The VJP is dx_i = Σ_{windows o ∋ i} dy_o / count_o; it is
 * computed as tfjs's AvgPoolGrad of dy_o · (fh·fw / count_o), count_o from a convolution of ones with
 * the same strides and padding. 'valid' windows have count = fh·fw, where tfjs is right and is kept.
 */
function ensureAvgPoolGradient(): void {
  const current = tf.getGradient('AvgPool') as (tf.GradConfig & { [AVG_POOL_FIXED]?: true }) | undefined;
  if (current?.[AVG_POOL_FIXED]) return;
  const config: tf.GradConfig & { [AVG_POOL_FIXED]: true } = {
    [AVG_POOL_FIXED]: true,
    kernelName: 'AvgPool',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor4D];
      const a = attrs as unknown as {
        filterSize: number | [number, number];
        strides: number | [number, number];
        pad: 'valid' | 'same' | number;
      };
      return {
        x: () =>
          tf.tidy(() => {
            // tfjs's own AvgPoolGrad kernel (not exported as an op): dx_i = Σ_{o ∋ i} dy_o / (fh·fw).
            const kernelGrad = (d: tf.Tensor) =>
              tf.engine().runKernel('AvgPoolGrad', { dy: d, input: x }, { ...a }) as tf.Tensor4D;
            const g = dy as tf.Tensor4D;
            if (a.pad === 'valid' || a.pad === 0) return kernelGrad(g);
            const [fh, fw] = typeof a.filterSize === 'number' ? [a.filterSize, a.filterSize] : a.filterSize;
            const count = tf.conv2d(
              tf.ones([1, x.shape[1], x.shape[2], 1]) as tf.Tensor4D,
              tf.ones([fh, fw, 1, 1]) as tf.Tensor4D,
              a.strides,
              a.pad,
            );
            return kernelGrad(tf.mul(g, tf.div(fh * fw, count)));
          }),
      };
    },
  };
  tf.registerGradient(config);
}

const BATCH_MATMUL_FIXED = Symbol('liederiv oracle BatchMatMul gradient');

/**
 * BatchMatMul with a broadcast batch (facemesh-attention-pinto: [1, 16, 2, 2] · [1, 2, 2]): tfjs
 * 4.22's gradient returns the product's batch shape for both operands instead of summing over the
 * dimensions an operand was broadcast along, and backprop then refuses the shape ("The gradient of
 * input 'b' has shape '1,16,2,2', which does not match the shape of the input '1,2,2'"). Same
 * formulas as tfjs's for the four transpose cases, each reduced to its operand's shape.
 */
function ensureBatchMatMulGradient(): void {
  const current = tf.getGradient('BatchMatMul') as (tf.GradConfig & { [BATCH_MATMUL_FIXED]?: true }) | undefined;
  if (current?.[BATCH_MATMUL_FIXED]) return;
  const reduceTo = (g: tf.Tensor, shape: number[]) => {
    const axes = tf.backend_util.getReductionAxes(shape, g.shape);
    return tf.reshape(axes.length ? tf.sum(g, axes) : g, shape);
  };
  const config: tf.GradConfig & { [BATCH_MATMUL_FIXED]: true } = {
    [BATCH_MATMUL_FIXED]: true,
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const d = dy as tf.Tensor;
      const mm = (x: tf.Tensor, y: tf.Tensor, tx: boolean, ty: boolean) => tf.matMul(x, y, tx, ty);
      const [da, db] =
        !transposeA && !transposeB
          ? [() => mm(d, b, false, true), () => mm(a, d, true, false)]
          : !transposeA && transposeB
            ? [() => mm(d, b, false, false), () => mm(d, a, true, false)]
            : transposeA && !transposeB
              ? [() => mm(b, d, false, true), () => mm(a, d, false, false)]
              : [() => mm(b, d, true, true), () => mm(d, a, true, true)];
      return { a: () => reduceTo(da(), a.shape), b: () => reduceTo(db(), b.shape) };
    },
  };
  tf.registerGradient(config);
}

/**
 * GatherNd (facemesh-attention-pinto's landmark refinement) has no gradient in tfjs 4.22. It is
 * linear in `params` and picks slices at `indices`, so its VJP scatters dy back to those indices,
 * summing where an index repeats (tf.scatterND sums duplicates, as TF's ScatterNd does).
 */
export function ensureGatherNdGradient(): void {
  if (tf.getGradient('GatherNd')) return;
  tf.registerGradient({
    kernelName: 'GatherNd',
    inputsToSave: ['params', 'indices'],
    gradFunc: (dy, saved) => {
      const [params, indices] = saved;
      return {
        params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape),
        // Integer indices carry no derivative; tfjs wants float32 gradients even for them when they
        // lie on the image's path (indices computed from the image through a Cast, as in this model).
        indices: () => tf.zeros(indices.shape, 'float32'),
      };
    },
  });
}

/**
 * DepthToSpace (facemesh-detection-full's upsampling head) has no gradient in tfjs 4.22. It is a
 * permutation of x, so its VJP is the inverse permutation of dy, written with reshape/transpose
 * (NHWC, blockSize b: y[n, h·b + i, w·b + j, c] = x[n, h, w, (i·b + j)·C' + c]).
 */
export function ensureDepthToSpaceGradient(): void {
  if (tf.getGradient('DepthToSpace')) return;
  tf.registerGradient({
    kernelName: 'DepthToSpace',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { blockSize: b, dataFormat } = attrs as unknown as { blockSize: number; dataFormat: string };
      if (dataFormat !== 'NHWC') throw new Error(`oracle: DepthToSpace gradient for NHWC only, got ${dataFormat}`);
      const [n, h, w, c] = x.shape;
      return {
        x: () =>
          tf.tidy(() =>
            (dy as tf.Tensor)
              .reshape([n, h, b, w, b, c / (b * b)])
              .transpose([0, 1, 3, 2, 4, 5])
              .reshape([n, h, w, c]),
          ),
      };
    },
  });
}

/**
 * [outN, inN]: the 1-D bilinear interpolation matrix of tfjs's own forward ResizeBilinear (read
 * off by resizing a stack of one-hot rows, so every coordinate convention of the forward op holds).
 */
function bilinearMatrix(inN: number, outN: number, alignCorners: boolean, halfPixelCenters: boolean): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.image
        .resizeBilinear(tf.eye(inN).reshape([1, inN, 1, inN]) as tf.Tensor4D, [outN, 1], alignCorners, halfPixelCenters)
        .reshape([outN, inN]) as tf.Tensor2D,
  );
}

let resizeReplaced = false;

/**
 * ResizeBilinear's gradient, replacing tfjs 4.22's: its ResizeBilinearGrad ignores
 * `half_pixel_centers` on cpu and wasm (the adjoint identity ⟨R v, u⟩ = ⟨v, Rᵀ u⟩ fails by
 * 0.6–2.6 relative; docs/OPS.md), and cpu's swaps H and W for non-square images. Every
 * segmentation/pose/detection graph of the suite resizes with half-pixel centres (TF2's default),
 * so without this the oracle itself is wrong there. The resize is separable and linear:
 * y[b, o, p, c] = Σ_ij A_H[o, i] A_W[p, j] x[b, i, j, c], hence dx = A_Hᵀ dy A_W, with A_H, A_W
 * read off tfjs's forward op (bilinearMatrix above) — exact, on whatever backend is current.
 */
export function ensureResizeBilinearGradient(): void {
  if (resizeReplaced) return;
  resizeReplaced = true;
  tf.registerGradient({
    kernelName: 'ResizeBilinear',
    inputsToSave: ['images'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { alignCorners, halfPixelCenters } = attrs as unknown as {
        alignCorners: boolean;
        halfPixelCenters: boolean;
      };
      return {
        images: () =>
          tf.tidy(() => {
            const d = dy as tf.Tensor4D;
            const [b, inH, inW, c] = x.shape as [number, number, number, number];
            const [, outH, outW] = d.shape;
            const aH = bilinearMatrix(inH, outH, alignCorners, halfPixelCenters);
            const aW = bilinearMatrix(inW, outW, alignCorners, halfPixelCenters);
            // Along H: [outH, b·outW·c] → A_Hᵀ · → [inH, b, outW, c].
            const t = tf
              .matMul(aH, d.transpose([1, 0, 2, 3]).reshape([outH, -1]), true, false)
              .reshape([inH, b, outW, c]);
            // Along W: [outW, b·inH·c] → A_Wᵀ · → [inW, b, inH, c] → [b, inH, inW, c].
            return tf
              .matMul(aW, t.transpose([2, 1, 0, 3]).reshape([outW, -1]), true, false)
              .reshape([inW, b, inH, c])
              .transpose([1, 2, 0, 3]);
          }),
      };
    },
  });
}

interface WasmBackendLike {
  readSync(dataId: unknown): ArrayLike<number>;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/**
 * dx of a depthwise convolution (NHWC), the same loops as tfjs-backend-cpu's kernel
 * (DepthwiseConv2dNativeBackpropInput.ts): the wasm backend of tfjs 4.22 has no such kernel, and
 * the oracle needs it for every depthwise layer between the image and the output.
 */
export function depthwiseBackpropInput(
  dyVals: ArrayLike<number>,
  dyShape: number[],
  fltVals: ArrayLike<number>,
  fltShape: number[],
  info: tf.backend_util.Conv2DInfo,
): Float32Array {
  const {
    batchSize,
    filterHeight,
    filterWidth,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
  } = info;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1)
    throw new Error('oracle: depthwise backprop input with dilation is not implemented');
  const dyS0 = dyShape[1] * dyShape[2] * dyShape[3];
  const dyS1 = dyShape[2] * dyShape[3];
  const dyS2 = dyShape[3];
  const fltS0 = fltShape[1] * fltShape[2] * fltShape[3];
  const fltS1 = fltShape[2] * fltShape[3];
  const fltS2 = fltShape[3];
  const dx = new Float32Array(batchSize * inHeight * inWidth * inChannels);
  const dxS0 = inHeight * inWidth * inChannels;
  const dxS1 = inWidth * inChannels;
  const topPad = filterHeight - 1 - info.padInfo.top;
  const leftPad = filterWidth - 1 - info.padInfo.left;
  const chMul = outChannels / inChannels;
  for (let b = 0; b < batchSize; ++b)
    for (let xR = 0; xR < inHeight; ++xR) {
      const xRCorner = xR - topPad;
      const xRMin = Math.max(0, Math.ceil(xRCorner / strideHeight));
      const yRMax = Math.min(outHeight, (filterHeight + xRCorner) / strideHeight);
      for (let xC = 0; xC < inWidth; ++xC) {
        const xCCorner = xC - leftPad;
        const xCMin = Math.max(0, Math.ceil(xCCorner / strideWidth));
        const yCMax = Math.min(outWidth, (filterWidth + xCCorner) / strideWidth);
        const base = dxS0 * b + dxS1 * xR + inChannels * xC;
        for (let yR = xRMin; yR < yRMax; ++yR) {
          const wR = yR * strideHeight - xRCorner;
          for (let yC = xCMin; yC < yCMax; ++yC) {
            const wC = yC * strideWidth - xCCorner;
            const dyOffset = dyS0 * b + dyS1 * yR + dyS2 * yC;
            const fltOffset = fltS0 * (filterHeight - 1 - wR) + fltS1 * (filterWidth - 1 - wC);
            for (let d1 = 0; d1 < inChannels; ++d1) {
              let s = 0;
              for (let dm = 0; dm < chMul; ++dm)
                s += dyVals[dyOffset + d1 * chMul + dm] * fltVals[fltOffset + fltS2 * d1 + dm];
              dx[base + d1] += s;
            }
          }
        }
      }
    }
  return dx;
}

/**
 * dx of a max-pool (NHWC): dy routed to each window's first maximum (padding excluded), as
 * tfjs-backend-cpu does. Replaces tfjs-backend-wasm 4.22's MaxPoolGrad, which is wrong whenever a
 * window's values are all negative (measured: 0.3–1.0 relative off cpu on random inputs in
 * [−1, 0.2], exact on [0, 1]; scripts/conformance/repro/wasmMaxPoolGrad.ts).
 */
export function maxPoolBackprop(
  xVals: ArrayLike<number>,
  dyVals: ArrayLike<number>,
  info: tf.backend_util.Conv2DInfo,
): Float32Array {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: C,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    effectiveFilterHeight,
    effectiveFilterWidth,
  } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dx = new Float32Array(batchSize * inHeight * inWidth * C);
  for (let b = 0; b < batchSize; ++b)
    for (let oh = 0; oh < outHeight; ++oh)
      for (let ow = 0; ow < outWidth; ++ow)
        for (let c = 0; c < C; ++c) {
          let best = -Infinity;
          let at = -1;
          for (let kh = 0; kh < effectiveFilterHeight; kh += dilationHeight) {
            const ih = oh * strideHeight - top + kh;
            if (ih < 0 || ih >= inHeight) continue;
            for (let kw = 0; kw < effectiveFilterWidth; kw += dilationWidth) {
              const iw = ow * strideWidth - left + kw;
              if (iw < 0 || iw >= inWidth) continue;
              const idx = ((b * inHeight + ih) * inWidth + iw) * C + c;
              if (xVals[idx] > best || at < 0) {
                best = xVals[idx];
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at] += dyVals[((b * outHeight + oh) * outWidth + ow) * C + c];
        }
  return dx;
}

/**
 * Kernels the oracle's backward pass needs on the wasm backend, which tfjs 4.22 does not ship
 * there (registered only if absent, for the oracle's process only), and MaxPoolGrad, which it ships wrong (above):
 *  - DepthwiseConv2dNativeBackpropInput: computed (depthwiseBackpropInput above).
 *  - Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter: the gradient with respect to the
 *    *weights*. tfjs's fused convolutions compute it eagerly next to dx (fused_conv2d.ts
 *    customGrad), although `tf.grad(f)(x)` returns dx only and drops it; these kernels return
 *    zeros of the filter's shape. They are correct only where the filter does not depend on the
 *    image (constant weights: every model of the suite) — the oracle's answer never reads them.
 *    test/conformance/oracleWasm.test.ts holds wasm `tf.grad` equal to cpu `tf.grad` through
 *    fused, strided and depthwise convolutions.
 */
let maxPoolReplaced = false;

export function ensureWasmOracleKernels(): void {
  const have = (k: string) => tf.getKernel(k, 'wasm') !== undefined;
  if (!maxPoolReplaced) {
    maxPoolReplaced = true;
    if (have('MaxPoolGrad')) tf.unregisterKernel('MaxPoolGrad', 'wasm');
    tf.registerKernel({
      kernelName: 'MaxPoolGrad',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const be = backend as unknown as WasmBackendLike;
        const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
        const a = attrs as unknown as {
          filterSize: [number, number] | number;
          strides: [number, number] | number;
          pad: 'same' | 'valid' | number;
          dimRoundingMode?: 'floor' | 'round' | 'ceil';
        };
        const info = tf.backend_util.computePool2DInfo(
          input.shape as [number, number, number, number],
          a.filterSize,
          a.strides,
          1,
          a.pad,
          a.dimRoundingMode,
        );
        const dx = maxPoolBackprop(be.readSync(input.dataId), be.readSync(dy.dataId), info);
        const out = be.makeOutput(input.shape, 'float32');
        be.typedArrayFromHeap(out).set(dx);
        return out;
      },
    });
  }
  if (!have('DepthwiseConv2dNativeBackpropInput'))
    tf.registerKernel({
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const be = backend as unknown as WasmBackendLike;
        const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
        const a = attrs as unknown as {
          strides: [number, number] | number;
          dilations: [number, number] | number;
          pad: 'same' | 'valid' | number;
          dimRoundingMode?: 'floor' | 'round' | 'ceil';
          inputShape: [number, number, number, number];
        };
        const info = tf.backend_util.computeConv2DInfo(
          a.inputShape,
          filter.shape as [number, number, number, number],
          a.strides,
          a.dilations,
          a.pad,
          a.dimRoundingMode,
          true,
        );
        const dx = depthwiseBackpropInput(
          be.readSync(dy.dataId),
          dy.shape,
          be.readSync(filter.dataId),
          filter.shape,
          info,
        );
        const out = be.makeOutput(info.inShape, 'float32');
        be.typedArrayFromHeap(out).set(dx);
        return out;
      },
    });
  for (const name of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter'])
    if (!have(name))
      tf.registerKernel({
        kernelName: name,
        backendName: 'wasm',
        kernelFunc: ({ backend, attrs }) => {
          const be = backend as unknown as WasmBackendLike;
          const out = be.makeOutput([...(attrs as unknown as { filterShape: number[] }).filterShape], 'float32');
          be.typedArrayFromHeap(out).fill(0);
          return out;
        },
      });
}
