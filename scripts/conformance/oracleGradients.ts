/**
 * Gradients tfjs 4.22 lacks but the oracle needs on third-party graphs, registered only where
 * tfjs has none (never replacing its own).
 *
 * StridedSlice (in most converted graphs: Keras `x[:, 1:]`, landmark heads): linear in x, so its
 * VJP is the transpose of the selection. The selection is read off by running the same
 * StridedSlice, with the same attributes, on the flat indices of x: dx = scatter(dy at those
 * indices). Exact, and every mask (begin/end/ellipsis/new-axis/shrink) is handled by tfjs's own
 * forward op.
 */
import * as tf from '@tensorflow/tfjs';

export function ensureOracleGradients(): void {
  if (!tf.getGradient('StridedSlice')) {
    tf.registerGradient({
      kernelName: 'StridedSlice',
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved;
        const a = attrs as unknown as { begin: number[]; end: number[]; strides: number[]; beginMask: number; endMask: number; ellipsisMask: number; newAxisMask: number; shrinkAxisMask: number };
        return {
          x: () =>
            tf.tidy(() => {
              const idx = tf.range(0, x.size, 1, 'int32').reshape(x.shape);
              const picked = tf.stridedSlice(idx, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
              const flat = tf.scatterND(picked.reshape([-1, 1]), (dy as tf.Tensor).reshape([-1]), [x.size]);
              return flat.reshape(x.shape);
            }),
        };
      },
    });
  }
}
