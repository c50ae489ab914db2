import * as tf from '@tensorflow/tfjs';

/** A deterministic smooth RGB batch [n, h, w, 3] in [0, 1] (sums of sines), no randomness. */
export function smoothImages(n: number, h: number, w: number): tf.Tensor4D {
  const data = new Float32Array(n * h * w * 3);
  let k = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let c = 0; c < 3; c++)
          data[k++] =
            0.5 + 0.25 * Math.sin(0.7 * j + 0.3 * i + b + c) + 0.2 * Math.cos(0.45 * i - 0.2 * j * (c + 1) + 0.5 * b);
  return tf.tensor4d(data, [n, h, w, 3]);
}

/** f(x) = flatten(x): the output is the image itself (K = h·w·3), so metrics reduce to pixel maths. */
export function identityModel(h: number, w: number): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.flatten({ inputShape: [h, w, 3] })] });
}

/** Logits = W·flatten(x) with fixed pseudo-random weights (a linear model, no softmax layer). */
export function linearModel(h: number, w: number, k = 5): tf.LayersModel {
  const m = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [h, w, 3] }), tf.layers.dense({ units: k, useBias: true })],
  });
  const n = h * w * 3;
  const W = Float32Array.from({ length: n * k }, (_, i) => Math.sin(1.3 * i) * 0.2);
  m.layers[1].setWeights([tf.tensor2d(W, [n, k]), tf.tensor1d(Array.from({ length: k }, (_, i) => 0.1 * i))]);
  return m;
}

/** Logits = per-channel global average (exactly invariant to circular shifts). */
export function gapModel(h: number, w: number): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.globalAveragePooling2d({ inputShape: [h, w, 3] })] });
}
