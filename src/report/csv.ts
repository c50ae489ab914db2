/**
 * Rows of plain objects → CSV text (RFC 4180: a field holding a comma, quote or newline is quoted,
 * quotes doubled). Columns: `columns`, or the union of the rows' keys in first-seen order.
 * Numbers are written in full precision (String(x)); undefined and null become empty fields.
 */
export function toCsv(rows: readonly object[], columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const field = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    const s = Array.isArray(v)
      ? v.join(' ')
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v as string | number | boolean | bigint); // no '[object Object]' cells
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [
    cols.map(field).join(','),
    ...rows.map((r) => cols.map((c) => field((r as Record<string, unknown>)[c])).join(',')),
  ];
  return lines.join('\n') + '\n';
}
