/**
 * The one-parameter groups of DESIGN §2 as data — the only copy of those tables in the code.
 *
 * Spatial generators are 3×3 homogeneous affine matrices (last row 0) acting on normalized
 * coordinates p = (u, v, 1): the flow is A_t = expm(tG) (its top 2×3 rows are DESIGN's A_t) and
 * the field is X(p) = G p. Colour generators are 3×3 matrices on RGB; contrast also has a
 * `meanGenerator`, the generator acting on the per-image mean colour (see `Group`).
 */
import * as math from 'mathjs';

export type GroupName =
  | 'translate-x'
  | 'translate-y'
  | 'rotate'
  | 'shear-x'
  | 'shear-y'
  | 'stretch-x'
  | 'stretch-y'
  | 'scale'
  | 'hyperbolic-rotate'
  | 'hue'
  | 'saturation'
  | 'brightness'
  | 'contrast';

export type GroupKind = 'spatial' | 'color';

/**
 * A one-parameter group, defined by its generator.
 *
 * - spatial: `generator` is 3×3 homogeneous affine (last row 0). Output pixel p samples the input
 *   at expm(tG)·p (DESIGN §2); the field is X(p) = G p.
 * - color: `generator` G is 3×3 on RGB; pixels map by expm(tG). When `meanGenerator` G₀ is present
 *   the group also couples to the per-image mean colour x̄: the pixel's deviation x − x̄ moves by
 *   expm(tG) and the mean x̄ by expm(tG₀), i.e. T_t x = expm(tG) x + (expm(tG₀) − expm(tG)) x̄ and
 *   L x = G x + (G₀ − G) x̄. Contrast is G = I, G₀ = I − 1wᵀ: L x = x − m·1, m = w·x̄ the mean luma.
 */
export interface Group {
  name: string;
  kind: GroupKind;
  generator: math.Matrix;
  latex: string;
  description: string;
  meanGenerator?: math.Matrix;
}

/** Rec.601 luma weights (DESIGN §2: saturation and contrast). They sum to 1. */
export const LUMA_WEIGHTS: readonly [number, number, number] = [0.299, 0.587, 0.114];

interface Entry {
  name: GroupName;
  kind: GroupKind;
  generator: number[][];
  meanGenerator?: number[][];
  latex: string;
  description: string;
}

const s3 = 1 / Math.sqrt(3);
const [wr, wg, wb] = LUMA_WEIGHTS;
/** I − 1wᵀ: removes the luma component (saturation; contrast's mean part). */
const minusLuma = [
  [1 - wr, -wg, -wb],
  [-wr, 1 - wg, -wb],
  [-wr, -wg, 1 - wb],
];
const identity3 = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

const pm = (rows: string[][]) =>
  String.raw`\begin{pmatrix}` + rows.map((r) => r.join('&')).join(String.raw`\\`) + String.raw`\end{pmatrix}`;

