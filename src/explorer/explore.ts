/**
 * What the explorer shows for one image, computed by the library's own functions — `lee`
 * (src/lie/lee.ts), `applyGroup` and `imageTangent` (src/groups), `modelOutput` and `layerwise`
 * (src/lie) — so the page, the notebooks and the CLI print the same numbers. Pure data out: the
 * page (src/explorer/page) and the t-slider figure (src/figures/tSlider.ts) only draw it.
 * Runs unchanged in Node and in the browser bundle.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { applyGroup, getGroup, groupParameterToNormalized, imageTangent, type Difference, type Unit } from '../groups';
import { layerwise } from '../lie/layerwise';
import { lee } from '../lie/lee';
import { modelOutput } from '../lie/metrics/modelOutput';
import type { ModelWrapper } from '../models/model';

/** Default half-width of the t range per group, in normalized units (DESIGN §2): a visible but local move. */
const DEFAULT_SPAN: Record<string, number> = {
  'translate-x': 0.3,
  'translate-y': 0.3,
  rotate: 0.5,
  'shear-x': 0.3,
  'shear-y': 0.3,
  'stretch-x': 0.3,
  'stretch-y': 0.3,
  scale: 0.3,
  'hyperbolic-rotate': 0.3,
  hue: 1,
  saturation: 0.7,
  brightness: 0.5,
  contrast: 0.7,
};

export interface ExploreOptions {
  /** Groups by name (DESIGN §2), at least one. */
  groups: string[];
  /**
   * Units of t on the slider and of the slope: 'normalized' (default), 'pixels' (translate-x/y) or
   * 'degrees' (rotate, hue). A group the unit does not apply to stays in normalized units (said in `unit`).
   */
  units?: Unit;
  /** 'probs' (default) or 'logits' (DESIGN §1). */
  output?: 'probs' | 'logits';
  /** Output component whose curve f_k(T_t x) is drawn (default: the top-1 class at t = 0). */
  component?: number;
  /** Discrete derivative of L x (default 'central', DESIGN §3). */
  difference?: Difference;
  /** Values of t per group, odd, symmetric about 0 (default 21). */
  steps?: number;
  /** Half-width of the t range, in normalized units (default: a per-group span, see DEFAULT_SPAN). */
  spanNormalized?: number;
  /** Group for the layer-wise decomposition (DESIGN §5); none when absent. */
  layerGroup?: string;
}

/** One group's view of the image: tangent, finite transformations and the output curve with its slope. */
export interface GroupView {
  group: string;
  /** Unit of `ts` and `slope`. */
  unit: Unit;
  /** L x as [H·W·C] row-major floats (per normalized unit of t, DESIGN §3). */
  tangent: number[];
  /** max |L x|, for the colour scale. */
  tangentMaxAbs: number;
  /** Values of t (in `unit`), increasing, with 0 in the middle. */
  ts: number[];
  /** T_t x for each t, each [H·W·C] row-major, clipped to [0, 1] for display. */
  frames: number[][];
  /** f_k(T_t x) for each t (k = `component` of the result). */
  f: number[];
  /** (L f)_k per unit of t: the slope of the tangent line at t = 0. */
  slope: number;
  /** The LEE row of `lee` for this image and group: every reduction. */
  lee: { 'mean-abs': number; l2: number; 'sq-l2': number; 'mean-sq': number };
}

export interface ExploreResult {
  model: string;
  output: 'probs' | 'logits';
  height: number;
  width: number;
  channels: number;
  /** The measured image x, [H·W·C] row-major RGB in [0, 1]. */
  image: number[];
  /** Index of the drawn output component and its name (class name, else the index). */
  component: { index: number; name: string; outputs: number };
  /** Top-1 class at t = 0 (index and name). */
  prediction: { index: number; name: string };
  groups: GroupView[];
  /** Per-layer contributions for `layerGroup` (layerwise, DESIGN §5). */
  layers?: {
    group: string;
    rows: Array<{ index: number; layer: string; kind: string; sqnorm: number; projection: number }>;
    /** ‖L f‖₂ of this image (the projections sum to it). */
    total: number;
    telescopingError: number;
    sqnormMethod: 'exact' | 'hutchinson';
  };
}

/** The unit `requested` if it applies to `group` on H×W images, else 'normalized' (DESIGN §2). */
export function unitFor(group: string, requested: Unit, H: number, W: number): Unit {
  if (requested === 'normalized') return requested;
  try {
    groupParameterToNormalized(1, requested, getGroup(group), H, W);
    return requested;
  } catch (err) {
    if (err instanceof InputError) return 'normalized';
    throw err;
  }
}

/**
 * Everything the explorer draws for one image x and a set of groups (DESIGN §1–5): L x, T_t x over a
 * symmetric range of t, f_k(T_t x) with the slope (L f)_k at t = 0, LEE per group (all reductions,
 * from `lee` with the CLI's defaults), and optionally the per-layer contributions for one group.
 *
 * Convention:
 *  - image: [1, H, W, 3] float32 RGB in [0, 1] at the model's input size (as `lee` takes it).
 *  - t: normalized units unless `units` says otherwise; slope is per unit of t.
 *  - errors: the library's typed errors (InputError, UnsupportedLayerError, FileFormatError, ...).
 *  - memory: leaves tf.memory().numTensors unchanged; returns plain numbers.
 */
