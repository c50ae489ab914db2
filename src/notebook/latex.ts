import { InputError } from '../errors';
import { formatNumber } from './formatNumber';

/** A mathjs Matrix (anything with toArray), nested number arrays, or a mathjs expression string. */
export type LatexInput = { toArray(): unknown } | number[][] | number[] | string;

export interface LatexOptions {
  /** Left-hand side, e.g. 'G_{\\mathrm{rotate}}' → "G_{rotate} = ( … )". */
  name?: string;
  digits?: number;
}

/**
 * Display-math LaTeX (`$$ … $$`) for a generator matrix or an expression; show() renders it.
 * Matrices become a pmatrix with entries formatted like table numbers (−0 prints as 0);
 * strings are parsed by mathjs and printed with its toTex.
 */
export function latex(x: LatexInput, { name, digits = 4 }: LatexOptions = {}): string {
  const lhs = name ? `${name} = ` : '';
  if (typeof x === 'string') {
    const math = require('mathjs');
    return `$$${lhs}${math.parse(x).toTex()}$$`;
  }
  const rows = toRows(
    typeof (x as { toArray?: unknown }).toArray === 'function' ? (x as { toArray(): unknown }).toArray() : x,
  );
  const body = rows.map((r) => r.map((v) => entry(v, digits)).join(' & ')).join(' \\\\ ');
  return `$$${lhs}\\begin{pmatrix} ${body} \\end{pmatrix}$$`;
}

function toRows(a: unknown): number[][] {
  if (!Array.isArray(a)) throw new InputError(`latex() needs a matrix (mathjs Matrix or number[][]), got ${typeof a}`);
  const rows = a.every((r) => Array.isArray(r)) ? (a as unknown[][]) : [a as unknown[]]; // a vector prints as one row
  return rows.map((r) =>
    r.map((v) => {
      if (typeof v !== 'number')
        throw new InputError(
          `latex() needs real number entries, got ${typeof v === 'object' ? JSON.stringify(v) : typeof v}`,
        );
      return v;
    }),
  );
}

function entry(v: number, digits: number): string {
  const s = formatNumber(Object.is(v, -0) ? 0 : v, digits);
  const m = /^(-?[\d.]+)e(-?\d+)$/.exec(s);
  if (m) return `${m[1]} \\times 10^{${m[2]}}`;
  return s.replace('∞', '\\infty').replace('−', '-');
}

/** True for a string that is one display-math block `$$ … $$` (how show() recognises LaTeX). */
export function isLatex(x: unknown): x is string {
  if (typeof x !== 'string') return false;
  const s = x.trim();
  return s.length >= 4 && s.startsWith('$$') && s.endsWith('$$');
}
