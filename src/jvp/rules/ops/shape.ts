/**
 * Structural ops: linear maps that move, copy or drop values. Each applies itself to the tangent,
 * per direction where its arguments (shapes, slices, paddings) could mention the batch axis; a
 * constant operand (in Concat, Pack) contributes a zero tangent.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { fold, isDual, perDirection, primalOf, requireConstant, reshapeTangent, unfold, type OpInput } from './dual';

function dualX(inputs: OpInput[], op: string, index = 0): { primal: tf.Tensor; tangent: tf.Tensor } {
  const x = inputs[index];
  if (!isDual(x)) throw new Error(`${op} rule called without a dual input`);
  return x;
}

const flat = (v: unknown): number[] => (Array.isArray(v) ? (v.flat(Infinity) as number[]) : [v as number]);
const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** An op whose output is a reshape of its input: the tangent is reshaped per direction. */
function reshapeLike(op: string, compute: (x: tf.Tensor, attrs: Record<string, unknown>) => tf.Tensor): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const x = dualX(inputs, op);
      const primal = compute(x.primal, attrs);
      return [{ primal, tangent: reshapeTangent(x.tangent, k, primal.shape) }];
    },
  };
}

export const reshapeRule = reshapeLike('Reshape', (x, a) => tf.reshape(x, flat(a.shape)));
export const squeezeRule = reshapeLike('Squeeze', (x, a) => tf.squeeze(x, a.axis as number[]));
export const expandDimsRule = reshapeLike('ExpandDims', (x, a) => tf.expandDims(x, a.axis as number));
export const identityRule = reshapeLike('Identity', (x) => tf.clone(x));
/**
 * StopGradient is the identity in the forward pass, so the derivative of the function the graph
 * computes passes through it (a straight-through x + sg(round(x) − x) has derivative 0, not ẋ):
 * it only stops reverse-mode training gradients.
 */
export const stopGradientRule = reshapeLike('StopGradient', (x) => tf.clone(x));
export const castRule = reshapeLike('Cast', (x, a) => tf.cast(x, a.dtype as tf.DataType));

export const transposeRule: OpRule = {
  op: 'Transpose',
  jvp: ({ inputs, attrs, k }) => {
    const x = dualX(inputs, 'Transpose');
    const perm = flat(attrs.perm);
    const primal = tf.transpose(x.primal, perm);
    const tangent = tf.tidy(() =>
      fold(tf.transpose(unfold(x.tangent, k, x.primal.shape), [0, ...perm.map((p) => p + 1)])),
    );
    return [{ primal, tangent }];
  },
};

/** A linear op applied with the primal's arguments to each direction's tangent block. */
function perDirectionLinear(
  op: string,
  compute: (x: tf.Tensor, attrs: Record<string, unknown>, forTangent: boolean) => tf.Tensor,
  index = 0,
): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const x = dualX(inputs, op, index);
      const primal = compute(x.primal, attrs, false);
      return [{ primal, tangent: tf.tidy(() => perDirection(x.tangent, k, (t) => compute(t, attrs, true))) }];
    },
  };
}