export async function exploreImage(
  model: ModelWrapper,
  image: tf.Tensor4D,
  opts: ExploreOptions,
): Promise<ExploreResult> {
  if (!(image instanceof tf.Tensor) || image.rank !== 4 || image.shape[0] !== 1) {
    throw new InputError(
      `exploreImage: image must be a [1, H, W, 3] tensor, got shape [${(image as tf.Tensor)?.shape ?? '?'}]`,
    );
  }
  if (!Array.isArray(opts.groups) || opts.groups.length === 0)
    throw new InputError('exploreImage: pick at least one group');
  const groups = opts.groups.map((g) => getGroup(g).name);
  const output = opts.output ?? 'probs';
  const difference = opts.difference ?? 'central';
  const steps = opts.steps ?? 21;
  if (!Number.isInteger(steps) || steps < 3 || steps % 2 === 0)
    throw new InputError(`exploreImage: steps must be an odd integer ≥ 3, got ${steps}`);
  const [, H, W, C] = image.shape;

  const rows = await lee(model, { images: image }, { groups, output, difference, vectors: true });
  const f0 = tf.tidy(() => modelOutput(model, image, output));
  const out0 = Array.from(await f0.data());
  f0.dispose();
  const K = out0.length;
  const top = out0.indexOf(Math.max(...out0));
  const component = opts.component ?? top;
  if (!Number.isInteger(component) || component < 0 || component >= K)
    throw new InputError(`exploreImage: component must be an integer in [0, ${K - 1}], got ${component}`);
  const name = (k: number) => model.classNames?.[k] ?? String(k);

  const views: GroupView[] = [];
  for (const [gi, group] of groups.entries()) {
    const g = getGroup(group);
    const unit = unitFor(group, opts.units ?? 'normalized', H, W);
    const perUnit = groupParameterToNormalized(1, unit, g, H, W); // normalized t per unit of t
    const span = opts.spanNormalized ?? DEFAULT_SPAN[group] ?? 0.3;
    const tsNormalized = Array.from({ length: steps }, (_, i) => (span * (2 * i - (steps - 1))) / (steps - 1));
    const ts = tsNormalized.map((t) => t / perUnit);
    const lx = imageTangent(image, g, { difference });
    const moved = applyGroup(image, g, tsNormalized);
    const fk = tf.tidy(() => tf.slice(modelOutput(model, moved, output), [0, component], [-1, 1]));
    const shown = tf.tidy(() => tf.clipByValue(moved, 0, 1));
    const [lxData, fkData, framesData] = await Promise.all([lx.data(), fk.data(), shown.data()]);
    tf.dispose([lx, moved, fk, shown]);
    const n = H * W * C;
    const row = rows[gi];
    views.push({
      group,
      unit,
      tangent: Array.from(lxData),
      tangentMaxAbs: (lxData as Float32Array).reduce((m: number, v: number) => Math.max(m, Math.abs(v)), 0),
      ts,
      frames: ts.map((_, i) => Array.from(framesData.subarray(i * n, (i + 1) * n))),
      f: Array.from(fkData),
      slope: row.lie![component] * perUnit,
      lee: { 'mean-abs': row['mean-abs'], l2: row.l2, 'sq-l2': row['sq-l2'], 'mean-sq': row['mean-sq'] },
    });
  }

  let layers: ExploreResult['layers'];
  if (opts.layerGroup) {
    const lw = await layerwise(model, image, opts.layerGroup, { output, difference });
    layers = {
      group: lw.meta.group,
      rows: lw.rows.map((r) => ({
        index: r.index,
        layer: r.layer,
        kind: r.kind,
        sqnorm: r.sqnorm,
        projection: r.projection,
      })),
      total: lw.totals[0]?.l2 ?? 0,
      telescopingError: lw.meta.telescopingError,
      sqnormMethod: lw.sqnormMethod,
    };
  }
  const pixels = await image.data();
  return {
    model: model.name,
    output,
    height: H,
    width: W,
    channels: C,
    image: Array.from(pixels),
    component: { index: component, name: name(component), outputs: K },
    prediction: { index: top, name: name(top) },
    groups: views,
    layers,
  };
}

/** The LEE table of an ExploreResult, one row per group (what the page shows and exports as CSV). */
export function leeTable(r: ExploreResult): Array<Record<string, string | number>> {
  return r.groups.map((g) => ({
    model: r.model,
    group: g.group,
    output: r.output,
    'mean-abs': g.lee['mean-abs'],
    l2: g.lee.l2,
    'sq-l2': g.lee['sq-l2'],
    'mean-sq': g.lee['mean-sq'],
    component: r.component.name,
    unit: g.unit,
    slope: g.slope,
  }));
}
