/**
 * Tiny hand-written TensorFlow graphs for testing GraphModel op rules, and the finite-difference
 * oracle for them. The oracle runs tfjs-converter's own executor (`model.execute`), which shares no
 * code with the JVP rules, so it is independent of what it checks.
 */
import * as tf from '@tensorflow/tfjs';
import { jvpGraphModel } from '../../src/jvp/graphModel';
import '../../src/jvp/rules/ops';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Attribute values in the JSON form of TF's AttrValue proto, as model.json stores them. */
export const attr = {
  s: (v: string) => ({ s: b64(v) }),
  strs: (v: string[]) => ({ list: { s: v.map(b64) } }),
  ints: (v: number[]) => ({ list: { i: v.map(String) } }),
  i: (v: number) => ({ i: String(v) }),
  f: (v: number) => ({ f: v }),
  b: (v: boolean) => ({ b: v }),
  type: (t: 'DT_FLOAT' | 'DT_INT32' = 'DT_FLOAT') => ({ type: t }),
};

export interface TinyNode {
  name: string;
  op: string;
  input: string[];
  attr?: Record<string, unknown>;
}

const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });

/**
 * A GraphModel with one float32 placeholder 'x' of `inputShape` (−1 = any), constants `consts`
 * (float32 or int32 tensors, stored as weights like converted models do) and `nodes`; the output is
 * the last node unless it has consumers.
 */
export async function tinyGraph(
  inputShape: number[],
  nodes: TinyNode[],
  consts: Record<string, tf.Tensor> = {},
  {
    signature,
    inputDtype = 'DT_FLOAT',
  }: { signature?: Record<string, unknown>; inputDtype?: 'DT_FLOAT' | 'DT_INT32' } = {},
): Promise<tf.GraphModel> {
  const constNodes: TinyNode[] = Object.entries(consts).map(([name, t]) => {
    const dtype = t.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    return {
      name,
      op: 'Const',
      input: [],
      attr: { value: { tensor: { dtype, tensorShape: dims(t.shape) } }, dtype: attr.type(dtype) },
    };
  });
  const placeholder: TinyNode = {
    name: 'x',
    op: 'Placeholder',
    input: [],
    attr: { shape: { shape: dims(inputShape) }, dtype: attr.type(inputDtype) },
  };
  const weightSpecs = Object.entries(consts).map(([name, t]) => ({
    name,
    shape: t.shape,
    dtype: t.dtype as 'float32' | 'int32',
  }));
  const buffers = Object.values(consts).map(
    (t) => new Uint8Array((t.dataSync() as Float32Array | Int32Array).slice().buffer),
  );
  const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.length;
  }
  const modelTopology = {
    node: [placeholder, ...constNodes, ...nodes].map((n) => ({ ...n, attr: { T: attr.type(), ...n.attr } })),
    versions: { producer: 1 },
  };
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology,
      weightSpecs,
      weightData: weightData.buffer,
      format: 'graph-model',
      ...(signature ? { signature } : {}),
    }),
  );
}

export interface GraphJvpCheck {
  /** max |primal − model.execute(x)| (the rules reuse tfjs's calls, so this should be 0). */
  primalMaxAbs: number;
  /** max |J v − FD| / max |FD| over all directions. */
  tangentRel: number;
  /** The forward-mode tangent and the FD reference, direction-major, as float64. */
  jv: Float64Array;
  fd: Float64Array;
}

/** Central differences (f(x + h v_j) − f(x − h v_j)) / 2h per direction j, evaluated by tfjs's executor. */
export function graphFiniteDifference(
  model: tf.GraphModel,
  x: tf.Tensor,
  v: tf.Tensor,
  k: number,
  h: number,
  outputNode?: string,
): Float64Array {
  const parts: Float64Array[] = [];
  const B = x.shape[0];
  for (let j = 0; j < k; j++) {
    const [plus, minus] = tf.tidy(() => {
      const vj = tf.slice(v, [j * B], [B]);
      const run = (s: number) => model.execute(tf.add(x, tf.mul(vj, s)), outputNode) as tf.Tensor;
      return [run(h).dataSync(), run(-h).dataSync()];
    });
    parts.push(Float64Array.from(plus, (p, i) => (p - minus[i]) / (2 * h)));
  }
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  parts.forEach((p, j) => out.set(p, j * p.length));
  return out;
}

