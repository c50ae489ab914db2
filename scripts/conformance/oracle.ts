/**
 * The reverse-mode oracle of the conformance suite, independent of src/jvp: the measured function
 * F(x) = select(net(adapt(preprocess(x)))) (DESIGN §10) is rebuilt here from the manifest's
 * contract, and (J_F v)_k = ⟨∇F_k(x), v⟩ comes from tfjs's own gradients (`tf.grad`) on whatever
 * backend is current (the suite runs it on cpu), dotted with the image tangent v = L x of each
 * group (src/groups, the definition of the groups, not of the JVP engine). For image-like outputs
 * the Lie derivative of an equivariant map subtracts the output's own tangent (DESIGN §1):
 * L F = J v − L_out F(x).
 *
 * Cost: one backward pass per cotangent; all groups share it (⟨J^T u, v_g⟩ for every g).
 */
import * as tf from '@tensorflow/tfjs';
import { featureTangent, imageTangent, LUMA_WEIGHTS } from '../../src/groups';
import { rangeAsAffine, type Contract, type Measure } from './manifest';
import { oracleGraphModel } from './oracleGraph';
import { withActivationsSplit } from './oracleLayers';

type Net = tf.LayersModel | tf.GraphModel;

/** F: [n, H, W, 3] RGB in [0, 1] → the measured output in its own shape [n, ...]. */
export function measuredFunction(
  net: Net,
  c: Contract,
  measure: Measure | undefined = c.measure,
): (x: tf.Tensor4D) => tf.Tensor {
  const { mean, std } = rangeAsAffine(c);
  const m = measure ?? {};
  let layersFn: ((x: tf.Tensor) => tf.Tensor) | undefined;
  if (net instanceof tf.LayersModel) {
    if (m.layer) {
      const layer = net.getLayer(m.layer);
      if (m.preActivation) {
        if (layer.getClassName() !== 'Dense')
          throw new Error(
            `oracle: preActivation is implemented for Dense layers only, '${m.layer}' is ${layer.getClassName()}`,
          );
        const sub = tf.model({ inputs: net.inputs, outputs: layer.input as tf.SymbolicTensor });
        const [kernel, bias] = layer.getWeights();
        layersFn = (x) => {
          const h = sub.apply(x, { training: false }) as tf.Tensor;
          return bias
            ? tf.add(tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D), bias)
            : tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D);
        };
      } else {
        const sub = tf.model({ inputs: net.inputs, outputs: layer.output as tf.SymbolicTensor });
        layersFn = (x) => sub.apply(x, { training: false }) as tf.Tensor;
      }
    } else layersFn = (x) => net.apply(x, { training: false }) as tf.Tensor;
    const inner = layersFn;
    layersFn = (x) => withExplicitBatchNorm(net, () => inner(x));
  }
  // The same function as DESIGN §10's F — channels, then preprocess, then layout — evaluated in the
  // same float arithmetic as the measured program (src/jvp/measured.ts: luma first, then x·(1/std) +
  // (−mean/std) with both factors rounded from float64 once): the oracle must differentiate at the
  // point lee does, and in float32 (x − mean)/std is another point, an ulp away, which in deep ReLU
  // nets can lie across a kink.
  const ch = c.channels === 1 ? 1 : 3;
  if (ch === 1 && !(mean.every((v) => v === mean[0]) && std.every((v) => v === std[0])))
    throw new Error('oracle: a 1-channel contract needs one mean and one std');
  const scale = std.slice(0, ch).map((s) => 1 / s);
  const offset = mean.slice(0, ch).map((m, i) => (0 - m) / std[i]);
  const affine = scale.some((v) => v !== 1) || offset.some((v) => v !== 0);
  const graph = net instanceof tf.GraphModel ? oracleGraphModel(net) : undefined;
  return (x) => {
    let y: tf.Tensor = x;
    if (ch === 1) y = tf.sum(tf.mul(y, tf.tensor1d([...LUMA_WEIGHTS])), -1, true);
    if (affine) y = tf.add(tf.mul(y, tf.tensor1d(scale)), tf.tensor1d(offset));
    if (c.layout === 'nchw') y = tf.transpose(y, [0, 3, 1, 2]);
    let out: tf.Tensor;
    if (layersFn) out = withActivationsSplit(net as tf.LayersModel, () => layersFn!(y));
    else {
      const g = graph!;
      const node = m.node ?? (g.outputNodes.length === 1 ? g.outputNodes[0] : undefined);
      if (!node)
        throw new Error(
          `oracle: the manifest must name the measured node of this ${g.outputNodes.length}-output graph`,
        );
      out = g.execute(y, node) as tf.Tensor;
    }
    return m.softmax ? tf.softmax(out.reshape([out.shape[0], -1])) : out;
  };
}

