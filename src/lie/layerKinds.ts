/**
 * Layer class → kind, for the paper's "which layers break equivariance" grouping (DESIGN §5).
 * One table, keyed by `layer.getClassName()`; classes not listed are 'other'.
 */

export type LayerKind = 'conv' | 'dense' | 'activation' | 'norm' | 'pool' | 'attention' | 'add/merge' | 'other';

export const LAYER_KINDS: readonly LayerKind[] = [
  'conv',
  'dense',
  'activation',
  'norm',
  'pool',
  'attention',
  'add/merge',
  'other',
];

const KIND_OF_CLASS: Record<string, LayerKind> = {
  Conv1D: 'conv',
  Conv2D: 'conv',
  Conv2DTranspose: 'conv',
  Conv3D: 'conv',
  DepthwiseConv2D: 'conv',
  SeparableConv2D: 'conv',
  Dense: 'dense',
  Activation: 'activation',
  ELU: 'activation',
  LeakyReLU: 'activation',
  PReLU: 'activation',
  ReLU: 'activation',
  Softmax: 'activation',
  ThresholdedReLU: 'activation',
  BatchNormalization: 'norm',
  LayerNormalization: 'norm',
  AveragePooling1D: 'pool',
  AveragePooling2D: 'pool',
  BlurPool2D: 'pool',
  ClassTokenPool: 'pool',
  GlobalAveragePooling1D: 'pool',
  GlobalAveragePooling2D: 'pool',
  GlobalMaxPooling1D: 'pool',
  GlobalMaxPooling2D: 'pool',
  MaxPooling1D: 'pool',
  MaxPooling2D: 'pool',
  Attention: 'attention',
  MultiHeadAttention: 'attention',
  MultiHeadSelfAttention: 'attention',
  Add: 'add/merge',
  Average: 'add/merge',
  Concatenate: 'add/merge',
  Dot: 'add/merge',
  Maximum: 'add/merge',
  Minimum: 'add/merge',
  Multiply: 'add/merge',
  Subtract: 'add/merge',
};

/** The kind of a tfjs-layers class name ('Conv2D' → 'conv'); unknown classes are 'other'. */
export function layerKind(className: string): LayerKind {
  return KIND_OF_CLASS[className] ?? 'other';
}
