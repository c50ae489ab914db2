import * as tf from '@tensorflow/tfjs';

/**
 * The wasm backend (tfjs 4.22) has no Conv2DBackpropFilter kernel, so no conv net can be trained or
 * double-differentiated on it, and the cpu backend trains ~10× slower (plain JavaScript loops).
 * This kernel fills the gap with ops wasm has,
 *   dW[a, b, ci, co] = Σ_{n,i,j} x_pad[n, i·s + a, j·s + b, ci] · dy[n, i, j, co]:
 * that is itself a 'valid' convolution of x_pad (channels ci as the batch, n as the channels) with
 * dy as the filter, dilated by the stride — one XNNPACK call. (It replaced im2col by slices, which
 * on wasm copy their whole input per filter tap: training steps got ~2× faster.)
 * Registered only where no kernel exists (never replacing tfjs's own), by `ensureWasmConv2dBackpropFilter`.
 */
function conv2dBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (attrs.dataFormat === 'NCHW')
    throw new Error('Conv2DBackpropFilter (liederiv wasm kernel): only NHWC is supported');
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  // Copy the inputs into ordinary tensors (cheap next to the matmul) so the maths is plain tf ops,
  // and copy the small result back as a fresh backend buffer the engine can own.
  const values = tf.tidy(() => {
    const xT = tf.tensor4d(
      backend.readSync(x.dataId) as Float32Array,
      x.shape as [number, number, number, number],
      'float32',
    );
    const dyT = tf.tensor4d(
      backend.readSync(dy.dataId) as Float32Array,
      dy.shape as [number, number, number, number],
      'float32',
    );
    const { top, bottom, left, right } = info.padInfo;
    const xPad = tf.pad(xT, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
    const co = dyT.shape[3];
    const [kh, kw, ci] = attrs.filterShape;
    // [ci, Hp, Wp, n] ⊛ [ho, wo, n, co] with dilation = stride → [ci, ≥kh, ≥kw, co]: output row a
    // reads input rows a + i·s, exactly x_pad[n, i·s + a]; rows past kh (when (Hp − kh) is not a
    // multiple of s) are cut off.
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const conv = tf.conv2d(
      tf.transpose(xPad, [3, 1, 2, 0]) as tf.Tensor4D,
      tf.transpose(dyT, [1, 2, 0, 3]) as tf.Tensor4D,
      1,
      'valid',
      'NHWC',
      [sh, sw],
    );
    const out = conv.shape[1] === kh && conv.shape[2] === kw ? conv : tf.slice(conv, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(out, [1, 2, 0, 3]).dataSync() as Float32Array;
  });
  return { dataId: backend.write(values, attrs.filterShape, 'float32'), shape: attrs.filterShape, dtype: 'float32' };
}

/** Registers the wasm Conv2DBackpropFilter kernel above unless one exists; returns whether it did. */
export function ensureWasmConv2dBackpropFilter(): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return false;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilter as tf.KernelFunc,
  });
  return true;
}
