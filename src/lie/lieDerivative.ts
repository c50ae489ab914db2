import * as tf from '@tensorflow/tfjs';
import { assertImages } from '../checks';
import { InputError } from '../errors';
import { featureTangent, getGroup, imageTangent, type Coordinates, type Difference, type Group } from '../groups';
import { spatialCoefficients } from '../groups/generators';
import {
  checkOutputFits,
  detectInput,
  jvpMeasured,
  measuredModel,
  type ContractOptions,
  type JvpMethod,
  type MeasuredModel,
} from '../jvp';
import { IDENTITY_PREPROCESS, type ModelWrapper } from '../models/model';

/** 'probs' | 'logits' (DESIGN §1), or the name of a tensor (layer, graph node, signature key) whose output is measured. */
export type OutputMode = 'probs' | 'logits' | string;

export interface LieOptions extends ContractOptions {
  /** Discrete derivative of the image tangent (default 'central', DESIGN §3). */
  difference?: Difference;
  /**
   * 'normalized' (default, the paper's: each axis scaled to [−1, 1]) or 'isotropic' (one pixel
   * scale on both axes, so rotate is rigid on non-square images); identical on square images (DESIGN §2).
   */
  coordinates?: Coordinates;
  /** JVP engine (default 'forward'). */
  method?: JvpMethod;
  /** Gaussian width in pixels for difference 'gaussian'. */
  sigma?: number;
  /** Step for method 'fd'. */
  fdStep?: number;
  /**
   * Images per JVP pass (each pass holds (1 + D)·n rows, D = propagated directions); default: as
   * many as keep (1 + D)·n·H·W ≤ DEFAULT_PASS_PIXELS, so large inputs are chunked, small ones not.
   */
  imagesPerPass?: number;
}

/**
 * Input pixels (rows × H × W) one JVP pass may hold by default: 2¹⁷, i.e. with all nine spatial
 * groups (7 rows per image) 18 images at 32², 23 at 28² and 1 at 224². Peak memory follows the
 * pass (wasm's heap never shrinks) while speed does not: nine groups, 2 wasm threads, SmallCNN
 * batch 64 in passes of 64 / 32 / 16 images: 371 / 289 / 240 MiB at 5.4 / 5.8 / 5.2 ms per image;
 * ResNet-18 batch 8 in passes of 8 / 2 / 1: 1926 / 769 / 578 MiB at 793 / 858 / 874 ms (±8%).
 */
export const DEFAULT_PASS_PIXELS = 2 ** 17;

/**
 * Which tangent directions to propagate. J and everything after it are linear in L x, and a
 * spatial group's L x is linear in its generator (L x = X_u ∂_u x + X_v ∂_v x, X = G p), so
 * spatial groups are combinations of the ≤ 6 affine basis groups (`spatialCoefficients`). When
 * the basis groups they use are fewer than the groups (all nine spatial groups: 6 < 9), the
 * basis is propagated and each group's result is recombined: `coef` [G, D], row g = group g's
 * coefficients. Colour groups are propagated as themselves.
 */
function directionPlan(gs: Group[]): { directions: Group[]; coef: number[][] | null } {
  const spatial = gs.filter((g) => g.kind === 'spatial');
  const terms = new Map(spatial.map((g) => [g, spatialCoefficients(g.generator)]));
  const basisNames = [...new Set(spatial.flatMap((g) => terms.get(g)!.map(([, name]) => name)))];
  if (basisNames.length >= spatial.length) return { directions: gs, coef: null };
  const directions = [...basisNames.map((n) => getGroup(n)), ...gs.filter((g) => g.kind !== 'spatial')];
  const coef = gs.map((g) => {
    const row = new Array<number>(directions.length).fill(0);
    if (g.kind === 'spatial') for (const [c, name] of terms.get(g)!) row[basisNames.indexOf(name)] = c;
    else row[directions.indexOf(g)] = 1;
    return row;
  });
  return { directions, coef };
}

type Net = tf.LayersModel | tf.GraphModel;

function isNet(m: unknown): m is Net {
  return m instanceof tf.LayersModel || m instanceof tf.GraphModel;
}

/** A bare tfjs net as a ModelWrapper: identity preprocessing, input size from its input shape. */
export function asModelWrapper(model: ModelWrapper | Net): ModelWrapper {
  if (!isNet(model)) {
    if (!model || !isNet((model as ModelWrapper).net))
      throw new InputError('expected a ModelWrapper, tf.LayersModel or tf.GraphModel');
    return model;
  }
  const name = model instanceof tf.LayersModel ? model.name : 'graph-model';
  let inputSize: [number, number] = [0, 0];
  try {
    inputSize = detectInput(model, name).size; // read in the net's own layout (NCHW too)
  } catch {
    // Not an image model the contract accepts: measuring it will say why, with the model's name.
  }
  return { name, net: model, inputSize, preprocess: IDENTITY_PREPROCESS };
}

/** The contract options of a call (the rest of LieOptions are about the derivative, not the function). */
export function contractOf(opts: ContractOptions): ContractOptions {
  const { output, inputRange, mean, std, layout } = opts;
  return { output, inputRange, mean, std, layout };
}

/**
 * The measured model for a call on `images` (src/jvp/measured.ts), after checking the images:
 * NHWC float32 in [0, 1], RGB or 1-channel, at the model's input size (any size for a net that
 * accepts any). Colour groups need RGB images.
 */
