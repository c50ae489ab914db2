/**
 * A model compiled into ordered steps, and the one walker that runs them (DESIGN §4, §10).
 *
 * Every way liederiv evaluates a model — forward-mode J·v (`jvpProgram`), the plain function
 * f(x) for double-vjp, finite differences and the discrete metrics (`applyProgram`), and the
 * layer-wise decomposition (src/lie/layerwise.ts, through `walkSteps` with its own value type) —
 * walks the same `Program`, so which function is measured (preprocess, layout and channel
 * adapters, the net, the selected output, an added softmax) is decided once, when the program is
 * built (src/jvp/measured.ts).
 *
 * Memory: values are reference-counted by their remaining readers; a tensor shared by several
 * live values (identity steps pass theirs through) is freed when the last one dies. Tensors in
 * `protect` (the caller's inputs, a graph's weights) are never freed.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dual } from './types';

/** A step's input: an output of an earlier step, or the program's input. */
export type Ref = { step: number; output: number } | { input: true };

/** A value in forward mode: a Dual when it depends on the image, a plain tensor when it carries no tangent. */
export type Value = Dual | tf.Tensor;

/** What a step is, for tables and the layer-wise attribution. */
export interface StepInfo {
  /** Layer name, graph node name, 'preprocess', 'luma', 'nchw', '<layer>/<activation>', 'softmax (added)'. */
  name: string;
  /** Layer class ('Conv2D'), graph op ('Conv2D' for GraphModels too), or 'Preprocess' / 'Luma' / 'Layout' / 'Softmax'. */
  className: string;
  /** 'layer' (LayersModel), 'op' (GraphModel node), 'adapter' (preprocess, luma, layout), 'head' (added softmax). */
  source: 'layer' | 'op' | 'adapter' | 'head';
}

export interface Step {
  info: StepInfo;
  inputs: Ref[];
  /** The tfjs layer this step calls (layout rules such as Permute read it). */
  layer?: tf.layers.Layer;
  /** A colour action on the input is carried through this step as is (preprocess, channel adapters). */
  transportsColour?: boolean;
  /** The step's outputs never carry a tangent (shape computations, integer results): not a layer of the decomposition. */
  tangentFree?: boolean;
  /** Every group's action is carried through as is: a change of layout (NHWC ↔ NCHW), not a map of the image. */
  transportsAll?: boolean;
  /**
   * Forward mode: one Value per output; k stacked tangent directions (src/jvp/types.ts). Inputs
   * that carry no tangent arrive as plain tensors.
   */
  jvp(ins: Value[], k: number): Value[];
  /** The outputs as tfjs itself computes them (layer.apply, the graph executor): no JVP rule involved. */
  apply(ins: tf.Tensor[]): tf.Tensor[];
}

export interface Program {
  steps: Step[];
  result: Ref;
  /** Tensors the walk must never free (a GraphModel's weights). */
  protect: ReadonlySet<tf.Tensor>;
}

export function isDual(v: unknown): v is Dual {
  return v !== undefined && v !== null && !(v instanceof tf.Tensor) && (v as Dual).primal instanceof tf.Tensor;
}

const refKey = (r: Ref) => ('input' in r ? 'input' : `${r.step}:${r.output}`);

/**
 * The one walker: runs `steps` in order on `input`, each step's outputs computed by `run` (inside
 * a tf.tidy) from its inputs' values, and returns the result's value. Generic in the value type V
 * (forward-mode Values, plain tensors, layer-wise slots); `tensorsOf` lists a value's tensors.
 *
 * Ownership: the walker owns every value `run` returns and frees it after its last reader. The
 * returned value is the caller's: tensors of it that are protected (or the input's) are cloned.
 */
