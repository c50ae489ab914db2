/**
 * Layer-wise decomposition of the Lie derivative (DESIGN §5): each layer's own defect
 * δ_i = J_{φ_i}·(D h_in) − D_i h_i and its contribution C_i = J_{>i}(h_i)·δ_i to the output, with
 * Σ_i C_i = J_f(x)·D_0 x − D_L f(x) = L f(x) exactly.
 *
 * Why it telescopes (any choice of the vectors D_i h_i works, linear or not): perturb every node,
 * h_i = φ_i(h_in) + ε_i. With ε̇_i = −δ_i and input tangent D_0 x, induction gives ḣ_i = D_i h_i at
 * every node, so the output tangent D_L f = J_f·D_0 x − Σ_i J_{>i}·δ_i.
 *
 * What telescopes, under each reduction (DESIGN §1, §5): the identity is one of *vectors*,
 * Σ_i C_i = L f in R^K. A reduction that is not linear in L f does not pass through it: mean-abs,
 * l2, sq-l2 and mean-sq (the paper's Eq. 4) of the C_i do not sum to that of L f. Under the squared
 * reductions Σ_i ‖C_i‖² = ‖L f‖² − Σ_{i≠j} ⟨C_i, C_j⟩, so per-layer `sqnorm` / `meanSq` miss the
 * cross terms (layers that cancel each other both look large). The additive split of a squared
 * reduction is the projection on L f: ⟨C_i, L f⟩ sums to ‖L f‖², so `meanSqShare` = ⟨C_i, L f⟩/K sums
 * over layers to the image's mean-sq LEE (totals[].meanSq) exactly, and `projection` = ⟨C_i, L f⟩/‖L f‖
 * sums to its l2. Shares can be negative (a layer that undoes earlier layers' error).
 *
 * How it is computed (forward formulation — forward ops only, so it runs on wasm, webgpu and cpu):
 * one walk over the layers carries, besides the primal, k stacked tangent directions
 * (src/jvp/types.ts). Slot 0 is local: at every node it holds D applied to the node's inputs, so the
 * layer's rule returns J_φ·D h_in and the defect is that minus D h_out. The other slots propagate:
 * one carries J·D_0 x end to end (for L f), and each layer i injects its δ_i into a fresh slot that
 * the rest of the walk pushes to the output, giving C_i itself. Slots enter in topological order,
 * so node i carries only the slots of the layers before it. Cost: layer i evaluates its rule on
 * 2 + (number of earlier layers) directions, so a depth-L network costs about L/2 forward passes
 * per image (O(L²) layer evaluations), in one primal walk; `maxSlots` splits the layers into
 * several walks to bound memory (each walk re-runs the primal). A reverse formulation would cost
 * K (or P probes) backward passes independent of depth, but needs backward kernels wasm lacks.
 */
import * as tf from '@tensorflow/tfjs';
import { assertPositiveInt } from '../checks';
import { checkName, InputError } from '../errors';
import {
  DIFFERENCES,
  featureTangent,
  getGroup,
  imageTangent,
  type Coordinates,
  type Difference,
  type Group,
} from '../groups';
import { measuredModel, walkSteps, type ContractOptions, type Program, type Step } from '../jvp';
import type { ModelWrapper } from '../models/model';
import { hutchinsonSqNorms } from './hutchinson';
import { layerKind, type LayerKind } from './layerKinds';
import { asModelWrapper, checkModelImages } from './lieDerivative';

export type { LayerKind } from './layerKinds';

export const LAYERWISE_OUTPUTS = ['probs', 'logits'] as const;
export type LayerwiseOutput = (typeof LAYERWISE_OUTPUTS)[number];
export const DEFAULT_EXACT_LIMIT = 64;
export const DEFAULT_PROBES = 100;
export const DEFAULT_LAYERWISE_BATCH = 8;
export const DEFAULT_MAX_SLOTS = 64;

