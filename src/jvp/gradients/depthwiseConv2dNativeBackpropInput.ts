import * as tf from '@tensorflow/tfjs';

type Attrs = {
  strides: [number, number] | number;
  pad: 'same' | 'valid' | number;
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/**
 * Second-order gradient of DepthwiseConv2dNativeBackpropInput (missing in tfjs 4.22), for method
 * 'double-vjp' through depthwise convolutions. dx = BPI(dy, f) is the adjoint of x ↦ dwconv(x, f),
 * bilinear in (dy, f): ∂⟨ddx, dx⟩/∂dy = dwconv(ddx, f), ∂⟨ddx, dx⟩/∂f = the filter gradient of
 * dwconv at input ddx and output gradient dy.
 */
export const depthwiseConv2dNativeBackpropInputGradConfig: tf.GradConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [dy, filter] = saved as tf.Tensor4D[];
    const { strides, pad, dilations, dimRoundingMode } = attrs as Attrs;
    const x = ddx as tf.Tensor4D;
    return {
      dy: () => tf.depthwiseConv2d(x, filter, strides, pad, 'NHWC', dilations, dimRoundingMode),
      filter: () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
          strides,
          pad,
          dilations,
          dimRoundingMode,
          filterShape: filter.shape,
        } as tf.NamedAttrMap) as tf.Tensor,
    };
  },
};
