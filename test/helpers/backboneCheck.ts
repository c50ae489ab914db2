/**
 * Shared by the MobileNetV2-backbone tests: smooth test images, the two groups' tangents, and a
 * finite-difference comparison that reports L2-relative errors (DESIGN §4's oracle).
 */
import * as tf from '@tensorflow/tfjs';
import { imageTangent } from '../../src/groups/tangent';

/** B smooth 224×224 RGB images in [0.25, 0.75]: products of cosines with image-specific frequencies. */
export function smoothImages(B: number, size = 224): tf.Tensor4D {
  const data = new Float32Array(B * size * size * 3);
  const c = (k: number) => -1 + (2 * k) / (size - 1);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++)
        for (let ch = 0; ch < 3; ch++) {
          const a = (0.5 + 0.5 * ch + b) * Math.PI;
          const w = (1.5 - 0.5 * ch + 0.5 * b) * Math.PI;
          data[((b * size + i) * size + j) * 3 + ch] =
            0.5 + 0.25 * Math.cos(a * (c(j) + 1)) * Math.cos(w * (c(i) + 1) + 0.3 * b);
        }
  return tf.tensor4d(data, [B, size, size, 3]);
}

/** The two groups the backbone tests use — one spatial, one colour — stacked direction-major: [2·B, ...]. */
export const TEST_GROUPS = ['rotate', 'hue'] as const;
export function groupTangents(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(
    () =>
      tf.concat(
        TEST_GROUPS.map((g) => imageTangent(x, g)),
        0,
      ) as tf.Tensor4D,
  );
}

/**
 * Per direction j: ‖J·v_j − FD_j‖₂ / ‖FD_j‖₂ with FD_j = (f(x + h v_j) − f(x − h v_j)) / 2h.
 * `jv` is the stacked forward-mode tangent [k·B, ...]; f maps [B, ...] → [B, ...].
 */
export function fdRelL2(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  v: tf.Tensor,
  jv: tf.Tensor,
  h: number,
): number[] {
  const B = x.shape[0];
  const k = v.shape[0] / B;
  const errors: number[] = [];
  for (let j = 0; j < k; j++) {
    errors.push(
      tf.tidy(() => {
        const vj = tf.slice(v, [j * B], [B]);
        const fd = tf.div(tf.sub(f(tf.add(x, tf.mul(vj, h))), f(tf.sub(x, tf.mul(vj, h)))), 2 * h);
        const jvj = tf.slice(jv, [j * B], [B]);
        return tf.norm(tf.sub(jvj, fd)).dataSync()[0] / tf.norm(fd).dataSync()[0];
      }),
    );
  }
  return errors;
}
