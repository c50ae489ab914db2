import type * as tf from '@tensorflow/tfjs';
import type { ContractOptions } from '../jvp/measured';

/**
 * Per-channel affine preprocessing between [0,1] RGB and the network's input: y = (x − mean) / std.
 * The model the toolkit measures is `net ∘ preprocess` (DESIGN §2), so colour groups act on [0,1] RGB.
 * Identity: mean 0, std 1. "Scale to [−1, 1]": mean 0.5, std 0.5. ImageNet: IMAGENET_PREPROCESS.
 */
export interface Preprocess {
  /** One value per model channel (3 for RGB models; 1 or 3 equal values for grey models). */
  mean: number[];
  std: number[];
}

export const IDENTITY_PREPROCESS: Preprocess = { mean: [0, 0, 0], std: [1, 1, 1] };
export const IMAGENET_PREPROCESS: Preprocess = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * A network together with what the toolkit needs to know to measure it.
 *
 * Convention:
 *  - inputs to the wrapper are NHWC float32 RGB in [0, 1] of size inputSize; `preprocess` maps them
 *    to what `net` expects.
 *  - outputs of `net`: logits or probabilities [B, K] (see `endsInSoftmax`), an embedding [B, D],
 *    or an image-like map [B, h, w, C].
 */
export interface ModelWrapper {
  name: string;
  net: tf.LayersModel | tf.GraphModel;
  /** [height, width] the net expects. */
  inputSize: [number, number];
  preprocess: Preprocess;
  classNames?: string[];
  /** Where it came from (file path, zoo entry, package), for result metadata. */
  source?: string;
  /**
   * What the model's liederiv.json says about the measured function (input range, mean/std,
   * layout, which output); options override it, detection fills the rest (src/jvp/measured.ts).
   */
  contract?: ContractOptions;
}