interface BatchNormLayer {
  call: (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor;
  axis: number;
  epsilon: number;
  gamma: { read(): tf.Tensor } | null;
  beta: { read(): tf.Tensor } | null;
  movingMean: { read(): tf.Tensor };
  movingVariance: { read(): tf.Tensor };
}

/** The BatchNormalization layers of a LayersModel (nested models included) built without scale or without center. */
function batchNormsWithoutParams(net: tf.LayersModel): BatchNormLayer[] {
  const out: BatchNormLayer[] = [];
  const visit = (layers: tf.layers.Layer[]) => {
    for (const l of layers) {
      if (l instanceof tf.LayersModel) visit(l.layers);
      else if (l.getClassName() === 'BatchNormalization') {
        const bn = l as unknown as BatchNormLayer;
        if (bn.gamma == null || bn.beta == null) out.push(bn);
      }
    }
  };
  visit(net.layers);
  return out;
}

/**
 * Runs `f` with each BatchNormalization layer of `net` that has no scale (Keras `scale=False`, as in
 * every InceptionV3) or no center evaluated through tf.batchNorm with explicit ones / zeros.
 * Why: tfjs-layers passes `null` for the missing parameter to tf.batchNorm, and tfjs-core 4.22's
 * FusedBatchNorm gradient saves `scale` for the backward pass (`inputsToSave: [..., 'scale']`), so
 * under `tf.grad` the engine clones `undefined` ("Cannot read properties of undefined (reading
 * 'dtype')" on wasm, "'dataId'" on cpu); a null offset fails in backpropagation the same way. The
 * value is unchanged: multiplying by 1 and adding 0 are exact. The layers are patched only while
 * `f` runs (the model is shared with `lee`).
 */
export function withExplicitBatchNorm<T>(net: tf.LayersModel, f: () => T): T {
  const layers = batchNormsWithoutParams(net);
  if (layers.length === 0) return f();
  const saved = layers.map((l) => Object.prototype.hasOwnProperty.call(l, 'call'));
  const own = layers.map((l) => l.call);
  layers.forEach((l) => {
    l.call = (inputs) =>
      tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const axis = l.axis >= 0 ? l.axis : l.axis + x.rank;
        const c = x.shape[axis];
        // Parameters broadcast along `axis` (rank x.rank, as tf.batchNorm requires of all four).
        const shape = x.shape.map((d, i) => (i === axis ? c : 1));
        const p = (t: tf.Tensor) => (axis === x.rank - 1 ? t : t.reshape(shape));
        const gamma = l.gamma ? l.gamma.read() : tf.ones([c]);
        const beta = l.beta ? l.beta.read() : tf.zeros([c]);
        return tf.batchNorm(x, p(l.movingMean.read()), p(l.movingVariance.read()), p(beta), p(gamma), l.epsilon);
      });
  });
  try {
    return f();
  } finally {
    layers.forEach((l, i) => {
      if (saved[i]) l.call = own[i];
      else delete (l as Partial<BatchNormLayer>).call;
    });
  }
}

