import * as tf from '@tensorflow/tfjs';
import { assertImages } from '../checks';
import { InputError } from '../errors';
import { featureTangent, getGroup, imageTangent, type Difference, type Group } from '../groups';
import { jvp, type JvpMethod } from '../jvp';
import { softmaxTangent } from '../jvp/activations';
import { finalSoftmax } from '../jvp/finalSoftmax';
import { graphEndsInSoftmax } from '../jvp/graphOutput';
import { cachedLayerGraph } from '../jvp/layersModel';
import { IDENTITY_PREPROCESS, type ModelWrapper } from '../models/model';

/** 'probs' | 'logits' (DESIGN §1), or the name of a layer/node whose output is the embedding. */
export type OutputMode = 'probs' | 'logits' | string;

export interface LieOptions {
  /** Which output to differentiate (default 'probs'). */
  output?: OutputMode;
  /** Discrete derivative of the image tangent (default 'central', DESIGN §3). */
  difference?: Difference;
  /** JVP engine (default 'forward'). */
  method?: JvpMethod;
  /** Gaussian width in pixels for difference 'gaussian'. */
  sigma?: number;
  /** Step for method 'fd'. */
  fdStep?: number;
}

type Net = tf.LayersModel | tf.GraphModel;

function isNet(m: unknown): m is Net {
  return m instanceof tf.LayersModel || m instanceof tf.GraphModel;
}

/** A bare tfjs model as a ModelWrapper: identity preprocessing, input size from its input shape. */
export function asModelWrapper(model: ModelWrapper | Net): ModelWrapper {
  if (!isNet(model)) {
    if (!model || !isNet((model as ModelWrapper).net)) throw new InputError('expected a ModelWrapper, tf.LayersModel or tf.GraphModel');
    return model;
  }
  const shape = (model.inputs[0]?.shape ?? []) as Array<number | null>;
  const size: [number, number] = [shape[1] ?? 0, shape[2] ?? 0];
  return { name: model instanceof tf.LayersModel ? model.name : 'graph-model', net: model, inputSize: size, preprocess: IDENTITY_PREPROCESS };
}

/** Whether the net's output ends in a softmax (DESIGN §1: then 'probs' is its output). */
export function endsInSoftmax(net: Net): boolean {
  return net instanceof tf.GraphModel ? graphEndsInSoftmax(net) : finalSoftmax(cachedLayerGraph(net)) !== undefined;
}

/** How an output mode maps onto the JVP walk: which value to stop at, and a softmax to add on top. */
function outputPlan(net: Net, output: OutputMode): { stopAt?: string; stripSoftmax?: boolean; addSoftmax: boolean } {
  if (output === 'probs') return { addSoftmax: !endsInSoftmax(net) };
  if (output === 'logits') return { stripSoftmax: true, addSoftmax: false };
  return { stopAt: output, addSoftmax: false };
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
 *  - memory: all intermediates are disposed; no host syncs except the input range check.
 */
export async function lieDerivative(
  model: ModelWrapper | Net,
  images: tf.Tensor4D,
  groups: Array<string | Group>,
  opts: LieOptions = {},
): Promise<Array<{ group: string; lie: tf.Tensor2D }>> {
  const w = asModelWrapper(model);
  assertImages(images, 'lieDerivative');
  const [N, H, W] = images.shape;
  const [h, wd] = w.inputSize;
  if ((h && h !== H) || (wd && wd !== W)) {
    throw new InputError(`lieDerivative: model '${w.name}' expects ${h}×${wd} images, got ${H}×${W} (resize them first, e.g. loadImageFolder(dir, {size: [${h}, ${wd}]}))`);
  }
  if (!Array.isArray(groups) || groups.length === 0) throw new InputError('lieDerivative: groups must be a non-empty array of group names or Group objects');
  const gs = groups.map((g) => getGroup(g));
  const G = gs.length;
  const plan = outputPlan(w.net, opts.output ?? 'probs');
  const tangentOpts = { difference: opts.difference ?? 'central', sigma: opts.sigma };
  const lies = tf.tidy(() => {
    const lx = tf.concat(gs.map((g) => imageTangent(images, g, tangentOpts)), 0);
    const { mean, std } = w.preprocess;
    const identity = mean.every((m) => m === 0) && std.every((s) => s === 1);
    const x = identity ? images : tf.div(tf.sub(images, tf.tensor1d(mean)), tf.tensor1d(std));
    const v = identity ? lx : tf.div(lx, tf.tensor1d(std));
    const d = jvp(w.net, x, v, { method: opts.method, k: G, stopAt: plan.stopAt, stripSoftmax: plan.stripSoftmax, fdStep: opts.fdStep });
    let primal = d.primal;
    let tangent = d.tangent;
    if (plan.addSoftmax) {
      primal = tf.softmax(primal);
      tangent = softmaxTangent(primal, tangent, G);
    }
    if (primal.rank === 4) tangent = tf.sub(tangent, tf.concat(gs.map((g) => featureTangent(primal, g, tangentOpts)), 0));
    return tf.unstack(tangent.reshape([G, N, -1])) as tf.Tensor2D[];
  });
  return gs.map((g, i) => ({ group: g.name, lie: lies[i] }));
}