export function measuredFor(
  w: ModelWrapper,
  images: tf.Tensor4D,
  fn: string,
  opts: ContractOptions,
  groups: Group[] = [],
): MeasuredModel {
  assertImages(images, fn, 'images', [1, 3]);
  const [, H, W, C] = images.shape;
  // The images' size stands in for a size the model leaves open (used then for the probe run).
  const m = measuredModel(w, contractOf(opts), [H, W]);
  const [h, wd] = m.input.size;
  if ((h && h !== H) || (wd && wd !== W)) {
    throw new InputError(
      `${fn}: model '${w.name}' expects ${h}×${wd} images, got ${H}×${W} (resize them first, e.g. loadImageFolder(dir, {size: [${h}, ${wd}]}))`,
    );
  }
  const colour = groups.filter((g) => g.kind !== 'spatial');
  if (C === 1 && colour.length)
    throw new InputError(
      `${fn}: colour groups (${colour.map((g) => g.name).join(', ')}) act on RGB; the images are 1-channel. Give RGB images or spatial groups only`,
    );
  return m;
}

/** Images fit the model (measuredFor without keeping the result): for entry points that measure later. */
export function checkModelImages(w: ModelWrapper, images: tf.Tensor4D, fn: string, opts: ContractOptions = {}): void {
  measuredFor(w, images, fn, contractOf(opts));
}

/**
 * Per group the Lie derivative L f(x) = J_f(x)·(L x) of the chosen output (DESIGN §1), for a
 * batch of images; all groups share one primal pass (their tangents stacked on the batch axis).
 * Image-like outputs ([N, h, w, C]) are equivariant maps: L f = J·(L x) − L_out f(x).
 *
 * Convention:
 *  - images: [N, H, W, 3] float32 RGB in [0, 1] at the model's inputSize; the wrapper's
 *    preprocess (x − mean)/std is applied inside, so colour groups act on [0, 1] RGB.
 *  - t in normalized units (DESIGN §2); returns per group lie: [N, K], the output flattened
 *    per image (K = classes, embedding size, or h·w·C). The caller disposes each `lie`.
 *  - cost: one primal plus D tangent directions per image, D ≤ 6 for any number of spatial groups
 *    (+1 per colour group; see `directionPlan`); images are chunked by `imagesPerPass`.
 *  - memory: all intermediates are disposed; no host syncs except the input range check.
 */
export async function lieDerivative(
  model: ModelWrapper | Net,
  images: tf.Tensor4D,
  groups: Array<string | Group>,
  opts: LieOptions = {},
): Promise<Array<{ group: string; lie: tf.Tensor2D }>> {
  const w = asModelWrapper(model);
  if (!Array.isArray(groups) || groups.length === 0)
    throw new InputError('lieDerivative: groups must be a non-empty array of group names or Group objects');
  const gs = groups.map((g) => getGroup(g));
  const m = measuredFor(w, images, 'lieDerivative', opts, gs);
  const [N, H, W, C] = images.shape;
  const program = m.program(C as 1 | 3);
  const G = gs.length;
  const tangentOpts = { difference: opts.difference ?? 'central', sigma: opts.sigma, coordinates: opts.coordinates };
  const { directions, coef } = directionPlan(gs);
  const D = directions.length;
  const perPass =
    m.input.batch === 'one'
      ? 1
      : (opts.imagesPerPass ?? Math.max(1, Math.floor(DEFAULT_PASS_PIXELS / ((1 + D) * H * W))));
  if (!Number.isInteger(perPass) || perPass < 1)
    throw new InputError(`lieDerivative: imagesPerPass must be a positive integer, got ${opts.imagesPerPass}`);
  /** [G, n, K] for images [n, H, W, C]: one shared primal, D stacked directions. */
  const pass = (imgs: tf.Tensor4D): tf.Tensor3D =>
    tf.tidy(() => {
      const n = imgs.shape[0];
      const lx = tf.concat(
        directions.map((g) => imageTangent(imgs, g, tangentOpts)),
        0,
      );
      const d = jvpMeasured(program, imgs, lx, { method: opts.method, k: D, fdStep: opts.fdStep });
      checkOutputFits(m, d.primal.shape);
      const primal = d.primal;
      let tangent = d.tangent;
      // Recombine the basis directions into the groups: [G, D] @ [D, n·K].
      if (coef)
        tangent = tf.matMul(tf.tensor2d(coef), tangent.reshape([D, -1])).reshape([G * n, ...tangent.shape.slice(1)]);
      if (primal.rank === 4)
        tangent = tf.sub(
          tangent,
          tf.concat(
            gs.map((g) => featureTangent(primal, g, tangentOpts)),
            0,
          ),
        );
      return tangent.reshape([G, n, -1]) as tf.Tensor3D;
    });
  const lies = tf.tidy(() => {
    if (perPass >= N) return tf.unstack(pass(images)) as tf.Tensor2D[];
    // Chunks of images bound the memory of one pass; each keeps its own shared primal.
    const parts: tf.Tensor3D[] = [];
    for (let start = 0; start < N; start += perPass) {
      const n = Math.min(perPass, N - start);
      parts.push(tf.tidy(() => pass(tf.slice(images, [start, 0, 0, 0], [n, -1, -1, -1]))));
    }
    return tf.unstack(tf.concat(parts, 1)) as tf.Tensor2D[];
  });
  return gs.map((g, i) => ({ group: g.name, lie: lies[i] }));
}

export { endsInSoftmax } from '../jvp';
