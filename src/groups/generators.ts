/**
 * Generator algebra with mathjs (DESIGN §2): lookup, custom groups, linear combinations, the
 * finite flow expm(tG), commutators and LaTeX.
 */
import * as math from 'mathjs';
import { InputError, UnknownNameError } from '../errors';
import { catalogGroup, GROUP_NAMES, type Group, type GroupKind, type GroupName } from './catalog';

/**
 * A group by name (one of GROUP_NAMES) or a Group object (checked and returned as is).
 * Throws UnknownNameError listing the valid names.
 */
export function getGroup(g: string | Group): Group {
  if (typeof g === 'string') {
    const found = catalogGroup(g);
    if (!found) throw new UnknownNameError('group', g, GROUP_NAMES);
    return found;
  }
  if (!g || typeof g !== 'object' || (g.kind !== 'spatial' && g.kind !== 'color') || !math.isMatrix(g.generator)) {
    throw new InputError(
      `a group must be a name (${GROUP_NAMES.join(', ')}) or a Group {name, kind: 'spatial'|'color', generator: math.Matrix, ...}`,
    );
  }
  checkSquare3(rows(g.generator), `group '${g.name}' generator`);
  if (g.kind === 'spatial') checkAffine(rows(g.generator), `group '${g.name}' generator`);
  if (g.meanGenerator !== undefined) {
    if (g.kind !== 'color')
      throw new InputError(
        `group '${g.name}': meanGenerator is only meaningful for colour groups, got kind '${g.kind}'`,
      );
    checkSquare3(rows(g.meanGenerator), `group '${g.name}' meanGenerator`);
  }
  return g;
}

/** The generator's entries as plain numbers. */
export function rows(m: math.Matrix): number[][] {
  return m.toArray() as number[][];
}

function checkSquare3(m: unknown, what: string): void {
  const ok =
    Array.isArray(m) &&
    m.length === 3 &&
    m.every((r) => Array.isArray(r) && r.length === 3 && r.every((v) => typeof v === 'number' && Number.isFinite(v)));
  if (!ok) throw new InputError(`${what} must be a 3×3 matrix of finite numbers, got ${describeShape(m)}`);
}

function checkAffine(m: number[][], what: string): void {
  if (m[2].some((v) => v !== 0)) {
    throw new InputError(
      `${what}: a spatial (affine) generator in homogeneous form must have last row [0, 0, 0], got [${m[2].join(', ')}]`,
    );
  }
}

function describeShape(m: unknown): string {
  if (!Array.isArray(m)) return typeof m;
  const widths = [...new Set(m.map((r) => (Array.isArray(r) ? r.length : 'scalar')))];
  const bad = m.flat().find((v) => typeof v !== 'number' || !Number.isFinite(v));
  return `${m.length}×${widths.join('|')}${bad !== undefined ? ` with a non-finite entry ${String(bad)}` : ''}`;
}

/**
 * A custom group from its generator.
 * - 2×3 affine [[a, b, c], [d, e, f]] → spatial, field X(u, v) = (a u + b v + c, d u + e v + f).
 * - 3×3: colour (acts on RGB) unless kind = 'spatial', in which case it is homogeneous affine and
 *   its last row must be [0, 0, 0].
 */
export function defineGroup(name: string, generator: number[][], kind?: GroupKind): Group {
  if (typeof name !== 'string' || name.trim() === '')
    throw new InputError(`defineGroup: name must be a non-empty string, got '${String(name)}'`);
  if (kind !== undefined && kind !== 'spatial' && kind !== 'color')
    throw new UnknownNameError('group kind', String(kind), ['spatial', 'color']);
  const is2x3 = Array.isArray(generator) && generator.length === 2;
  if (is2x3) {
    if (kind === 'color') throw new InputError(`defineGroup('${name}'): a colour generator is 3×3 on RGB, got 2×3`);
    const ok = generator.every(
      (r) => Array.isArray(r) && r.length === 3 && r.every((v) => typeof v === 'number' && Number.isFinite(v)),
    );
    if (!ok)
      throw new InputError(
        `defineGroup('${name}'): a 2×3 affine generator needs two rows of three finite numbers, got ${describeShape(generator)}`,
      );
    return makeGroup(name, 'spatial', [...generator.map((r) => [...r]), [0, 0, 0]]);
  }
  checkSquare3(generator, `defineGroup('${name}'): generator (2×3 affine or 3×3)`);
  const k: GroupKind = kind ?? 'color';
  if (k === 'spatial') checkAffine(generator, `defineGroup('${name}')`);
  return makeGroup(
    name,
    k,
    generator.map((r) => [...r]),
  );
}

