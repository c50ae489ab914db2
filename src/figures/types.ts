/**
 * Row types the figure builders consume. They are structural: the result rows of src/lie carry
 * these fields (and may carry more), so they pass straight through. `output` and `reduction` are
 * carried on every row so each figure can say which output and which norm it shows (DESIGN §1).
 */

/** One LEE value: per image, or already averaged (then `image` is absent). */
export interface LeeRow {
  model: string;
  group: string;
  /** 'probs' | 'logits' | 'embedding' | ... (DESIGN §1). */
  output: string;
  /** 'mean-abs' | 'l2' | 'sq-l2' (DESIGN §1). */
  reduction: string;
  lee: number;
  image?: number;
  /** Test accuracy of the model as a fraction in [0, 1]. */
  accuracy?: number;
  /** Architecture family for colouring ('CNN', 'ViT', ...). */
  family?: string;
}

/** One layer's contribution C_i for one image (DESIGN §5). */
export interface LayerRow {
  model: string;
  image: number;
  /** Position along depth, 0-based. */
  index: number;
  layer: string;
  /** 'conv' | 'activation' | 'norm' | 'pool' | 'attention' | ... */
  kind: string;
  /** ‖C_i‖² (exact or Hutchinson estimate). */
  sqnorm: number;
  /** ⟨C_i, L f⟩ / ‖L f‖; sums over layers to ‖L f‖. */
  projection: number;
}

/** A layer's defect δ_i as a spatial map (e.g. the norm over channels at each position). */
export interface LayerMapRow {
  model: string;
  image: number;
  index: number;
  layer: string;
  height: number;
  width: number;
  /** Row-major, length height·width, row 0 at the top of the image. */
  values: number[];
  /** What a value is, for the colour bar (default '‖δ_i‖ over channels'). */
  quantity?: string;
}

/** LEE of a training run at one epoch. */
export interface EpochRow {
  /** The run, e.g. 'CNN, no augmentation'. */
  run: string;
  epoch: number;
  group: string;
  output: string;
  reduction: string;
  lee: number;
  /** Test accuracy at that epoch, fraction in [0, 1]. */
  accuracy?: number;
}

/** Error of a finite-transformation quotient against the Lie derivative at one t (DESIGN §6). */
export interface FiniteRow {
  group: string;
  /** Step in normalized units (DESIGN §2), > 0. */
  t: number;
  /** 'symmetric': (f(T_t x) − f(T_−t x))/2t; 'one-sided': (f(T_t x) − f(x))/t. */
  quotient: 'symmetric' | 'one-sided';
  /** ‖quotient − L f‖ / ‖L f‖. */
  relError: number;
  /** Which image tangent L f used ('central' by default). */
  derivative?: string;
}

/** A discrete equivariance metric beside the LEE of the same model (and group). */
export interface DiscreteRow {
  model: string;
  /** 'consistency-circular', 'eq-t', 'eq-t-frac', 'eq-r', 'sample-invariance', ... */
  metric: string;
  value: number;
  lee: number;
  output: string;
  reduction: string;
  group?: string;
}
