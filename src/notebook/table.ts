import { InputError } from '../errors';
import { formatCell } from './formatNumber';
import { escapeHtml } from './html';

/** A table as columns and row-major values: what rows and DataFrames are both turned into. */
export interface Table {
  columns: string[];
  values: unknown[][];
}

export interface TableOptions {
  /** Significant digits for numbers. */
  digits?: number;
  /** Rows shown before "… N more rows". */
  maxRows?: number;
  caption?: string;
}

/** Row objects → Table; columns are the union of keys in first-seen order. */
export function rowsToTable(rows: readonly object[]): Table {
  if (!Array.isArray(rows)) throw new InputError(`a table needs an array of row objects, got ${typeof rows}`);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (typeof row !== 'object' || row === null)
      throw new InputError(`a table row must be an object, got ${row === null ? 'null' : typeof row}`);
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return { columns, values: rows.map((row) => columns.map((c) => (row as Record<string, unknown>)[c])) };
}

/** Escaped HTML table: every header and cell goes through escapeHtml, numbers right-aligned. */
export function tableHtml(table: Table, { digits = 4, maxRows = 50, caption }: TableOptions = {}): string {
  const shown = table.values.slice(0, maxRows);
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = shown
    .map(
      (row) =>
        `<tr>${row.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(formatCell(v, digits))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const more =
    table.values.length > shown.length
      ? `<p class="liederiv-more">… ${table.values.length - shown.length} more rows</p>`
      : '';
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : '';
  return (
    `<div class="liederiv-table"><style>.liederiv-table td.num{text-align:right;font-variant-numeric:tabular-nums}</style>` +
    `<table class="dataframe">${cap}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}</div>`
  );
}

/** Plain-text table with aligned columns (numbers right-aligned), for text/plain and terminals. */
export function tableText(table: Table, { digits = 4, maxRows = 50, caption }: TableOptions = {}): string {
  const shown = table.values.slice(0, maxRows);
  const cells = shown.map((row) => row.map((v) => formatCell(v, digits).replace(/\s+/g, ' ')));
  const widths = table.columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const numeric = table.columns.map(
    (_, j) => shown.length > 0 && shown.every((r) => typeof r[j] === 'number' || r[j] == null),
  );
  const pad = (s: string, j: number) => (numeric[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]));
  const lines = [
    table.columns.map(pad).join('  '),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map((r) => r.map(pad).join('  ').trimEnd()),
  ];
  if (table.values.length > shown.length) lines.push(`… ${table.values.length - shown.length} more rows`);
  if (caption) lines.unshift(caption);
  return lines.join('\n');
}
