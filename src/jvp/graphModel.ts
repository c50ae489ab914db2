/**
 * Forward-mode JVP through a converted TensorFlow graph (tf.GraphModel), op by op (DESIGN §4), by
 * the one program walker (src/jvp/program.ts; the graph is compiled by src/jvp/compileGraph.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { compileGraphModel, executorOf, graphOps, graphOutputs, parseNodeName } from './compileGraph';
import { jvpProgram, type Program, type Step } from './program';
import type { Dual } from './types';

/** Distinct op names in the executed subgraph (for coverage reports and error messages). */
export function graphModelOps(model: tf.GraphModel, outputNode?: string): string[] {
  return graphOps(model, outputNode === undefined ? undefined : resolveOutput(model, outputNode, 'graphModelOps'));
}

function resolveOutput(model: tf.GraphModel, outputNode: string | undefined, fn: string): string {
  const executor = executorOf(model, fn);
  if (outputNode === undefined) {
    const outs = graphOutputs(model).map((o) => o.node);
    if (outs.length !== 1)
      throw new InputError(
        `'${fn}': this GraphModel has ${outs.length} outputs (${outs.join(', ')}); pass opts.outputNode`,
      );
    outputNode = outs[0];
  }
  const [name, index] = parseNodeName(outputNode);
  if (!executor.graph.nodes[name]) {
    throw new InputError(
      `'${fn}': unknown node '${name}' in this GraphModel (${Object.keys(executor.graph.nodes).length} nodes; outputs: ${executor.outputNodes.join(', ')})`,
    );
  }
  return `${name}:${index}`;
}

const programs = new WeakMap<tf.GraphModel, Map<string, Program>>();

/** The graph alone (no preprocess, no adapters) up to `output` ('node:index') as a program, built once. */
export function graphProgram(model: tf.GraphModel, output: string): Program {
  let byKey = programs.get(model);
  if (!byKey) programs.set(model, (byKey = new Map()));
  let p = byKey.get(output);
  if (!p) {
    const steps: Step[] = [];
    const { result, weights } = compileGraphModel(model, steps, { input: true }, output);
    byKey.set(output, (p = { steps, result, protect: new Set(weights) }));
  }
  return p;
}

function checkArgs(x: tf.Tensor, tangent: tf.Tensor, k: number | undefined): number {
  for (const [arg, t] of [
    ['x', x],
    ['tangent', tangent],
  ] as const) {
    if (!(t instanceof tf.Tensor))
      throw new InputError(`argument '${arg}' passed to 'jvpGraphModel' must be a tf.Tensor`);
    if (t.dtype !== 'float32')
      throw new InputError(`argument '${arg}' passed to 'jvpGraphModel' must be float32, got ${t.dtype}`);
  }
  const B = x.shape[0];
  const sameRest = tangent.rank === x.rank && tangent.shape.slice(1).every((d, i) => d === x.shape[i + 1]);
  if (x.rank === 0 || B === 0 || !sameRest || tangent.shape[0] % B !== 0 || tangent.shape[0] === 0) {
    throw new InputError(
      `argument 'tangent' passed to 'jvpGraphModel' must have shape [k·B, ${x.shape.slice(1).join(', ')}] for x of shape [${x.shape.join(', ')}], got [${tangent.shape.join(', ')}]`,
    );
  }
  const inferred = tangent.shape[0] / B;
  if (k !== undefined && k !== inferred) {
    throw new InputError(
      `'jvpGraphModel': opts.k = ${k} but the tangent holds ${inferred} direction(s) of batch ${B} (shape [${tangent.shape.join(', ')}])`,
    );
  }
  return inferred;
}

/**
 * Forward mode through a converted TF graph, op by op, with the rules registered via registerOpRule
 * (src/jvp/registry.ts; `import './rules/ops'` registers the built-in ones).
 *
 * Convention:
 *  - x: the model input as `model.execute` takes it, [B, ...] float32 (for images NHWC, already
 *    preprocessed: this is the net, not net ∘ preprocess).
 *  - tangent: [k·B, ...] float32, k directions stacked on the batch axis, direction-major
 *    (src/jvp/types.ts). opts.k, when given, must match.
 *  - opts.outputNode: a node name ('name' or 'name:i') to stop at; default the model's output.
 *  - returns {primal, tangent}: primal equals `model.execute(x, outputNode)`; tangent is
 *    [k·B', ...] for a primal [B', ...] (J·v per direction, exact in float32 up to rounding).
 *  - memory: returns two new tensors; intermediates are freed as soon as their last consumer ran.
 */
/**
 * Forward mode through a converted TF graph, op by op, with the rules registered via registerOpRule.
 *
 * Convention:
 *  - x: the model input as `model.execute` takes it, [B, ...] float32 (already preprocessed: this
 *    is the net, not the measured model of src/jvp/measured.ts).
 *  - tangent: [k·B, ...] float32, k directions stacked on the batch axis, direction-major
 *    (src/jvp/types.ts). opts.k, when given, must match.
 *  - opts.outputNode: a node name ('name' or 'name:i') to stop at; default the model's output.
 *  - returns {primal, tangent}: primal equals `model.execute(x, outputNode)`; tangent is
 *    [k·B', ...] for a primal [B', ...] (J·v per direction, exact in float32 up to rounding).
 *  - memory: returns two new tensors; intermediates are freed as soon as their last consumer ran.
 */
export function jvpGraphModel(
  model: tf.GraphModel,
  x: tf.Tensor,
  tangent: tf.Tensor,
  opts: { k?: number; outputNode?: string } = {},
): Dual {
  executorOf(model, 'jvpGraphModel');
  const k = checkArgs(x, tangent, opts.k);
  return jvpProgram(graphProgram(model, resolveOutput(model, opts.outputNode, 'jvpGraphModel')), x, tangent, k);
}
