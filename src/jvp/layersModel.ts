import type * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { compileLayersModel, type LayersSelection } from './compileLayers';
import { jvpProgram, type Program, type Step, type Value } from './program';
import type { Dual } from './types';

export { cachedLayerGraph } from './compileLayers';

export interface JvpLayersOptions {
  /** Stacked directions: tangent batch = k·B (default tangent.shape[0] / x.shape[0]). */
  k?: number;
  /** Name of a layer (or nested model) whose output is the result (embeddings, features). */
  stopAt?: string;
  /** Return the input of the model's final softmax (DESIGN §1 'logits'); no-op when there is none. */
  stripSoftmax?: boolean;
  /**
   * Called after each layer with its (first) output. Returning a Dual replaces it; the walker then
   * owns the new tensors and frees the replaced ones that are not reused.
   */
  onNode?: (node: { index: number; layer: tf.layers.Layer }, out: Dual) => Dual | void;
}

const programs = new WeakMap<tf.LayersModel, Map<string, Program>>();

/** The net alone (no preprocess, no adapters) as a program, built once per model and selection. */
export function layersProgram(model: tf.LayersModel, sel: LayersSelection): Program {
  const key = JSON.stringify(sel);
  let byKey = programs.get(model);
  if (!byKey) programs.set(model, (byKey = new Map()));
  let p = byKey.get(key);
  if (!p) {
    const steps: Step[] = [];
    const result = compileLayersModel(model, steps, { input: true }, sel);
    byKey.set(key, (p = { steps, result, protect: new Set() }));
  }
  return p;
}

/**
 * Forward-mode J·v through a tf.LayersModel, layer by layer with the registered rules (DESIGN §4),
 * by the one program walker (src/jvp/program.ts).
 *
 * Convention:
 *  - x: the model's input [B, ...]; tangent: [k·B, ...], k directions stacked direction-major.
 *  - returns {primal: f(x) [B, ...], tangent: J·v [k·B, ...]} for the model's output (or the
 *    `stopAt` layer, or the logits with `stripSoftmax`). The caller disposes both.
 *  - inference mode (dropout off, batch norm with moving statistics); no tape, no host syncs.
 */
export function jvpLayersModel(
  model: tf.LayersModel,
  x: tf.Tensor,
  tangent: tf.Tensor,
  opts: JvpLayersOptions = {},
): Dual {
  if (model.inputs.length !== 1)
    throw new InputError(`jvpLayersModel: model '${model.name}' has ${model.inputs.length} inputs; expected 1`);
  const k = opts.k ?? tangent.shape[0] / x.shape[0];
  if (
    !Number.isInteger(k) ||
    k < 1 ||
    tangent.shape[0] !== k * x.shape[0] ||
    tangent.shape.slice(1).join() !== x.shape.slice(1).join()
  ) {
    throw new InputError(
      `jvpLayersModel: tangent must be [k·B, ${x.shape.slice(1).join(', ')}] with k = ${opts.k ?? 'an integer'} and B = ${x.shape[0]}, got [${tangent.shape.join(', ')}]`,
    );
  }
  const onNode = opts.onNode;
  const hook = onNode
    ? (step: Step, index: number, outs: Value[]) => {
        if (!step.layer) return;
        const replaced = onNode({ index, layer: step.layer }, outs[0] as Dual);
        return replaced ? [replaced, ...outs.slice(1)] : undefined;
      }
    : undefined;
  return jvpProgram(layersProgram(model, { layer: opts.stopAt, stripSoftmax: opts.stripSoftmax }), x, tangent, k, hook);
}