export function walkSteps<V>(
  program: Pick<Program, 'steps' | 'result' | 'protect'>,
  input: V,
  run: (step: Step, ins: V[], index: number) => V[],
  tensorsOf: (v: V) => tf.Tensor[],
  {
    protect = [],
    copy,
  }: { protect?: Iterable<tf.Tensor>; copy?: (v: V, clone: (t: tf.Tensor) => tf.Tensor) => V } = {},
): V {
  const { steps, result } = program;
  const guarded = new Set<tf.Tensor>([...program.protect, ...protect]);
  const uses = new Map<string, number>();
  for (const s of steps) for (const r of s.inputs) uses.set(refKey(r), (uses.get(refKey(r)) ?? 0) + 1);
  uses.set(refKey(result), (uses.get(refKey(result)) ?? 0) + 1);

  const holders = new Map<tf.Tensor, number>();
  const values = new Map<string, V>();
  const hold = (v: V) => tensorsOf(v).forEach((t) => holders.set(t, (holders.get(t) ?? 0) + 1));
  const freeIfUnheld = (t: tf.Tensor) => {
    if (!holders.get(t) && !guarded.has(t) && !t.isDisposed) t.dispose();
  };
  const drop = (v: V) =>
    tensorsOf(v).forEach((t) => {
      holders.set(t, (holders.get(t) ?? 1) - 1);
      freeIfUnheld(t);
    });
  const store = (key: string, v: V) => {
    hold(v);
    values.set(key, v);
  };
  const release = (key: string) => {
    const left = (uses.get(key) ?? 0) - 1;
    uses.set(key, left);
    if (left <= 0 && values.has(key)) {
      drop(values.get(key) as V);
      values.delete(key);
    }
  };

  try {
    if (uses.get('input')) store('input', input);
    for (let s = 0; s < steps.length; s++) {
      const step = steps[s];
      const ins = step.inputs.map((r) => {
        const v = values.get(refKey(r));
        if (v === undefined)
          throw new Error(
            `program walk: step ${s} ('${step.info.name}') reads ${refKey(r)}, which is not computed (internal ordering error)`,
          );
        return v;
      });
      const outs = tf.tidy(() => run(step, ins, s) as tf.TensorContainer) as V[];
      outs.forEach((o, i) => {
        if (uses.get(`${s}:${i}`)) store(`${s}:${i}`, o);
      });
      for (const r of step.inputs) release(refKey(r));
      // Outputs nobody reads (extra outputs of multi-output steps) die now.
      outs.forEach((o) => tensorsOf(o).forEach(freeIfUnheld));
    }
    const key = refKey(result);
    const out = values.get(key);
    if (out === undefined)
      throw new Error(`program walk: the result ${key} was not computed (internal ordering error)`);
    const own = (t: tf.Tensor) => (guarded.has(t) || (holders.get(t) ?? 0) > 1 ? t.clone() : t);
    const mine = copy ? copy(out, own) : out;
    // The result leaves the walk: forget it without freeing what the caller now owns.
    values.delete(key);
    const kept = new Set(tensorsOf(mine));
    tensorsOf(out).forEach((t) => {
      holders.set(t, (holders.get(t) ?? 1) - 1);
      if (!kept.has(t)) freeIfUnheld(t);
    });
    return mine;
  } finally {
    for (const v of values.values()) tensorsOf(v).forEach((t) => holders.set(t, (holders.get(t) ?? 1) - 1));
    for (const v of values.values()) tensorsOf(v).forEach(freeIfUnheld);
    values.clear();
  }
}

function valueTensors(v: Value): tf.Tensor[] {
  return isDual(v) ? [v.primal, v.tangent] : [v];
}

/**
 * Forward-mode J·v through a program (DESIGN §4).
 *
 * Convention:
 *  - x: the program's input [B, ...]; tangent: [k·B, ...], k directions stacked direction-major.
 *  - returns {primal: F(x), tangent: J_F(x)·v} (a zero tangent when the result does not depend on
 *    x); the caller disposes both. Intermediates are freed after their last reader.
 *  - onStep: sees each step's outputs; returning Values replaces them (the walker then owns them).
 */
export function jvpProgram(
  program: Program,
  x: tf.Tensor,
  tangent: tf.Tensor,
  k: number,
  onStep?: (step: Step, index: number, outs: Value[]) => Value[] | void,
): Dual {
  const out = walkSteps<Value>(
    program,
    { primal: x, tangent },
    (step, ins, i) => {
      const outs = step.jvp(ins, k);
      return (onStep && onStep(step, i, outs)) || outs;
    },
    valueTensors,
    {
      protect: [x, tangent],
      copy: (v, own) => (isDual(v) ? { primal: own(v.primal), tangent: own(v.tangent) } : own(v)),
    },
  );
  if (isDual(out)) return out;
  return { primal: out, tangent: tf.zeros([k * (out.shape[0] ?? 1), ...out.shape.slice(1)]) };
}

/** F(x) through a program, every step computed by tfjs itself (Step.apply); differentiable by tf.grad. */
export function applyProgram(program: Program, x: tf.Tensor): tf.Tensor {
  return walkSteps<tf.Tensor>(
    program,
    x,
    (step, ins) => step.apply(ins),
    (t) => [t],
    { protect: [x], copy: (t, own) => own(t) },
  );
}