export interface LayerwiseOptions extends Omit<ContractOptions, 'output'> {
  /** 'probs' (default), 'logits' (DESIGN §1), or a tensor name (layer, graph node or signature key). */
  output?: LayerwiseOutput | string;
  /** Discrete derivative of D_i (default 'central', DESIGN §3). */
  difference?: Difference;
  /** 'normalized' (default) or 'isotropic' coordinates for every D_i (DESIGN §2). */
  coordinates?: Coordinates;
  /** Gaussian width in pixels (of each feature map) for difference 'gaussian'. */
  sigma?: number;
  /** Hutchinson probes P when ‖C_i‖² is estimated (default 100). */
  probes?: number;
  /** Always compute ‖C_i‖² exactly. */
  exact?: boolean;
  /** ‖C_i‖² is exact when the output has at most this many components (default 64). */
  exactLimit?: number;
  /** Seed of the Hutchinson probes (default 0). */
  seed?: number;
  /** Images per walk (default 8). */
  batchSize?: number;
  /** Most layers whose contributions one walk carries (default 64); more layers → more walks. */
  maxSlots?: number;
  /** After each batch: images done so far, of the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * One step of the decomposition: a layer call, a graph op, a split-off fused activation, an
 * adapter of the measured model (preprocess, luma, layout), or the added softmax.
 */
export interface LayerInfo {
  /** Position along depth (topological order), 0-based. */
  index: number;
  /** The layer's or node's name; a fused activation is `<layer>/<activation>`; 'preprocess'; 'softmax (added)'. */
  name: string;
  /** Layer class, graph op, or Preprocess / Luma / Layout / Softmax. */
  className: string;
  kind: LayerKind;
}

/** One layer's contribution for one image (compatible with src/figures LayerRow). */
export interface LayerwiseRow {
  model: string;
  image: number;
  index: number;
  layer: string;
  kind: LayerKind;
  /** ‖C_i‖² (exact, or the Hutchinson estimate: see LayerwiseResult.sqnormMethod). */
  sqnorm: number;
  /** ‖C_i‖²/K, the layer's contribution under mean-sq (Eq. 4); does not sum to the total (cross terms, see the module comment). */
  meanSq: number;
  /** ⟨C_i, L f⟩ / ‖L f‖ (0 when L f = 0); sums over layers to ‖L f‖. */
  projection: number;
  /** ⟨C_i, L f⟩ / K; sums over layers to the image's mean-sq LEE ‖L f‖²/K (totals[].meanSq). */
  meanSqShare: number;
  /** ‖δ_i‖₂, the layer's own defect in its output feature space. */
  defect: number;
  /** ‖J_{φ_i}·D h_in‖₂, the transported tangent δ_i is compared with (δ_i = 0 for an equivariant layer). */
  pushed: number;
}

export interface LayerwiseMeta {
  model: string;
  group: string;
  output: string;
  /** What was measured, e.g. 'softmax (added) ∘ net on 28×28 RGB' (src/jvp/measured.ts). */
  measures: string;
  difference: Difference;
  /** Output components K per image. */
  outputs: number;
  images: number;
  probes: number;
  exactLimit: number;
  seed: number;
  /** Largest ‖Σ_i C_i − L f‖ / ‖L f‖ over the images (float32 round-off; the identity is exact). */
  telescopingError: number;
  /** Primal walks per batch (1 unless the layers exceed maxSlots). */
  walks: number;
}

export interface LayerwiseResult {
  layers: LayerInfo[];
  /** Image-major: every layer of image 0, then image 1, ... */
  rows: LayerwiseRow[];
  /** ‖L f‖₂ and the mean-sq LEE ‖L f‖²/K (Eq. 4) per image, from the end-to-end tangent of the same walk. */
  totals: Array<{ image: number; l2: number; meanSq: number }>;
  meta: LayerwiseMeta;
  sqnormMethod: 'exact' | 'hutchinson';
}

/** How D acts on a value: NHWC image, tokens along `axis` (first `lead` fixed), or not at all. */
type Layout = { kind: 'image' } | { kind: 'tokens'; axis: 1 | 2; n: number; lead: number } | { kind: 'none' };

const isSquare = (n: number) => n >= 1 && Number.isInteger(Math.sqrt(n));

/** The measured model's steps, and which of them carry a tangent (the "layers" that get a slot). */
interface Plan {
  program: Program;
  /** Step index → layer index (position among the tangent-carrying steps), or −1. */
  layerOf: number[];
  layers: LayerInfo[];
  measures: string;
  output: string;
}

/**
 * The steps of the measured model F (src/jvp/measured.ts: adapters, the net with fused
 * activations split into their own steps, the added softmax). A step is a layer of the
 * decomposition when it carries a tangent: graph nodes that compute shapes or integer values do not.
 */
function buildPlan(w: ModelWrapper, opts: LayerwiseOptions, channels: 1 | 3): Plan {
  const m = measuredModel(w, { ...opts, output: opts.output ?? 'probs' });
  const program = m.program(channels, { splitActivations: true });
  const carries: boolean[] = [];
  const layerOf: number[] = [];
  const layers: LayerInfo[] = [];
  program.steps.forEach((s, i) => {
    carries[i] = !s.tangentFree && s.inputs.some((r) => 'input' in r || carries[r.step]);
    layerOf[i] = carries[i] ? layers.length : -1;
    if (carries[i])
      layers.push({
        index: layers.length,
        name: s.info.name,
        className: s.info.className,
        kind: layerKind(s.info.className),
      });
  });
  return {
    program,
    layerOf,
    layers,
    measures: m.formula,
    output: m.output.mode === 'tensor' ? m.output.tensor : m.output.mode,
  };
}

/** The layout of a step's output, from its inputs' layouts (Permute moves the token axis). */
function outputLayout(step: Step, ins: Layout[], shape: number[]): Layout {
  if (shape.length === 4) return { kind: 'image' };
  if (shape.length !== 3) return { kind: 'none' };
  const first = ins[0];
  if (step.layer?.getClassName() === 'Permute' && first?.kind === 'tokens') {
    // tfjs exports no Permute class type, and tf.layers.Layer has no dims.
    const dims = (step.layer as unknown as { dims: number[] }).dims;
    if (dims[0] === 2 && dims[1] === 1) return { ...first, axis: first.axis === 1 ? 2 : 1 };
  }
  for (const l of ins) if (l.kind === 'tokens' && shape[l.axis] === l.n) return l;
  const n = shape[1];
  if (isSquare(n)) return { kind: 'tokens', axis: 1, n, lead: 0 };
  if (n > 1 && isSquare(n - 1)) return { kind: 'tokens', axis: 1, n, lead: 1 };
  return { kind: 'none' };
}

interface TangentOpts {
  difference: Difference;
  sigma?: number;
  coordinates?: Coordinates;
}

/** D applied to a value at its own resolution (DESIGN §5); zeros where D does not act. */
function valueTangent(h: tf.Tensor, layout: Layout, group: Group, opts: TangentOpts): tf.Tensor {
  if (layout.kind === 'image') return featureTangent(h, group, opts);
  if (layout.kind === 'tokens') {
    const lead = { ...opts, leadingTokens: layout.lead };
    if (layout.axis === 1) return featureTangent(h, group, lead);
    return tf.tidy(() => tf.transpose(featureTangent(tf.transpose(h, [0, 2, 1]), group, lead), [0, 2, 1]));
  }
  return tf.zerosLike(h);
}

/** A value of the walk: a tensor that carries no tangent, or a primal with D applied and the propagated slots. */
type Value =
  | { constant: tf.Tensor }
  | {
      primal: tf.Tensor;
      /** D applied to the primal. */
      d: tf.Tensor;
      /** Propagated slots [width·B, ...], or null when width is 0. */
      prop: tf.Tensor | null;
      width: number;
      layout: Layout;
    };
type Carried = Exclude<Value, { constant: tf.Tensor }>;

const tensorsOf = (v: Value): tf.Tensor[] =>
  'constant' in v ? [v.constant] : [v.primal, v.d, ...(v.prop ? [v.prop] : [])];

interface WalkArgs {
  plan: Plan;
  x: tf.Tensor4D;
  group: Group;
  tangentOpts: TangentOpts;
  /** Layers [from, to) inject their δ into slots; e2e adds the end-to-end slot first. */
  inject: { from: number; to: number };
  e2e: boolean;
  /** Sees every layer output's defect δ [B, ...] and J·D h_in [B, ...]; both disposed after it returns. */
  onDefect?: (layer: number, output: number, delta: tf.Tensor, pushed: tf.Tensor, layout: Layout) => void;
}

/** Rows [from, from + n·B) of a stacked tensor, reshaped to [n, B, K]. */
function slotsOf(t: tf.Tensor, B: number, from: number, n: number): tf.Tensor3D {
  const K = t.size / Math.max(t.shape[0], 1); // explicit: reshape cannot infer −1 when n = 0
  return tf.reshape(tf.slice(t, [from * B], [n * B]), [n, B, K]) as tf.Tensor3D;
}

/** Pads a propagated tensor of `have` slots with zero slots up to `want`. */
function padSlots(prop: tf.Tensor | null, have: number, want: number, primal: tf.Tensor): tf.Tensor {
  const zeros = () => tf.zeros([(want - have) * primal.shape[0], ...primal.shape.slice(1)]);
  if (!prop) return zeros();
  return have === want ? prop : tf.concat([prop, zeros()], 0);
}

/**
 * One primal walk of the program (by the one walker, src/jvp/program.ts). Returns the propagated
 * slots at the output [slots, B, K] and D_L f [B, K] (slot order: the end-to-end slot if `e2e`,
 * then layers from..to−1). The caller disposes both.
 */
function walk({ plan, x, group, tangentOpts, inject, e2e, onDefect }: WalkArgs): {
  slots: tf.Tensor3D;
  dOut: tf.Tensor2D;
} {
  const B = x.shape[0];
  const base = e2e ? 1 : 0;
  const total = base + (inject.to - inject.from);
  const input = tf.tidy(() => {
    const lx = imageTangent(x, group, tangentOpts);
    return {
      primal: x.clone(),
      d: lx,
      prop: e2e ? lx.clone() : null,
      width: base,
      layout: { kind: 'image' },
    } as tf.TensorContainer;
  }) as Value;
  const out = walkSteps<Value>(
    plan.program,
    input,
    (step, ins, s) => {
      const layer = plan.layerOf[s];
      const slot = layer >= inject.from && layer < inject.to ? base + layer - inject.from : -1;
      const carried = ins.filter((v): v is Carried => !('constant' in v));
      const width = Math.max(slot, ...carried.map((v) => v.width));
      const duals = ins.map((v) =>
        'constant' in v
          ? v.constant
          : {
              primal: v.primal,
              tangent: width === 0 ? v.d : tf.concat([v.d, padSlots(v.prop, v.width, width, v.primal)], 0),
            },
      );
      return step.jvp(duals, 1 + width).map((o, oi): Value => {
        if (o instanceof tf.Tensor) return { constant: o };
        const jd = width === 0 ? o.tangent : tf.slice(o.tangent, [0], [B]);
        const layout = outputLayout(
          step,
          carried.map((v) => v.layout),
          o.primal.shape,
        );
        const transported = step.transportsAll || (step.transportsColour && group.kind === 'color');
        const d = transported ? jd.clone() : valueTangent(o.primal, layout, group, tangentOpts);
        const delta = tf.sub(jd, d);
        if (onDefect && layer >= 0) onDefect(layer, oi, delta, jd, layout);
        let prop: tf.Tensor | null = width === 0 ? null : tf.slice(o.tangent, [B], [width * B]);
        if (slot >= 0) prop = prop ? tf.concat([prop, delta], 0) : delta;
        return { primal: o.primal, d, prop, width: slot >= 0 ? slot + 1 : width, layout };
      });
    },
    tensorsOf,
    {
      protect: [x],
      copy: (v, own) =>
        'constant' in v
          ? { constant: own(v.constant) }
          : { ...v, primal: own(v.primal), d: own(v.d), prop: v.prop ? own(v.prop) : null },
    },
  );
  try {
    if ('constant' in out)
      throw new InputError(
        `layerwise: the measured output (${plan.output}) does not depend on the image; nothing to decompose`,
      );
    return tf.tidy(() => {
      const all = padSlots(out.prop, out.width, total, out.primal);
      return { slots: slotsOf(all, B, 0, total), dOut: tf.reshape(out.d, [B, -1]) as tf.Tensor2D };
    }) as { slots: tf.Tensor3D; dOut: tf.Tensor2D };
  } finally {
    tf.dispose(tensorsOf(out));
  }
}

function resolve(
  model: ModelWrapper | tf.LayersModel | tf.GraphModel,
  images: tf.Tensor4D,
  fn: string,
  opts: LayerwiseOptions,
): ModelWrapper {
  const w = asModelWrapper(model);
  checkModelImages(w, images, fn, { ...opts, output: opts.output ?? 'probs' });
  return w;
}

function tangentOptsOf(opts: { difference?: Difference; sigma?: number; coordinates?: Coordinates }): TangentOpts {
  return {
    difference: checkName('difference', opts.difference ?? 'central', DIFFERENCES),
    sigma: opts.sigma,
    coordinates: opts.coordinates,
  };
}

export interface LayerContributions {
  layers: LayerInfo[];
  /** C_i per layer, image and output component: [L, N, K]. */
  contribs: tf.Tensor3D;
  /** L f = J_f·D_0 x − D_L f from the end-to-end slot of the same walk: [N, K]. */
  lf: tf.Tensor2D;
  /** ‖δ_i‖₂ and ‖J_{φ_i}·D h_in‖₂ per layer and image, row-major [L, N]. */
  defect: Float64Array;
  pushed: Float64Array;
  /** Primal walks used. */
  walks: number;
  /** What was measured (src/jvp/measured.ts `formula`) and which output. */
  measures: string;
  output: string;
}

/**
 * Every layer's contribution C_i = J_{>i}(h_i)·δ_i to the output, for one batch (DESIGN §5).
 *
 * Convention:
 *  - images: [N, H, W, 3] float32 RGB in [0, 1] at the model's inputSize; the wrapper's
 *    preprocess is the first step ('preprocess', when not the identity).
 *  - D_i: the group's generator on each value at its own resolution, normalized coordinates;
 *    tokens [B, 1 + s·s, C] act on the s×s patch grid with the class token fixed; [B, D] and
 *    unrecognized layouts get D = 0. Colour groups: D_0 x = G x on [0, 1] RGB, carried through
 *    preprocessing, and 0 on every feature map — so all their defect sits at the first layer.
 *  - returns contribs [L, N, K] and lf [N, K] (K = output components); Σ_i contribs[i] = lf up to
 *    float32 round-off. The caller disposes both; nothing else is kept.
 */
export function layerContributions(
  model: ModelWrapper | tf.LayersModel | tf.GraphModel,
  images: tf.Tensor4D,
  group: string | Group,
  opts: Omit<LayerwiseOptions, 'probes' | 'exact' | 'exactLimit' | 'seed' | 'batchSize' | 'onProgress'> = {},
): LayerContributions {
  const w = resolve(model, images, 'layerContributions', opts);
  const g = getGroup(group);
  const maxSlots = assertPositiveInt(opts.maxSlots ?? DEFAULT_MAX_SLOTS, 'maxSlots');
  const plan = buildPlan(w, opts, images.shape[3] as 1 | 3);
  const L = plan.layers.length;
  const N = images.shape[0];
  const defect = new Float64Array(L * N);
  const pushed = new Float64Array(L * N);
  const sqNorms = (t: tf.Tensor) => tf.tidy(() => tf.sum(tf.square(tf.reshape(t, [N, -1])), 1));
  const norms: Array<{ step: number; defect: tf.Tensor; pushed: tf.Tensor }> = [];
  const parts: tf.Tensor3D[] = [];
  let lf: tf.Tensor2D | undefined;
  let walks = 0;
  try {
    for (let from = 0; from < L; from += maxSlots) {
      const first = from === 0;
      const { slots, dOut } = walk({
        plan,
        x: images,
        group: g,
        tangentOpts: tangentOptsOf(opts),
        inject: { from, to: Math.min(L, from + maxSlots) },
        e2e: first,
        onDefect: first
          ? (step, _o, delta, jd) => norms.push({ step, defect: tf.keep(sqNorms(delta)), pushed: tf.keep(sqNorms(jd)) })
          : undefined,
      });
      walks++;
      if (first) {
        lf = tf.tidy(() => tf.sub(tf.squeeze(tf.slice(slots, [0], [1]), [0]), dOut)) as tf.Tensor2D;
        parts.push(tf.slice(slots, [1], [slots.shape[0] - 1]));
      } else parts.push(slots.clone());
      tf.dispose([slots, dOut]);
    }
    // Multi-output steps add their outputs' squared norms.
    for (const n of norms) {
      const dv = n.defect.dataSync();
      const pv = n.pushed.dataSync();
      for (let i = 0; i < N; i++) {
        defect[n.step * N + i] += dv[i];
        pushed[n.step * N + i] += pv[i];
      }
    }
    for (let i = 0; i < L * N; i++) {
      defect[i] = Math.sqrt(defect[i]);
      pushed[i] = Math.sqrt(pushed[i]);
    }
    const contribs = (parts.length === 1 ? parts[0].clone() : tf.concat(parts, 0)) as tf.Tensor3D;
    return {
      layers: plan.layers.map((l) => ({ ...l })),
      contribs,
      lf: lf as tf.Tensor2D,
      defect,
      pushed,
      walks,
      measures: plan.measures,
      output: plan.output,
    };
  } catch (err) {
    if (lf) lf.dispose();
    throw err;
  } finally {
    tf.dispose(parts);
    tf.dispose(norms.flatMap((n) => [n.defect, n.pushed]));
  }
}

/**
 * Which layers break equivariance: per image and layer, ‖C_i‖² and the signed projection
 * ⟨C_i, L f⟩/‖L f‖ (DESIGN §5), for one group, batch by batch.
 *
 * Convention:
 *  - images: [N, H, W, 3] float32 RGB in [0, 1]; t in normalized units (DESIGN §2).
 *  - sqnorm: exact when K ≤ exactLimit (default 64) or `exact`, else the Hutchinson estimate with
 *    `probes` seeded N(0, I) vectors (the paper's estimator). projection always uses the exact C_i
 *    and sums over layers to ‖L f‖ (totals) up to float32 round-off (meta.telescopingError);
 *    meanSq = sqnorm/K (per layer, not additive) and meanSqShare = ⟨C_i, L f⟩/K (additive: sums to
 *    totals[].meanSq, the mean-sq LEE of Eq. 4) — see the module comment for why they differ.
 *  - memory: one batch's tensors at a time; returns plain rows, leaves no tensors behind.
 */
export async function layerwise(
  model: ModelWrapper | tf.LayersModel | tf.GraphModel,
  images: tf.Tensor4D,
  group: string | Group,
  opts: LayerwiseOptions = {},
): Promise<LayerwiseResult> {
  const w = resolve(model, images, 'layerwise', opts);
  const g = getGroup(group);
  const output = opts.output ?? 'probs';
  const difference = tangentOptsOf(opts).difference;
  const probes = assertPositiveInt(opts.probes ?? DEFAULT_PROBES, 'probes');
  const exactLimit = assertPositiveInt(opts.exactLimit ?? DEFAULT_EXACT_LIMIT, 'exactLimit');
  const batchSize = assertPositiveInt(opts.batchSize ?? DEFAULT_LAYERWISE_BATCH, 'batchSize');
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InputError(`seed must be an integer, got ${seed}`);
  const N = images.shape[0];
  const rows: LayerwiseRow[] = [];
  const totals: Array<{ image: number; l2: number; meanSq: number }> = [];
  let layers: LayerInfo[] = [];
  let K = 0;
  let method: 'exact' | 'hutchinson' = 'exact';
  let telescopingError = 0;
  let walks = 0;
  let measures = '';
  let measuredOutput: string = output;
  for (let start = 0; start < N; start += batchSize) {
    const n = Math.min(batchSize, N - start);
    const batch = tf.slice(images, [start], [n]) as tf.Tensor4D;
    let res: LayerContributions;
    try {
      res = layerContributions(w, batch, g, { ...opts, output });
    } finally {
      batch.dispose();
    }
    const c = res.contribs.dataSync();
    const lfv = res.lf.dataSync();
    [, , K] = res.contribs.shape;
    const L = res.layers.length;
    tf.dispose([res.contribs, res.lf]);
    layers = res.layers;
    walks = res.walks;
    measures = res.measures;
    measuredOutput = res.output;
    method = opts.exact || K <= exactLimit ? 'exact' : 'hutchinson';
    // Hutchinson probes differ per batch but are reproducible: seed offset by the batch start.
    const estimates =
      method === 'hutchinson' ? hutchinsonSqNorms(c, [L, n, K], { probes, seed: seed + start }) : undefined;
    for (let i = 0; i < n; i++) {
      let lfSq = 0;
      for (let j = 0; j < K; j++) lfSq += lfv[i * K + j] ** 2;
      const lfNorm = Math.sqrt(lfSq);
      let sumSq = 0; // ‖Σ_l C_l − L f‖²
      const sum = new Float64Array(K);
      for (let l = 0; l < L; l++) {
        const off = (l * n + i) * K;
        let sq = 0;
        let dot = 0;
        for (let j = 0; j < K; j++) {
          const v = c[off + j];
          sq += v * v;
          dot += v * lfv[i * K + j];
          sum[j] += v;
        }
        const info = layers[l];
        rows.push({
          model: w.name,
          image: start + i,
          index: info.index,
          layer: info.name,
          kind: info.kind,
          sqnorm: estimates ? estimates[l * n + i] : sq,
          meanSq: (estimates ? estimates[l * n + i] : sq) / K,
          projection: lfNorm > 0 ? dot / lfNorm : 0,
          meanSqShare: dot / K,
          defect: res.defect[l * n + i],
          pushed: res.pushed[l * n + i],
        });
      }
      for (let j = 0; j < K; j++) sumSq += (sum[j] - lfv[i * K + j]) ** 2;
      if (lfNorm > 0) telescopingError = Math.max(telescopingError, Math.sqrt(sumSq) / lfNorm);
      totals.push({ image: start + i, l2: lfNorm, meanSq: lfSq / K });
    }
    opts.onProgress?.(start + n, N);
    await Promise.resolve(); // let progress output and other tasks run between batches
  }
  return {
    layers,
    rows,
    totals,
    meta: {
      model: w.name,
      group: g.name,
      output: measuredOutput,
      measures,
      difference,
      outputs: K,
      images: N,
      probes,
      exactLimit,
      seed,
      telescopingError,
      walks,
    },
    sqnormMethod: method,
  };
}

/**
 * |δ_i| summed over channels, per layer with a spatial output and per image, for the heat-map
 * figure (rows compatible with src/figures LayerMapRow).
 *
 * Convention:
 *  - images as in `layerwise`; maps at each layer's own resolution, row-major, row 0 at the top;
 *    token layers show their s×s patch grid (class tokens left out). Layers whose output D does
 *    not act on ([B, D] vectors) are omitted.
 *  - memory: one walk without propagated slots; leaves no tensors behind.
 */
export async function layerDefectMaps(
  model: ModelWrapper | tf.LayersModel | tf.GraphModel,
  images: tf.Tensor4D,
  group: string | Group,
  opts: Omit<
    LayerwiseOptions,
    'probes' | 'exact' | 'exactLimit' | 'seed' | 'batchSize' | 'onProgress' | 'maxSlots'
  > = {},
): Promise<
  Array<{
    model: string;
    image: number;
    index: number;
    layer: string;
    kind: LayerKind;
    height: number;
    width: number;
    values: number[];
    quantity: string;
  }>
> {
  const w = resolve(model, images, 'layerDefectMaps', opts);
  const g = getGroup(group);
  const plan = buildPlan(w, opts, images.shape[3] as 1 | 3);
  const maps: Array<{ step: number; map: tf.Tensor3D }> = [];
  try {
    const { slots, dOut } = walk({
      plan,
      x: images,
      group: g,
      tangentOpts: tangentOptsOf(opts),
      inject: { from: 0, to: 0 },
      e2e: false,
      onDefect: (step, _o, delta, _jd, layout) => {
        if (layout.kind === 'none') return;
        const map = tf.tidy(() => {
          if (layout.kind === 'image') return tf.sum(tf.abs(delta), 3);
          const tokens = layout.axis === 1 ? delta : tf.transpose(delta, [0, 2, 1]);
          const [B, n, C] = tokens.shape;
          const side = Math.round(Math.sqrt(n - layout.lead));
          return tf.reshape(tf.sum(tf.abs(tf.slice(tokens, [0, layout.lead, 0], [B, n - layout.lead, C])), 2), [
            B,
            side,
            side,
          ]);
        }) as tf.Tensor3D;
        maps.push({ step, map: tf.keep(map) });
      },
    });
    tf.dispose([slots, dOut]);
    const rows = [];
    for (const { step, map } of maps) {
      const [B, height, width] = map.shape;
      const v = map.dataSync();
      const info = plan.layers[step];
      for (let b = 0; b < B; b++) {
        rows.push({
          model: w.name,
          image: b,
          index: info.index,
          layer: info.name,
          kind: info.kind,
          height,
          width,
          values: Array.from(v.subarray(b * height * width, (b + 1) * height * width)),
          quantity: '|δ_i| summed over channels',
        });
      }
    }
    return rows.sort((a, b) => a.image - b.image || a.index - b.index);
  } finally {
    tf.dispose(maps.map((m) => m.map));
  }
}