function makeGroup(name: string, kind: GroupKind, generator: number[][], meanGenerator?: number[][]): Group {
  const field =
    kind === 'spatial'
      ? `field X = (${affineRow(generator[0])}, ${affineRow(generator[1])})`
      : 'pixels map by expm(tG)';
  return {
    name,
    kind,
    generator: math.matrix(generator),
    latex: generatorLatex(generator),
    description: `custom ${kind === 'spatial' ? 'spatial' : 'colour'} group, ${field}`,
    ...(meanGenerator ? { meanGenerator: math.matrix(meanGenerator) } : {}),
  };
}

function affineRow([a, b, c]: number[]): string {
  const term = (k: number, s: string) => (s === '' ? fmt(k) : k === 1 ? s : k === -1 ? `-${s}` : `${fmt(k)}${s}`);
  const terms = (
    [
      [a, 'u'],
      [b, 'v'],
      [c, ''],
    ] as Array<[number, string]>
  )
    .filter(([k]) => k !== 0)
    .map(([k, s]) => term(k, s));
  return terms.length ? terms.join(' + ').replace(/\+ -/g, '- ') : '0';
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** LaTeX pmatrix of a generator's entries (4 significant digits). */
export function generatorLatex(m: math.Matrix | number[][]): string {
  const r = math.isMatrix(m) ? rows(m) : m;
  return (
    String.raw`\begin{pmatrix}` +
    r.map((row) => row.map(fmt).join('&')).join(String.raw`\\`) +
    String.raw`\end{pmatrix}`
  );
}

/**
 * Σ c_k G_k over groups of one kind: a new group whose flow is expm(t Σ c_k G_k) (not the
 * composition of the flows) and whose tangent is Σ c_k L_k x.
 */
export function combineGroups(name: string, terms: Array<[number, string | Group]>): Group {
  if (!Array.isArray(terms) || terms.length === 0)
    throw new InputError(`combineGroups('${name}'): needs at least one [coefficient, group] term`);
  const groups = terms.map(([c, g]) => {
    if (typeof c !== 'number' || !Number.isFinite(c))
      throw new InputError(`combineGroups('${name}'): coefficients must be finite numbers, got ${String(c)}`);
    return getGroup(g);
  });
  const kinds = new Set(groups.map((g) => g.kind));
  if (kinds.size > 1) {
    throw new InputError(
      `combineGroups('${name}'): all terms must be of one kind, got ${groups.map((g) => `${g.name} (${g.kind})`).join(', ')}`,
    );
  }
  const kind = groups[0].kind;
  const sum = (pick: (g: Group) => math.Matrix) =>
    rows(
      terms.reduce(
        (acc, [c], i) => math.add(acc, math.multiply(c, pick(groups[i]))) as math.Matrix,
        math.zeros(3, 3) as math.Matrix,
      ),
    );
  const coupled = groups.some((g) => g.meanGenerator !== undefined);
  const group = makeGroup(
    name,
    kind,
    sum((g) => g.generator),
    coupled ? sum(meanGeneratorOf) : undefined,
  );
  group.description = `${terms.map(([c], i) => `${fmt(c)}·${groups[i].name}`).join(' + ')} (${group.description})`;
  return group;
}

/** The generator acting on the per-image mean colour (the pixel generator when the group has none). */
export function meanGeneratorOf(g: Group): math.Matrix {
  return g.meanGenerator ?? g.generator;
}

/** expm(tG) as a 3×3 array: for spatial groups rows 0–1 are A_t of DESIGN §2 (inputFromOutput). */
export function flow(g: string | Group, t: number): number[][] {
  const group = getGroup(g);
  return rows(math.expm(math.multiply(t, group.generator) as math.Matrix));
}

/** expm(t G₀) for the mean part of a colour group (equals `flow` when there is no meanGenerator). */
export function meanFlow(g: string | Group, t: number): number[][] {
  return rows(math.expm(math.multiply(t, meanGeneratorOf(getGroup(g))) as math.Matrix));
}

/**
 * Matrix commutator [A, B] = AB − BA of two generators of the same kind.
 * Sign convention: [rotate, translate-x] = −translate-y (see the tests).
 * For groups with a meanGenerator (contrast) the pixel generator alone does not determine the
 * bracket; use `commutatorGroup`, which brackets both parts.
 */
export function commutator(a: string | Group, b: string | Group): math.Matrix {
  const [ga, gb] = sameKind(a, b, 'commutator');
  if (ga.meanGenerator || gb.meanGenerator) {
    throw new InputError(
      `commutator: '${(ga.meanGenerator ? ga : gb).name}' couples to the image mean, so a single 3×3 matrix does not describe the bracket; use commutatorGroup`,
    );
  }
  return bracket(ga.generator, gb.generator);
}

/** The commutator as a Group (spatial or colour, including the mean part for contrast). */
export function commutatorGroup(a: string | Group, b: string | Group, name?: string): Group {
  const [ga, gb] = sameKind(a, b, 'commutatorGroup');
  const coupled = ga.meanGenerator !== undefined || gb.meanGenerator !== undefined;
  const group = makeGroup(
    name ?? `[${ga.name}, ${gb.name}]`,
    ga.kind,
    rows(bracket(ga.generator, gb.generator)),
    coupled ? rows(bracket(meanGeneratorOf(ga), meanGeneratorOf(gb))) : undefined,
  );
  return group;
}

function bracket(a: math.Matrix, b: math.Matrix): math.Matrix {
  return math.subtract(math.multiply(a, b), math.multiply(b, a)) as math.Matrix;
}

function sameKind(a: string | Group, b: string | Group, fn: string): [Group, Group] {
  const ga = getGroup(a);
  const gb = getGroup(b);
  if (ga.kind !== gb.kind)
    throw new InputError(
      `${fn}: both groups must be of one kind, got '${ga.name}' (${ga.kind}) and '${gb.name}' (${gb.kind})`,
    );
  return [ga, gb];
}

/** The six affine basis generators: every spatial generator is a unique combination of them. */
export const AFFINE_BASIS: GroupName[] = ['translate-x', 'translate-y', 'stretch-x', 'stretch-y', 'shear-x', 'shear-y'];

/**
 * Writes a spatial generator as Σ c·(basis group) over AFFINE_BASIS, dropping zero terms, e.g.
 * commutator('rotate', 'translate-x') → [[-1, 'translate-y']]. For notebooks and tests.
 */
export function spatialCoefficients(m: math.Matrix | number[][]): Array<[number, GroupName]> {
  const r = math.isMatrix(m) ? rows(m) : m;
  checkSquare3(r, 'spatialCoefficients: generator');
  checkAffine(r, 'spatialCoefficients');
  // Each basis generator has a single entry 1, so the coefficients are entries of the matrix.
  const entries: Array<[number, GroupName]> = [
    [r[0][2], 'translate-x'],
    [r[1][2], 'translate-y'],
    [r[0][0], 'stretch-x'],
    [r[1][1], 'stretch-y'],
    [r[0][1], 'shear-x'],
    [r[1][0], 'shear-y'],
  ];
  return entries.filter(([c]) => Math.abs(c) > 1e-12);
}
