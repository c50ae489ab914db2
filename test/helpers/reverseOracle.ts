/**
 * Reverse-mode oracle for GraphModel op rules: J·v from tfjs's own gradients on the cpu backend,
 * row by row — (J v_j)_m = ⟨∇_x f_m(x), v_j⟩ with ∇_x f_m = tf.grad of the m-th output component
 * of `model.execute`. It shares no code with the forward rules (tfjs's executor and gradient
 * registry only). For ops tfjs has no gradient for, `oracle: 'fd'` uses central differences on cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { jvpGraphModel } from '../../src/jvp/graphModel';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTestBackend, type TEST_BACKENDS } from './backends';
import { graphFiniteDifference, seededNormal, tinyGraph, type TinyNode } from './opGraph';
import { TOL } from './tolerances';

type Backend = (typeof TEST_BACKENDS)[number];

/** J·v_j for each of the k directions in v [k·B, ...], direction-major, by reverse mode on the current backend. */
export function reverseModeJv(
  model: tf.GraphModel,
  x: tf.Tensor,
  v: tf.Tensor,
  k: number,
  outputNode?: string,
): Float64Array {
  const f = (xx: tf.Tensor) => model.execute(xx, outputNode) as tf.Tensor;
  const n = tf.tidy(() => f(x).size);
  const B = x.shape[0];
  const vs = tf.tidy(() => Array.from({ length: k }, (_, j) => tf.slice(v, [j * B], [B]).dataSync()));
  const out = new Float64Array(k * n);
  for (let m = 0; m < n; m++) {
    const g = tf.tidy(() =>
      tf
        .grad((xx: tf.Tensor) => tf.gather(tf.reshape(f(xx), [-1]), m))(x)
        .dataSync(),
    );
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < g.length; i++) s += g[i] * vs[j][i];
      out[j * n + m] = s;
    }
  }
  return out;
}

/** J·v computed in float64 from a closed form, given x [B, ...] and v [k·B, ...] flat. */
export type ClosedForm = (x: Float32Array, v: Float32Array, k: number) => Float64Array;

export interface OracleCheck {
  tangentRel: number;
  primalRel: number;
  leaked: number;
}

const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / (den || 1);
};

/**
 * Runs jvpGraphModel on `backend` for seeded x [xShape] and k seeded directions, then the oracle
 * on cpu (reverse mode, or central differences with step h for `oracle: 'fd'`), and compares.
 * `oracleModel`: a graph computing the same function from ops tfjs can differentiate (Einsum has
 * no tfjs gradient: its oracle is the equivalent BatchMatMul/Mul/Sum graph); default `model`.
 * Returns the relative errors (max abs difference / max abs oracle) and the tensors leaked.
 */
export async function checkAgainstOracle(
  model: tf.GraphModel,
  xShape: number[],
  backend: Backend,
  opts: {
    k?: number;
    seed?: number;
    margin?: number;
    outputNode?: string;
    oracle?: 'reverse' | 'fd';
    h?: number;
    oracleModel?: tf.GraphModel;
    closedForm?: ClosedForm;
  } = {},
): Promise<OracleCheck> {
  const { k = 2, seed = 1, margin = 0, outputNode, oracle = 'reverse', h = 1e-2 } = opts;
  await setTestBackend(backend);
  const x = seededNormal(xShape, seed, margin);
  const v = seededNormal([k * xShape[0], ...xShape.slice(1)], seed + 100);
  const before = tf.memory().numTensors;
  const d = jvpGraphModel(model, x, v, { k, outputNode });
  const jv = Float64Array.from(d.tangent.dataSync());
  const primal = Float64Array.from(d.primal.dataSync());
  tf.dispose([d.primal, d.tangent]);
  const leaked = tf.memory().numTensors - before;
  const xData = x.dataSync().slice();
  const vData = v.dataSync().slice();
  tf.dispose([x, v]);
  await setTestBackend('cpu');
  const [xc, vc] = [tf.tensor(xData, xShape), tf.tensor(vData, v.shape)];
  const expected = tf.tidy(() => (model.execute(xc, outputNode) as tf.Tensor).dataSync());
  const om = opts.oracleModel ?? model;
  const ref = opts.closedForm
    ? opts.closedForm(xData as Float32Array, vData as Float32Array, k)
    : oracle === 'fd'
      ? graphFiniteDifference(om, xc, vc, k, h, outputNode)
      : reverseModeJv(om, xc, vc, k, outputNode);
  tf.dispose([xc, vc]);
  await setTestBackend(backend);
  return { tangentRel: maxRel(jv, ref), primalRel: maxRel(primal, expected), leaked };
}

export interface OracleCase {
  what: string;
  /** x's shape; the placeholder is [−1, ...shape.slice(1)]. */
  shape: number[];
  nodes: TinyNode[];
  consts?: Record<string, tf.Tensor>;
  oracle?: 'reverse' | 'fd';
  /** A closed-form J·v instead (for ops whose tfjs gradient is wrong or missing). */
  closedForm?: ClosedForm;
  /** Nodes of an equivalent graph for the oracle (same consts). */
  oracleNodes?: TinyNode[];
  outputNode?: string;
  margin?: number;
  tol?: number;
  h?: number;
}

/** Registers one `it` per case and backend: forward mode on that backend vs the cpu oracle, no leak. */
export function oracleSuite(
  title: string,
  cases: OracleCase[],
  backends: readonly Backend[],
  defaultTol: number,
): void {
  for (const backend of backends) {
    describe(`${title} (${backend}) vs an independent oracle`, () => {
      after(() => setTestBackend(backend));
      for (const c of cases) {
        it(`${c.what}: J·v matches ${c.closedForm ? 'the closed form' : c.oracle === 'fd' ? 'central differences on cpu' : 'tf.grad on cpu'}, k = 2`, async () => {
          await setTestBackend(backend);
          const placeholder = [-1, ...c.shape.slice(1)];
          const m = await tinyGraph(placeholder, c.nodes, c.consts ?? {});
          const om = c.oracleNodes ? await tinyGraph(placeholder, c.oracleNodes, c.consts ?? {}) : undefined;
          const r = await checkAgainstOracle(m, c.shape, backend, {
            oracle: c.oracle,
            closedForm: c.closedForm,
            oracleModel: om,
            outputNode: c.outputNode ?? 'y',
            margin: c.margin,
            h: c.h,
          });
          m.dispose();
          om?.dispose();
          assert.equal(r.leaked, 0, `${c.what}: leaked ${r.leaked} tensors`);
          assert.ok(
            r.primalRel <= TOL.float32Reordered,
            `${c.what}: primal differs from cpu model.execute by ${r.primalRel.toExponential(2)} (rel.)`,
          );
          assert.ok(
            r.tangentRel <= (c.tol ?? defaultTol),
            `${c.what}: tangent vs oracle rel. error ${r.tangentRel.toExponential(2)} > ${c.tol ?? defaultTol}`,
          );
        });
      }
    });
  }
}
