/**
 * Linear ops beyond shape.ts: pass-throughs (IdentityN, Snapshot, EnsureShape, Print, FakeQuant…), block
 * rearrangements (DepthToSpace, SpaceToBatchND, BatchToSpaceND — the latter two are how converted
 * graphs express dilated convolutions), ReverseV2/Reverse, BroadcastTo, Cumsum, GatherNd and the
 * transposed convolution Conv2DBackpropInput (decoders, segmentation heads). Each is linear in
 * its image input, so the tangent goes through the op itself with the primal's arguments — per
 * direction wherever an argument (output shape, block shape, axis, indices) can involve the batch.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dual, OpRule } from '../../types';
import { convParams } from './convParams';
import { fold, isDual, perDirection, requireConstant, type OpInput } from './dual';

const flat = (v: unknown): number[] => (Array.isArray(v) ? (v.flat(Infinity) as number[]) : [v as number]);

function dualAt(inputs: OpInput[], op: string, index = 0): Dual {
  const x = inputs[index];
  if (!isDual(x)) throw new Error(`${op} rule called without a dual input`);
  return x;
}

/** A linear op: primal through `f`, tangent through `f` per direction (or at once when batch-free). */
function linear(
  op: string,
  f: (x: tf.Tensor, attrs: Record<string, unknown>, inputs: OpInput[], name: string) => tf.Tensor,
  opts: { index?: number; batchFree?: boolean } = {},
): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k, name }) => {
      const x = dualAt(inputs, op, opts.index);
      const primal = f(x.primal, attrs, inputs, name);
      const tangent = tf.tidy(() =>
        opts.batchFree
          ? f(x.tangent, attrs, inputs, name)
          : perDirection(x.tangent, k, (t) => f(t, attrs, inputs, name)),
      );
      return [{ primal, tangent }];
    },
  };
}

/** IdentityN: every input passes through; a constant one gets a zero tangent. */
export const identityNRule: OpRule = {
  op: 'IdentityN',
  jvp: ({ inputs, k }) =>
    inputs
      .filter((v) => v !== undefined)
      .map((v) =>
        isDual(v)
          ? { primal: tf.clone(v.primal), tangent: tf.clone(v.tangent) }
          : { primal: tf.clone(v), tangent: tf.tidy(() => fold(tf.zeros([k, ...v.shape]))) },
      ),
};
/** Print passes its first input through; the message is not printed (the library does not print). */
export const printRule = linear('Print', (x) => tf.clone(x), { batchFree: true });
/** tfjs's executor ignores FakeQuantWithMinMaxVars (identity), so its derivative here is the identity too. */
export const fakeQuantWithMinMaxVarsRule = linear('FakeQuantWithMinMaxVars', (x) => tf.clone(x), { batchFree: true });
export const snapshotRule = linear('Snapshot', (x) => tf.clone(x), { batchFree: true });
/** EnsureShape checks the primal's shape as tfjs's executor does (the batch may be fixed there) and passes the tangent through. */
export const ensureShapeRule: OpRule = {
  op: 'EnsureShape',
  jvp: ({ inputs, attrs }) => {
    const x = dualAt(inputs, 'EnsureShape');
    return [{ primal: tf.ensureShape(x.primal, flat(attrs.shape)), tangent: tf.clone(x.tangent) }];
  },
};

export const depthToSpaceRule = linear(
  'DepthToSpace',
  (x, a) =>
    tf.depthToSpace(
      x as tf.Tensor4D,
      a.blockSize as number,
      ((a.dataFormat as string | undefined) ?? 'NHWC').toUpperCase() as 'NHWC' | 'NCHW',
    ),
  { batchFree: true },
);
export const spaceToBatchNDRule = linear('SpaceToBatchND', (x, a) =>
  tf.spaceToBatchND(x, flat(a.blockShape), a.paddings as number[][]),
);
export const batchToSpaceNDRule = linear('BatchToSpaceND', (x, a) =>
  tf.batchToSpaceND(x, flat(a.blockShape), a.crops as number[][]),
);
export const reverseV2Rule = linear('ReverseV2', (x, a) => tf.reverse(x, flat(a.axis)));
export const reverseRule = linear('Reverse', (x, a) =>
  tf.reverse(
    x,
    (a.dims as boolean[]).flatMap((d, i) => (d ? [i] : [])),
  ),
);
export const broadcastToRule = linear('BroadcastTo', (x, a) => tf.broadcastTo(x, flat(a.shape)));
export const cumsumRule = linear('Cumsum', (x, a) =>
  tf.cumsum(x, a.axis as number, Boolean(a.exclusive), Boolean(a.reverse)),
);
export const gatherNdRule = linear('GatherNd', (x, _a, inputs, name) =>
  tf.gatherND(x, requireConstant(inputs[1], 'indices', 'GatherNd', name)!),
);

/**
 * Conv2DBackpropInput (conv2d_transpose): y = Wᵀ ⋆ x is linear in x (input 2); the filter (input 1)
 * must be constant. Its output-shape argument names the batch, so directions run one by one.
 */
export const conv2dBackpropInputRule = linear(
  'Conv2DBackpropInput',
  (x, a, inputs, name) => {
    const filter = requireConstant(inputs[1], 'filter', 'Conv2DBackpropInput', name) as tf.Tensor4D;
    const p = convParams(a);
    const shape = flat(a.outputShape) as [number, number, number, number];
    return tf.conv2dTranspose(
      x as tf.Tensor4D,
      filter,
      [x.shape[0], shape[1], shape[2], shape[3]],
      p.strides,
      p.pad as 'same',
    );
  },
  { index: 2 },
);
