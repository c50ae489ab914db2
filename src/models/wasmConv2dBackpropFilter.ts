import * as tf from '@tensorflow/tfjs';

/**
 * The wasm backend (tfjs 4.22) has no Conv2DBackpropFilter kernel, so no conv net can be trained or
 * double-differentiated on it, and the cpu backend trains ~10× slower (plain JavaScript loops).
 * This kernel fills the gap with ops wasm has,
 *   dW[a, b, ci, co] = Σ_{n,i,j} x_pad[n, i·s + a, j·s + b, ci] · dy[n, i, j, co]:
 * at stride 1 that is itself a 'valid' convolution of x_pad (channels ci as the batch, n as the
 * channels) with dy as the filter — one XNNPACK call (training steps ~2× faster than im2col);
 * other strides use im2col by (strided) slices and one matmul.
 * Registered only where no kernel exists (never replacing tfjs's own), by `ensureWasmConv2dBackpropFilter`.
 */
function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (liederiv wasm kernel): only NHWC is supported');
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  // Copy the inputs into ordinary tensors (cheap next to the matmul) so the maths is plain tf ops,
  // and copy the small result back as a fresh backend buffer the engine can own.
  const values = tf.tidy(() => {
    const xT = tf.tensor4d(backend.readSync(x.dataId) as Float32Array, x.shape as [number, number, number, number], 'float32');
    const dyT = tf.tensor4d(backend.readSync(dy.dataId) as Float32Array, dy.shape as [number, number, number, number], 'float32');
    const { top, bottom, left, right } = info.padInfo;
    const xPad = tf.pad(xT, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    const [n, ho, wo, co] = dyT.shape;
    const [kh, kw, ci] = attrs.filterShape;
    if (info.strideHeight === 1 && info.strideWidth === 1) {
      // [ci, Hp, Wp, n] ⊛ [ho, wo, n, co] → [ci, kh, kw, co] (Hp − ho + 1 = kh at stride 1)
      const out = tf.conv2d(tf.transpose(xPad, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(dyT, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid');
      return tf.transpose(out, [1, 2, 0, 3]).dataSync() as Float32Array;
    }
    const cols: tf.Tensor[] = [];
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const patch = tf.stridedSlice(xPad, [0, a, b, 0], [n, a + (ho - 1) * info.strideHeight + 1, b + (wo - 1) * info.strideWidth + 1, ci], [1, info.strideHeight, info.strideWidth, 1]);
        cols.push(patch.reshape([n * ho * wo, ci]));
      }
    }
    const im2col = tf.concat(cols, 1); // [N·Ho·Wo, kh·kw·ci], (a, b, ci) row-major like the filter
    return tf.matMul(im2col, dyT.reshape([n * ho * wo, co]), true, false).dataSync() as Float32Array;
  });
  return { dataId: backend.write(values, attrs.filterShape, 'float32'), shape: attrs.filterShape, dtype: 'float32' };
}

/** Registers the wasm Conv2DBackpropFilter kernel above unless one exists; returns whether it did. */
export function ensureWasmConv2dBackpropFilter(): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return false;
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc });
  return true;
}