const ENTRIES: Entry[] = [
  {
    name: 'translate-x',
    kind: 'spatial',
    generator: [
      [0, 0, 1],
      [0, 0, 0],
      [0, 0, 0],
    ],
    latex: pm([
      ['0', '0', '1'],
      ['0', '0', '0'],
      ['0', '0', '0'],
    ]),
    description: 'horizontal translation, field X = (1, 0); t > 0 moves the content left by t·(W−1)/2 pixels',
  },
  {
    name: 'translate-y',
    kind: 'spatial',
    generator: [
      [0, 0, 0],
      [0, 0, 1],
      [0, 0, 0],
    ],
    latex: pm([
      ['0', '0', '0'],
      ['0', '0', '1'],
      ['0', '0', '0'],
    ]),
    description: 'vertical translation, field X = (0, 1); t > 0 moves the content up by t·(H−1)/2 pixels',
  },
  {
    name: 'rotate',
    kind: 'spatial',
    generator: [
      [0, 1, 0],
      [-1, 0, 0],
      [0, 0, 0],
    ],
    latex: pm([
      ['0', '1', '0'],
      ['-1', '0', '0'],
      ['0', '0', '0'],
    ]),
    description:
      'rotation about the image centre, field X = (v, −u); t in radians, t > 0 turns the content clockwise as displayed',
  },
  {
    name: 'shear-x',
    kind: 'spatial',
    generator: [
      [0, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
    ],
    latex: pm([
      ['0', '1', '0'],
      ['0', '0', '0'],
      ['0', '0', '0'],
    ]),
    description: 'horizontal shear, field X = (v, 0); t > 0 moves rows below the centre left',
  },
  {
    name: 'shear-y',
    kind: 'spatial',
    generator: [
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 0],
    ],
    latex: pm([
      ['0', '0', '0'],
      ['1', '0', '0'],
      ['0', '0', '0'],
    ]),
    description: 'vertical shear, field X = (0, u); t > 0 moves columns right of the centre up',
  },
  {
    name: 'stretch-x',
    kind: 'spatial',
    generator: [
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ],
    latex: pm([
      ['1', '0', '0'],
      ['0', '0', '0'],
      ['0', '0', '0'],
    ]),
    description:
      'horizontal stretch about the centre, field X = (u, 0); t > 0 shrinks the content horizontally by e^{−t}',
  },
  {
    name: 'stretch-y',
    kind: 'spatial',
    generator: [
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ],
    latex: pm([
      ['0', '0', '0'],
      ['0', '1', '0'],
      ['0', '0', '0'],
    ]),
    description: 'vertical stretch about the centre, field X = (0, v); t > 0 shrinks the content vertically by e^{−t}',
  },
  {
    name: 'scale',
    kind: 'spatial',
    generator: [
      [-1, 0, 0],
      [0, -1, 0],
      [0, 0, 0],
    ],
    latex: pm([
      ['-1', '0', '0'],
      ['0', '-1', '0'],
      ['0', '0', '0'],
    ]),
    description: 'isotropic scaling about the centre, field X = (−u, −v); t > 0 enlarges the content by e^{t}',
  },
  {
    name: 'hyperbolic-rotate',
    kind: 'spatial',
    generator: [
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 0],
    ],
    latex: pm([
      ['0', '1', '0'],
      ['1', '0', '0'],
      ['0', '0', '0'],
    ]),
    description: 'hyperbolic rotation (squeeze along the diagonals), field X = (v, u)',
  },
  {
    name: 'hue',
    kind: 'color',
    generator: [
      [0, -s3, s3],
      [s3, 0, -s3],
      [-s3, s3, 0],
    ],
    latex:
      String.raw`\tfrac{1}{\sqrt{3}}` +
      pm([
        ['0', '-1', '1'],
        ['1', '0', '-1'],
        ['-1', '1', '0'],
      ]),
    description:
      'hue rotation by t radians about the grey axis (1,1,1)/√3 (Rodrigues); t = 2π/3 maps red → green → blue → red',
  },
  {
    name: 'saturation',
    kind: 'color',
    generator: minusLuma,
    latex: String.raw`I - \mathbf{1}w^{\top},\; w = (0.299, 0.587, 0.114)`,
    description: "saturation: x ↦ g + e^t (x − g), g = (w·x)·1 the pixel's Rec.601 grey",
  },
  {
    name: 'brightness',
    kind: 'color',
    generator: identity3,
    latex: 'I',
    description: 'brightness: x ↦ e^t x',
  },
  {
    name: 'contrast',
    kind: 'color',
    generator: identity3,
    meanGenerator: minusLuma,
    latex: String.raw`x \mapsto x - m\mathbf{1},\; m = w^{\top}\bar{x}`,
    description: "contrast: x ↦ m + e^t (x − m), m = the image's mean Rec.601 luma (a scalar per image)",
  },
];

/** The nine spatial groups, in DESIGN order. */
export const SPATIAL_GROUP_NAMES: GroupName[] = ENTRIES.filter((e) => e.kind === 'spatial').map((e) => e.name);
/** The four colour groups, in DESIGN order. */
export const COLOR_GROUP_NAMES: GroupName[] = ENTRIES.filter((e) => e.kind === 'color').map((e) => e.name);
/** Every built-in group: spatial first, then colour. */
export const GROUP_NAMES: GroupName[] = ENTRIES.map((e) => e.name);

const CATALOG = new Map<string, Group>(
  ENTRIES.map((e) => [
    e.name,
    Object.freeze({
      name: e.name,
      kind: e.kind,
      generator: math.matrix(e.generator),
      latex: e.latex,
      description: e.description,
      ...(e.meanGenerator ? { meanGenerator: math.matrix(e.meanGenerator) } : {}),
    }),
  ]),
);

/** A built-in group by name, or undefined. (`getGroup` in generators.ts is the checked entry point.) */
export function catalogGroup(name: string): Group | undefined {
  return CATALOG.get(name);
}