export interface OracleResult {
  /** [G][C] ⟨u_c, L F⟩ for each cotangent u_c. */
  projections: number[][];
}

/**
 * For one image x [1, H, W, 3]: ⟨u_c, L_g F(x)⟩ for each group g and cotangent u_c (flat, length K),
 * by reverse mode: ⟨J^T u_c, L_g x⟩ − ⟨u_c, L_out,g F(x)⟩ (the second term for image-like outputs).
 * Cotangents are taken in order; after the first, none is started past `deadline` (ms since the
 * epoch), so `projections[g]` may be shorter than `cotangents`. Runs on the current backend;
 * leaves no tensors behind.
 */
export function oracleProjections(
  F: (x: tf.Tensor4D) => tf.Tensor,
  x: tf.Tensor4D,
  groups: string[],
  cotangents: Float32Array[],
  deadline = Infinity,
): OracleResult {
  return tf.tidy(() => {
    const v = groups.map((g) => imageTangent(x, g));
    const primal = F(x);
    const K = primal.size;
    const outTangent = primal.rank === 4 ? groups.map((g) => featureTangent(primal, g).reshape([-1])) : null;
    const projections = groups.map(() => [] as number[]);
    for (const [c, u] of cotangents.entries()) {
      if (c > 0 && Date.now() > deadline) break;
      if (u.length !== K) throw new Error(`oracle: cotangent of length ${u.length} for ${K} outputs`);
      tf.tidy(() => {
        const ut = tf.tensor1d(u);
        const grad = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(F(z as tf.Tensor4D).reshape([-1]), ut)))(x);
        groups.forEach((_, g) => {
          let p = tf.sum(tf.mul(grad, v[g])).dataSync()[0];
          if (outTangent) p -= tf.sum(tf.mul(ut, outTangent[g])).dataSync()[0];
          projections[g].push(p);
        });
      });
    }
    return { projections };
  });
}

/** Deterministic N(0, 1) values (Box–Muller on a 32-bit LCG): the oracle's random cotangents. */
export function gaussianVector(n: number, seed: number): Float32Array {
  let s = (seed * 2654435761 + 1) >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return out;
}

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

export interface Comparison {
  /** Worst relative error over groups (components and probes). */
  relError: number;
  perGroup: number[];
  checked: number;
  /** Random cotangents evaluated. */
  probes: number;
  K: number;
  /** The same error for `also` (another answer for the same image, e.g. lee on another backend), on the same cotangents. */
  alsoRelError?: number;
  /** Smallest share of ‖L_g F‖ carried by the checked components, over groups. */
  coverage: number;
  /** The components checked (indices into K) and the oracle's projections [G][components..., probes...]. */
  chosen: number[];
  projections: number[][];
}

/** ‖p − q‖/‖q‖ worst over groups, on the cotangents both computed: how far two oracles' answers are apart. */
export function projectionSpread(p: number[][], q: number[][]): number {
  return Math.max(
    ...q.map((qg, g) => {
      const n = Math.min(qg.length, p[g].length);
      let num = 0;
      let den = 0;
      for (let c = 0; c < n; c++) {
        num += (p[g][c] - qg[c]) ** 2;
        den += qg[c] ** 2;
      }
      return den > 0 ? Math.sqrt(num / den) : num > 0 ? Infinity : 0;
    }),
  );
}

/**
 * Compares the library's Lie derivatives `lie[g]` (length K each, one image) with the oracle:
 * exactly on all components when K ≤ maxComponents, else on the `components` largest ones (by
 * |lie_gk|/‖lie_g‖ over groups), plus `probes` random Gaussian cotangents over all K components
 * (E⟨u, a − b⟩² = ‖a − b‖²: a sketch that catches errors outside the checked components).
 * `also`: a second answer scored on the same cotangents (no extra backward pass).
 */
