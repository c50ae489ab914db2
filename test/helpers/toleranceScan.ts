/**
 * Finds numerical tolerance literals in TypeScript test source (test/tolerances.test.ts uses it):
 * a small number literal — negative-exponent scientific (1e-6, 2.5E-3) or a decimal below 0.1
 * (0.05, 0.001) — in a *bound position*:
 *  - on the right of a comparison (`< 1e-6`, `<= 1e-4 * ref`, `> 1e-2`), up to the next `&&`, `||`,
 *    `,` or `?` at the same bracket depth;
 *  - the value of a tolerance-named binding or key (`tol: 2e-3`, `const FD_TOL = 5e-3`)
 *    and of a finite-difference step `h:` beside it, up to the next `,` `;` `}` at the same depth;
 *  - the last argument of a closeness helper (`close(a, b, 1e-3)`, `isNear(…)`, `approxEqual(…)`).
 * Data (inputs, steps of a grid, expected values) is elsewhere on such lines and is not reported.
 * Comments and the contents of strings are ignored; template `${…}` expressions are code. A line
 * whose comment says `tolerance-scan: data` (with why) is a formula's constant, not a bound.
 */

/** A small literal, as a global regex over code. */
const SMALL = /(?<![\w.$])(?:\d+(?:\.\d+)?[eE]-\d+|0\.0\d*[1-9]\d*)(?![\w.])/g;

/** The code of one line: comments dropped, string and template text blanked (same length, spaces). */
export function codeOf(line: string, state: { inBlock: boolean } = { inBlock: false }): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (state.inBlock) {
      if (c === '*' && line[i + 1] === '/') {
        state.inBlock = false;
        out += '  ';
        i++;
      } else out += ' ';
      continue;
    }
    if (quote) {
      if (c === '\\') {
        out += '  ';
        i++;
        continue;
      }
      if (c === quote) {
        quote = undefined;
        out += c;
        continue;
      }
      if (quote === '`' && c === '$' && line[i + 1] === '{') {
        let depth = 0;
        let j = i + 1;
        for (; j < line.length; j++) {
          if (line[j] === '{') depth++;
          else if (line[j] === '}' && --depth === 0) break;
        }
        out += line.slice(i, j + 1);
        i = j;
        continue;
      }
      out += ' ';
      continue;
    }
    if (c === '/' && line[i + 1] === '/') break;
    if (c === '/' && line[i + 1] === '*') {
      state.inBlock = true;
      out += '  ';
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    out += c;
  }
  return out;
}

/** End of the expression starting at `from`: the first of `stops` at depth 0, or a bracket closing past it. */
function exprEnd(code: string, from: number, stops: string[]): number {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && stops.some((s) => code.startsWith(s, i))) return i;
  }
  return code.length;
}

export interface LiteralSpan {
  start: number;
  end: number;
  text: string;
  /** What put it in a bound position: 'comparison', 'named' (tol/eps/h key or binding) or 'helper'. */
  why: 'comparison' | 'named' | 'helper';
}

/** The tolerance literals of one line of code (already passed through codeOf), left to right. */
export function boundLiterals(code: string): LiteralSpan[] {
  const ranges: Array<[number, number, LiteralSpan['why']]> = [];
  for (const m of code.matchAll(/\s(<=|>=|<|>)\s/g)) {
    const from = m.index! + m[0].length;
    ranges.push([from, exprEnd(code, from, ['&&', '||', ',', '?', ';']), 'comparison']);
  }
  const hasTol = /\btol\s*[:=]/.test(code);
  for (const m of code.matchAll(/(?:\b\w*(?:TOL|Tol)\w*|\btol\w*|\bh)\s*(?::|=(?![=>]))\s*/g)) {
    if (/^h\s*[:=]/.test(m[0]) && !hasTol) continue; // a step h is a bound only beside its tolerance
    const from = m.index! + m[0].length;
    ranges.push([from, exprEnd(code, from, [',', ';']), 'named']);
  }
  for (const m of code.matchAll(/\b\w*(?:[cC]lose|[nN]ear|[aA]pprox)\w*\s*\(/g)) {
    const open = m.index! + m[0].length;
    const close = exprEnd(code, open, []);
    const args = code.slice(open, close);
    let depth = 0;
    let last = 0;
    for (let i = 0; i < args.length; i++) {
      if ('([{'.includes(args[i])) depth++;
      else if (')]}'.includes(args[i])) depth--;
      else if (args[i] === ',' && depth === 0) last = i + 1;
    }
    if (last > 0) ranges.push([open + last, close, 'helper']);
  }
  const out: LiteralSpan[] = [];
  for (const m of code.matchAll(SMALL)) {
    const start = m.index!;
    const r = ranges.find(([a, b]) => start >= a && start < b);
    if (r) out.push({ start, end: start + m[0].length, text: m[0], why: r[2] });
  }
  return out;
}

/** `file:line: text` for every tolerance literal in `source` (the file's text). */
export function scanSource(source: string, name: string): string[] {
  const state = { inBlock: false };
  const found: string[] = [];
  source.split('\n').forEach((raw, k) => {
    const code = codeOf(raw, state);
    if (/\/\/.*tolerance-scan: data/.test(raw)) return;
    if (boundLiterals(code).length) found.push(`${name}:${k + 1}: ${raw.trim()}`);
  });
  return found;
}