/** Runs jvpGraphModel on (x, v) and compares with model.execute and with central differences. */
export function checkGraphJvp(
  model: tf.GraphModel,
  x: tf.Tensor,
  v: tf.Tensor,
  opts: { h: number; outputNode?: string },
): GraphJvpCheck {
  const k = v.shape[0] / x.shape[0];
  const { primal, tangent } = jvpGraphModel(model, x, v, { outputNode: opts.outputNode });
  const expected = model.execute(x, opts.outputNode) as tf.Tensor;
  const p = primal.dataSync();
  const e = expected.dataSync();
  let primalMaxAbs = p.length === e.length ? 0 : Infinity;
  for (let i = 0; i < e.length; i++) primalMaxAbs = Math.max(primalMaxAbs, Math.abs(p[i] - e[i]));
  const jv = Float64Array.from(tangent.dataSync());
  tf.dispose([primal, tangent, expected]);
  const fd = graphFiniteDifference(model, x, v, k, opts.h, opts.outputNode);
  let num = 0;
  let den = 0;
  for (let i = 0; i < fd.length; i++) {
    num = Math.max(num, Math.abs(jv[i] - fd[i]));
    den = Math.max(den, Math.abs(fd[i]));
  }
  return { primalMaxAbs, tangentRel: jv.length === fd.length ? num / (den || 1) : Infinity, jv, fd };
}

/** Deterministic N(0, 1) values (seeded), bounded away from 0 by `margin` when asked (keeps ReLU-type kinks out of the FD step). */
export function seededNormal(shape: number[], seed: number, margin = 0): tf.Tensor {
  return tf.tidy(() => {
    const r = tf.randomNormal(shape, 0, 1, 'float32', seed);
    return margin > 0 ? tf.mul(tf.sign(r), tf.add(tf.abs(r), margin)) : r;
  });
}

/**
 * Asserts, for seeded random x [xShape] and k random directions, that jvpGraphModel's primal equals
 * model.execute exactly, its tangent matches central differences to `tol` (relative to max |FD|),
 * and it leaves tf.memory().numTensors unchanged. Returns the measured check for reporting.
 */
export function assertGraphJvp(
  model: tf.GraphModel,
  xShape: number[],
  opts: { k?: number; h: number; tol: number; seed?: number; margin?: number; outputNode?: string; what?: string },
): GraphJvpCheck {
  const { k = 2, seed = 1, margin = 0, what = 'graph' } = opts;
  const x = seededNormal(xShape, seed, margin);
  const v = seededNormal([k * xShape[0], ...xShape.slice(1)], seed + 100);
  const before = tf.memory().numTensors;
  const { primal, tangent } = jvpGraphModel(model, x, v, { k, outputNode: opts.outputNode });
  tf.dispose([primal, tangent]);
  const leaked = tf.memory().numTensors - before;
  const check = checkGraphJvp(model, x, v, { h: opts.h, outputNode: opts.outputNode });
  tf.dispose([x, v]);
  if (leaked !== 0) throw new Error(`${what}: jvpGraphModel leaked ${leaked} tensor(s)`);
  if (check.primalMaxAbs !== 0) throw new Error(`${what}: primal differs from model.execute by ${check.primalMaxAbs}`);
  if (!(check.tangentRel <= opts.tol))
    throw new Error(
      `${what}: tangent vs central differences rel. error ${check.tangentRel.toExponential(2)} > ${opts.tol}`,
    );
  return check;
}