export function compareImage(
  F: (x: tf.Tensor4D) => tf.Tensor,
  x: tf.Tensor4D,
  groups: string[],
  lie: Float32Array[],
  {
    components = 4,
    maxComponents = 8,
    probes = 2,
    seed = 0,
    deadline = Infinity,
    also,
    chosen: fixedChosen,
  }: {
    components?: number;
    maxComponents?: number;
    probes?: number;
    seed?: number;
    deadline?: number;
    also?: Float32Array[];
    chosen?: number[];
  } = {},
): Comparison {
  const K = lie[0].length;
  const norms = lie.map(norm);
  let chosen: number[];
  if (K <= maxComponents) chosen = [...Array(K).keys()];
  else if (fixedChosen)
    chosen = fixedChosen.slice(); // the same cotangents as another oracle run (oracle vs oracle)
  else {
    const score = new Float32Array(K);
    lie.forEach((a, g) => {
      if (norms[g] > 0) for (let k = 0; k < K; k++) score[k] = Math.max(score[k], Math.abs(a[k]) / norms[g]);
    });
    chosen = Array.from(score.keys())
      .sort((a, b) => score[b] - score[a])
      .slice(0, components);
  }
  const cot = chosen.map((k) => {
    const e = new Float32Array(K);
    e[k] = 1;
    return e;
  });
  let probeVecs =
    K <= maxComponents ? [] : Array.from({ length: probes }, (_, i) => gaussianVector(K, seed * 7919 + i + 1));
  // The largest component first, then a probe (it covers all K), then the rest.
  const order = probeVecs.length ? [cot[0], probeVecs[0], ...cot.slice(1), ...probeVecs.slice(1)] : cot;
  const { projections: raw } = oracleProjections(F, x, groups, order, deadline);
  const done = raw[0].length;
  // Back to [components..., probes...] for what was computed.
  const compIdx = probeVecs.length ? [0, ...cot.slice(1).map((_, i) => i + 2)] : cot.map((_, i) => i);
  const probeIdx = probeVecs.length ? [1, ...probeVecs.slice(1).map((_, i) => cot.length + 1 + i)] : [];
  const keptComp = compIdx.filter((i) => i < done);
  const keptProbe = probeIdx.filter((i) => i < done);
  chosen = chosen.slice(0, keptComp.length);
  probeVecs = probeVecs.slice(0, keptProbe.length);
  const projections = raw.map((p) => [...keptComp.map((i) => p[i]), ...keptProbe.map((i) => p[i])]);
  const errorsOf = (vecs: Float32Array[]) =>
    groups.map((_, g) => {
      const a = vecs[g];
      const b = projections[g];
      let num = 0;
      let den = 0;
      chosen.forEach((k, c) => {
        num += (a[k] - b[c]) ** 2;
        den += b[c] ** 2;
      });
      let err = den > 0 ? Math.sqrt(num / den) : num > 0 ? Infinity : 0;
      if (probeVecs.length) {
        let pn = 0;
        let pd = 0;
        probeVecs.forEach((u, r) => {
          let au = 0;
          for (let k = 0; k < K; k++) au += u[k] * a[k];
          const bu = b[chosen.length + r];
          pn += (au - bu) ** 2;
          pd += bu ** 2;
        });
        err = Math.max(err, pd > 0 ? Math.sqrt(pn / pd) : pn > 0 ? Infinity : 0);
      }
      return err;
    });
  const perGroup = errorsOf(lie);
  const coverage = Math.min(...lie.map((a, g) => (norms[g] > 0 ? norm(chosen.map((k) => a[k])) / norms[g] : 1)));
  const alsoRelError = also ? Math.max(...errorsOf(also)) : undefined;
  return {
    relError: Math.max(...perGroup),
    perGroup,
    checked: chosen.length,
    probes: probeVecs.length,
    K,
    coverage,
    alsoRelError,
    chosen,
    projections,
  };
}