const paddings = (a: Record<string, unknown>) => a.padding as Array<[number, number]>;
// The tangent of a constant pad value is 0.
export const padRule = perDirectionLinear('Pad', (x, a, forTangent) =>
  tf.pad(x, paddings(a), forTangent ? 0 : (a.constantValue as number)),
);
export const padV2Rule = perDirectionLinear('PadV2', (x, a, forTangent) =>
  tf.pad(x, paddings(a), forTangent ? 0 : (a.constantValue as number)),
);
export const mirrorPadRule = perDirectionLinear('MirrorPad', (x, a) =>
  tf.mirrorPad(x, paddings(a), a.mode as 'reflect' | 'symmetric'),
);
export const sliceRule = perDirectionLinear('Slice', (x, a) => tf.slice(x, flat(a.begin), flat(a.size)));
export const stridedSliceRule = perDirectionLinear('StridedSlice', (x, a) =>
  tf.stridedSlice(
    x,
    flat(a.begin),
    flat(a.end),
    flat(a.strides),
    a.beginMask as number,
    a.endMask as number,
    a.ellipsisMask as number,
    a.newAxisMask as number,
    a.shrinkAxisMask as number,
  ),
);
export const tileRule = perDirectionLinear('Tile', (x, a) => tf.tile(x, flat(a.reps)));
function gather(op: 'GatherV2' | 'Gather'): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k, name }) => {
      const x = dualX(inputs, op);
      const indices = requireConstant(inputs[1], 'indices', op, name)!;
      const axis = op === 'GatherV2' ? (attrs.axis as number) : 0;
      const batchDims = op === 'GatherV2' ? (attrs.batchDims as number) : 0;
      const take = (t: tf.Tensor) => tf.tidy(() => tf.gather(t, tf.cast(indices, 'int32'), axis, batchDims));
      return [{ primal: take(x.primal), tangent: tf.tidy(() => perDirection(x.tangent, k, take)) }];
    },
  };
}
export const gatherV2Rule = gather('GatherV2');
export const gatherRule = gather('Gather');

/** Tangents of the concatenated/stacked operands, [k, ...shape] each (zeros for constants). */
function unfoldedOperands(operands: OpInput[], k: number, shape?: number[]): tf.Tensor[] {
  return operands.map((v) =>
    isDual(v) ? unfold(v.tangent, k, shape ?? v.primal.shape) : tf.zeros([k, ...(shape ?? v.shape)]),
  );
}

function concat(op: 'ConcatV2' | 'Concat'): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const n = attrs.n as number;
      const operands = (op === 'ConcatV2' ? inputs.slice(0, -1) : inputs.slice(1)).slice(0, n);
      const axis = attrs.axis as number;
      const primal = tf.concat(operands.map(primalOf), axis);
      const tangent = tf.tidy(() => fold(tf.concat(unfoldedOperands(operands, k), normAxis(axis, primal.rank) + 1)));
      return [{ primal, tangent }];
    },
  };
}
export const concatV2Rule = concat('ConcatV2');
export const concatRule = concat('Concat');

export const packRule: OpRule = {
  op: 'Pack',
  jvp: ({ inputs, attrs, k }) => {
    const axis = attrs.axis as number;
    const shape = primalOf(inputs[0]).shape; // tfjs reshapes the others to the first's shape
    const primal = tf.tidy(() =>
      tf.stack(
        inputs.map((v) => tf.reshape(primalOf(v), shape)),
        axis,
      ),
    );
    const tangent = tf.tidy(() => fold(tf.stack(unfoldedOperands(inputs, k, shape), normAxis(axis, primal.rank) + 1)));
    return [{ primal, tangent }];
  },
};

function splitting(op: 'Split' | 'SplitV' | 'Unpack'): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const x = dualX(inputs, op, op === 'Split' ? 1 : 0);
      const axis = normAxis(attrs.axis as number, x.primal.rank);
      const u = unfold(x.tangent, k, x.primal.shape);
      if (op === 'Unpack') {
        const primals = tf.unstack(x.primal, axis);
        const tangents = tf.tidy(() => tf.unstack(u, axis + 1).map(fold));
        return primals.map((primal, i) => ({ primal, tangent: tangents[i] }));
      }
      const sizes = attrs.numOrSizeSplits as number | number[];
      const primals = tf.split(x.primal, sizes, axis);
      const tangents = tf.tidy(() => tf.split(u, sizes, axis + 1).map(fold));
      return primals.map((primal, i) => ({ primal, tangent: tangents[i] }));
    },
  };
}
export const splitRule = splitting('Split');
export const splitVRule = splitting('SplitV');
export const unpackRule = splitting('Unpack');
