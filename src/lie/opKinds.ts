/**
 * A finer layer kind than src/lie/layerKinds.ts, for "which kinds of layers break equivariance" on
 * real backbones (notebook 08, the paper's Figure 1 centre): it tells depthwise from full
 * convolutions, puts every step that subsamples (a strided convolution, any pooling) under
 * 'pooling/stride', tells a residual add (two carried inputs) from a bias add (one constant), and
 * reads graph ops (`_FusedConv2D`, `AddV2`, `Relu6`, …) as well as layer classes.
 *
 * A converted GraphModel fuses its activation into the convolution (`_FusedConv2D` with fusedOps
 * [biasadd, relu6]); such a step's contribution cannot be split, and its kind says so:
 * 'conv + activation (fused)'. LayersModels have their fused activations split off by layerwise
 * (`<layer>/<activation>`, class 'Activation'), so there the two are separate.
 *
 * Pure lookups on the model's own description (layer configs, graph node attributes); no tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { graphNodeInfo } from '../jvp';

export const OP_KINDS = [
  'conv',
  'depthwise conv',
  'pooling/stride',
  'activation',
  'normalization',
  'residual add',
  'concat',
  'padding',
  'resize',
  'dense',
  'bias/affine',
  'preprocess',
  'other',
] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** Suffix of a graph step whose activation is fused into it. */
export const FUSED_SUFFIX = ' + activation (fused)';

const ACTIVATIONS = new Set([
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Softmax',
  'Relu',
  'Relu6',
  'Elu',
  'Selu',
  'LeakyRelu',
  'Prelu',
  'Sigmoid',
  'Tanh',
  'Softplus',
  'Erf',
  'Gelu',
]);
const NORMS = new Set([
  'BatchNormalization',
  'LayerNormalization',
  'FusedBatchNorm',
  'FusedBatchNormV2',
  'FusedBatchNormV3',
  'Rsqrt',
]);
const POOLS = new Set([
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'BlurPool2D',
  'MaxPool',
  'AvgPool',
  'MaxPoolV2',
  'Mean',
  'Max',
]);
const PADS = new Set(['ZeroPadding2D', 'Pad', 'PadV2', 'MirrorPad', 'Cropping2D']);
const RESIZES = new Set(['Resizing', 'UpSampling2D', 'ResizeBilinear', 'ResizeNearestNeighbor']);
const DENSE = new Set(['Dense', 'MatMul', '_FusedMatMul', 'BatchMatMul', 'BatchMatMulV2', 'Einsum']);
const CONCATS = new Set(['Concatenate', 'Concat', 'ConcatV2']);
const ADDS = new Set(['Add', 'AddV2', 'AddN']);
const AFFINE = new Set(['BiasAdd', 'Mul', 'Sub', 'RealDiv', 'Maximum', 'Minimum']);
const CONV = new Set(['Conv2D', 'Conv2DTranspose', 'SeparableConv2D', '_FusedConv2D', 'Conv2DBackpropInput']);
const DEPTHWISE = new Set(['DepthwiseConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);
const ADAPTERS = new Set(['Preprocess', 'Luma', 'Tile', 'Layout']);
/** fusedOps entries (tfjs-converter spells them in lower case) that are activations. */
const FUSED_ACTIVATIONS = /^(relu|relu6|elu|leakyrelu|prelu|sigmoid|tanh)$/i;

/** Whether a stride list ([sh, sw], or NHWC [1, sh, sw, 1]) moves by more than one pixel. */
function strided(strides: unknown): boolean {
  if (typeof strides === 'number') return strides > 1;
  if (!Array.isArray(strides)) return false;
  const s = strides.length === 4 ? strides.slice(1, 3) : strides;
  return s.some((v) => Number(v) > 1);
}

/**
 * The kind of one step of a measured model (a LayerInfo of src/lie/layerwise.ts: its `name` and
 * `className`), looked up in `net` for strides, fused activations and constant inputs. Returns an
 * OpKind, or for a GraphModel step with a fused activation the base kind + FUSED_SUFFIX.
 */
export function opKind(net: tf.LayersModel | tf.GraphModel, layer: { name: string; className: string }): string {
  const c = layer.className;
  if (ADAPTERS.has(c)) return 'preprocess';
  if (net instanceof tf.GraphModel) {
    const node = graphNodeInfo(net, layer.name);
    const fused = (node?.fusedOps ?? []).some((o) => FUSED_ACTIVATIONS.test(o));
    const base = baseKind(c, strided(node?.strides) || /Pool/.test(c), () => node?.carriedInputs ?? 2);
    return fused && base !== 'activation' ? `${base}${FUSED_SUFFIX}` : base;
  }
  // A split-off fused activation is '<layer>/<activation>' with class 'Activation'.
  let config: Record<string, unknown> = {};
  try {
    config = net.getLayer(layer.name).getConfig() as Record<string, unknown>;
  } catch {
    /* a split activation or the added softmax: not a layer of the net */
  }
  return baseKind(c, strided(config.strides) || POOLS.has(c), () => 2);
}

function baseKind(c: string, subsamples: boolean, carriedInputs: () => number): OpKind {
  if (ACTIVATIONS.has(c)) return 'activation';
  if (NORMS.has(c)) return 'normalization';
  if (POOLS.has(c)) return 'pooling/stride';
  if (CONV.has(c) || DEPTHWISE.has(c))
    return subsamples ? 'pooling/stride' : DEPTHWISE.has(c) ? 'depthwise conv' : 'conv';
  if (PADS.has(c)) return 'padding';
  if (RESIZES.has(c)) return 'resize';
  if (DENSE.has(c)) return 'dense';
  if (CONCATS.has(c)) return 'concat';
  if (ADDS.has(c)) return carriedInputs() >= 2 ? 'residual add' : 'bias/affine';
  // x · g(x) (swish, sigmoid gates) multiplies two carried values: a nonlinearity.
  if (c === 'Mul' && carriedInputs() >= 2) return 'activation';
  if (AFFINE.has(c)) return 'bias/affine';
  return 'other';
}
