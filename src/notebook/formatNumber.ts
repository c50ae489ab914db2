/**
 * A number for a table cell: integers as they are, 0 as "0", tiny or huge magnitudes with an
 * exponent ("1.234e-7"), the rest with `digits` significant digits and no trailing zeros.
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const abs = Math.abs(x);
  if (abs < 1e-3 || abs >= 1e15) return trimMantissa(x.toExponential(digits - 1));
  if (abs >= 10 ** digits) return String(Math.round(x)); // toPrecision would switch to an exponent
  return trimZeros(x.toPrecision(digits));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

function trimMantissa(s: string): string {
  const [mantissa, exponent] = s.split('e');
  return `${trimZeros(mantissa)}e${exponent.replace('+', '')}`;
}

/** Any cell value as display text (numbers via formatNumber, objects as short JSON). */
export function formatCell(value: unknown, digits = 4): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value, digits);
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>);
    const shown = items.slice(0, 6).map((v) => formatCell(v, digits));
    return `[${shown.join(', ')}${items.length > 6 ? `, … (${items.length})` : ''}]`;
  }
  // String() only for what JSON cannot encode (functions, symbols): a function prints its source.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- see above
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}
