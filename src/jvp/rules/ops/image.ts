/**
 * Image resampling ops. Each is linear in the image for fixed geometry (sizes, boxes, transform
 * matrices): y = R x, so ẏ = R ẋ — the op itself applied to the tangent with the same attributes
 * (alignCorners, halfPixelCenters, method). Constant fill/extrapolation values add an offset that
 * does not depend on the image, so the tangent is resampled with fill 0.
 *
 * ResizeBilinear / ResizeNearestNeighbor act on each image alone, so the stacked tangent [k·B, ...]
 * goes through in one call. CropAndResize and ImageProjectiveTransformV3 read a per-image index or
 * transform, so they run per direction. Geometry that depends on the image (boxes from a detector
 * head) is refused by name: the rule would need the derivative with respect to the boxes.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { isDual, perDirection, requireConstant } from './dual';

function dualImage(inputs: Array<unknown>, op: string): { primal: tf.Tensor4D; tangent: tf.Tensor4D } {
  const x = inputs[0] as Parameters<typeof isDual>[0];
  if (!isDual(x)) throw new Error(`${op} rule called without a dual image`);
  return x as { primal: tf.Tensor4D; tangent: tf.Tensor4D };
}

const sizeOf = (a: Record<string, unknown>): [number, number] => {
  const s = (a.size as number[]).flat(Infinity) as number[];
  return [s[0], s[1]];
};

export const resizeBilinearRule: OpRule = {
  op: 'ResizeBilinear',
  jvp: ({ inputs, attrs }) => {
    const x = dualImage(inputs, 'ResizeBilinear');
    const resize = (t: tf.Tensor4D) =>
      tf.image.resizeBilinear(t, sizeOf(attrs), Boolean(attrs.alignCorners), Boolean(attrs.halfPixelCenters));
    return [{ primal: resize(x.primal), tangent: resize(x.tangent) }];
  },
};

export const resizeNearestNeighborRule: OpRule = {
  op: 'ResizeNearestNeighbor',
  jvp: ({ inputs, attrs }) => {
    const x = dualImage(inputs, 'ResizeNearestNeighbor');
    const resize = (t: tf.Tensor4D) =>
      tf.image.resizeNearestNeighbor(t, sizeOf(attrs), Boolean(attrs.alignCorners), Boolean(attrs.halfPixelCenters));
    return [{ primal: resize(x.primal), tangent: resize(x.tangent) }];
  },
};

export const cropAndResizeRule: OpRule = {
  op: 'CropAndResize',
  jvp: ({ inputs, attrs, k, name }) => {
    const x = dualImage(inputs, 'CropAndResize');
    const boxes = requireConstant(inputs[1] as never, 'boxes', 'CropAndResize', name) as tf.Tensor2D;
    const boxInd = requireConstant(inputs[2] as never, 'box indices', 'CropAndResize', name) as tf.Tensor1D;
    const cropSize = (attrs.cropSize as number[]).flat(Infinity) as number[];
    const method = (attrs.method as 'bilinear' | 'nearest') ?? 'bilinear';
    const crop = (t: tf.Tensor, fill: number) =>
      tf.image.cropAndResize(t as tf.Tensor4D, boxes, boxInd, [cropSize[0], cropSize[1]], method, fill);
    const primal = crop(x.primal, (attrs.extrapolationValue as number) ?? 0);
    return [{ primal, tangent: tf.tidy(() => perDirection(x.tangent, k, (t) => crop(t, 0))) }];
  },
};

export const imageProjectiveTransformV3Rule: OpRule = {
  op: 'ImageProjectiveTransformV3',
  jvp: ({ inputs, attrs, k, name }) => {
    const x = dualImage(inputs, 'ImageProjectiveTransformV3');
    const transforms = requireConstant(
      inputs[1] as never,
      'transform',
      'ImageProjectiveTransformV3',
      name,
    ) as tf.Tensor2D;
    const interpolation = String(attrs.interpolation).toLowerCase() as 'nearest' | 'bilinear';
    const fillMode = String(attrs.fillMode).toLowerCase() as 'constant' | 'reflect' | 'wrap' | 'nearest';
    const outShape =
      attrs.outputShape === undefined
        ? undefined
        : ((attrs.outputShape as number[]).flat(Infinity) as [number, number]);
    const warp = (t: tf.Tensor, fill: number) =>
      tf.image.transform(t as tf.Tensor4D, transforms, interpolation, fillMode, fill, outShape);
    const primal = warp(x.primal, (attrs.fillValue as number) ?? 0);
    return [{ primal, tangent: tf.tidy(() => perDirection(x.tangent, k, (t) => warp(t, 0))) }];
  },
};
