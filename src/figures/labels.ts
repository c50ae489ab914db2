import { InputError } from '../errors';

/**
 * Escapes a user string for Plotly text. Plotly renders a subset of HTML in titles, legend
 * names, tick labels and hover text (<b>, <a href>, <br> ...) and decodes entities, so `&`, `<`
 * and `>` become entities: the label shows as typed and cannot inject a link or markup.
 */
export function escapeLabel(s: string | number): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** "mean-abs LEE of probs": the measure a value is, for axis titles (DESIGN §1). */
export function leeMeasure(output: string, reduction: string): string {
  return `LEE (${escapeLabel(reduction)} of ${escapeLabel(output)})`;
}

/** Throws unless rows is a non-empty array. */
export function requireRows<T>(rows: readonly T[], fn: string): void {
  if (!Array.isArray(rows) || rows.length === 0)
    throw new InputError(
      `'${fn}' needs a non-empty array of rows, got ${Array.isArray(rows) ? 'an empty array' : typeof rows}`,
    );
}

/**
 * The single value of `key` across rows. A figure has one axis title, so rows that mix outputs
 * or reductions would be mislabelled: that is an error, not a silent pick.
 */
export function single<T, K extends keyof T>(rows: readonly T[], key: K, fn: string): T[K] {
  const values = unique(rows.map((r) => r[key]));
  if (values.length !== 1) {
    throw new InputError(
      `'${fn}' needs rows with one ${String(key)}, got ${values.map(String).join(', ')}; filter the rows to one first`,
    );
  }
  return values[0];
}

/** Distinct values in first-seen order. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Throws unless every value of `key` is a finite number (and > 0 when `positive`). */
export function requireFinite<T>(rows: readonly T[], key: keyof T, fn: string, positive = false): void {
  for (const r of rows) {
    const v = r[key] as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0)) {
      throw new InputError(
        `'${fn}' needs ${positive ? 'positive ' : ''}finite numbers in '${String(key)}', got ${String(v)}`,
      );
    }
  }
}

/** Mean of a non-empty list. */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Standard error of the mean (0 for a single value). */
export function standardError(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  const variance = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(variance / xs.length);
}

/** Groups rows by a string key, keeping first-seen order. */
export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** The figure title object Plotly ≥ 3 expects (string titles were removed in v3). */
export function title(text: string): { text: string } {
  return { text };
}

/** An axis with a title (Plotly ≥ 3 object form), optional log type. */
export function axis(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text }, automargin: true, ...extra };
}
