import * as tf from '@tensorflow/tfjs';
import { InputError, UnknownNameError } from '../errors';
import { finalSoftmax, withoutActivation } from './finalSoftmax';
import { layerGraph, nodeNamed, type LayerGraph, type LayerNode } from './layerGraph';
import { layerRuleFor } from './registry';
import './rules';
import { tidyDual } from './tile';
import type { Dual } from './types';

export interface JvpLayersOptions {
  /** Stacked directions: tangent batch = k·B (default tangent.shape[0] / x.shape[0]). */
  k?: number;
  /** Name of a layer (or nested model) whose output is the result (embeddings, features). */
  stopAt?: string;
  /** Return the input of the model's final softmax (DESIGN §1 'logits'); no-op when there is none. */
  stripSoftmax?: boolean;
  /**
   * Called after each node with its (first) output. Returning a Dual replaces it; the walker then
   * owns the new tensors and disposes the replaced ones that are not reused.
   */
  onNode?: (node: LayerNode, out: Dual) => Dual | void;
}

const graphs = new WeakMap<tf.LayersModel, LayerGraph>();
/** The model's graph, built once per model object. */
export function cachedLayerGraph(model: tf.LayersModel): LayerGraph {
  let g = graphs.get(model);
  if (!g) graphs.set(model, (g = layerGraph(model)));
  return g;
}

/** The node index whose output is the result, and whether its activation must be stripped. */
export function resultNode(graph: LayerGraph, opts: { stopAt?: string; stripSoftmax?: boolean }): { node: number; strip: boolean; viaInput: boolean } {
  if (opts.stopAt !== undefined) {
    const n = nodeNamed(graph, opts.stopAt);
    if (!n) throw new UnknownNameError('layer', opts.stopAt, graph.nodes.map((m) => m.layer.name));
    return { node: n.index, strip: false, viaInput: false };
  }
  const out = graph.outputs[0].node;
  const fs = opts.stripSoftmax ? finalSoftmax(graph) : undefined;
  if (!fs) return { node: out, strip: false, viaInput: false };
  return fs.kind === 'layer' ? { node: out, strip: false, viaInput: true } : { node: out, strip: true, viaInput: false };
}

/**
 * Forward-mode J·v through a tf.LayersModel, layer by layer with the registered rules (DESIGN §4).
 *
 * Convention:
 *  - x: the model's input [B, ...]; tangent: [k·B, ...], k directions stacked direction-major.
 *  - returns {primal: f(x) [B, ...], tangent: J·v [k·B, ...]} for the model's first output (or the
 *    `stopAt` layer, or the logits with `stripSoftmax`). The caller disposes both.
 *  - inference mode (dropout off, batch norm with moving statistics); no tape, no host syncs.
 *  - memory: each layer runs in its own tidy; intermediates are freed after their last use.
 */
export function jvpLayersModel(model: tf.LayersModel, x: tf.Tensor, tangent: tf.Tensor, opts: JvpLayersOptions = {}): Dual {
  if (model.inputs.length !== 1) throw new InputError(`jvpLayersModel: model '${model.name}' has ${model.inputs.length} inputs; expected 1`);
  const k = opts.k ?? tangent.shape[0] / x.shape[0];
  if (!Number.isInteger(k) || k < 1 || tangent.shape[0] !== k * x.shape[0] || tangent.shape.slice(1).join() !== x.shape.slice(1).join()) {
    throw new InputError(`jvpLayersModel: tangent must be [k·B, ${x.shape.slice(1).join(', ')}] with k = ${opts.k ?? 'an integer'} and B = ${x.shape[0]}, got [${tangent.shape.join(', ')}]`);
  }
  const graph = cachedLayerGraph(model);
  const target = resultNode(graph, opts);

  // Reference counts: how many later nodes (and the result) read each (node, output) value.
  const uses = new Map<string, number>();
  const key = (node: number, output: number) => `${node}:${output}`;
  for (const n of graph.nodes.slice(0, target.node + 1)) {
    for (const r of n.inputs) if ('node' in r) uses.set(key(r.node, r.output), (uses.get(key(r.node, r.output)) ?? 0) + 1);
  }
  // Each tensor is counted once per live value holding it (identity layers pass theirs through),
  // and freed when no live value holds it. The caller's x and tangent are never freed here.
  const holders = new Map<tf.Tensor, number>();
  const hold = (d: Dual) => [d.primal, d.tangent].forEach((t) => holders.set(t, (holders.get(t) ?? 0) + 1));
  const freeIfUnheld = (t: tf.Tensor) => {
    if (!holders.get(t) && t !== x && t !== tangent) t.dispose();
  };
  const release = (d: Dual) =>
    [d.primal, d.tangent].forEach((t) => {
      holders.set(t, (holders.get(t) ?? 1) - 1);
      freeIfUnheld(t);
    });
  const values = new Map<string, Dual>();
  const input: Dual = { primal: x, tangent };

  let result: Dual | undefined;
  try {
    for (const node of graph.nodes.slice(0, target.node + 1)) {
      const ins = node.inputs.map((r) => ('node' in r ? (values.get(key(r.node, r.output)) as Dual) : input));
      const isTarget = node.index === target.node;
      let outs: Dual[];
      if (isTarget && target.viaInput) {
        outs = [{ primal: ins[0].primal, tangent: ins[0].tangent }];
      } else {
        const layer = isTarget && target.strip ? withoutActivation(node.layer) : node.layer;
        const rule = layerRuleFor(node.layer);
        outs = tidyDual(() => {
          const o = rule.jvp({ layer, inputs: ins, k });
          return Array.isArray(o) ? o : [o];
        });
        if (opts.onNode) {
          const replaced = opts.onNode(node, outs[0]);
          if (replaced) {
            const old = outs[0];
            outs = [replaced, ...outs.slice(1)];
            for (const t of [old.primal, old.tangent]) if (t !== replaced.primal && t !== replaced.tangent) freeIfUnheld(t);
          }
        }
      }
      outs.forEach((d, output) => {
        if ((isTarget && output === 0) || uses.get(key(node.index, output))) hold(d);
        if (!(isTarget && output === 0) && uses.get(key(node.index, output))) values.set(key(node.index, output), d);
      });
      if (isTarget) result = outs[0];
      for (const r of node.inputs) {
        if (!('node' in r)) continue;
        const kk = key(r.node, r.output);
        const left = (uses.get(kk) ?? 0) - 1;
        uses.set(kk, left);
        if (left === 0) {
          release(values.get(kk) as Dual);
          values.delete(kk);
        }
      }
      // Outputs nobody reads (extra outputs of multi-output layers).
      outs.forEach((d) => [d.primal, d.tangent].forEach(freeIfUnheld));
      if (isTarget) break;
    }
  } finally {
    for (const d of values.values()) release(d);
    values.clear();
  }
  const r = result as Dual;
  // The caller owns what it gets: copy the caller's own tensors if the model passed them through.
  return { primal: r.primal === x ? x.clone() : r.primal, tangent: r.tangent === tangent ? tangent.clone() : r.tangent };
}
