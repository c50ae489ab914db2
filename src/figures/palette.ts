/**
 * The one place that defines the figures' colours and how log axes are labelled.
 *
 * Colours: Paul Tol's colour-blind-safe qualitative schemes (https://personal.sron.nl/~pault/,
 * "muted" then "light"), 13 distinct hues — the light scheme's light yellow, light cyan and mint are
 * left out because they sit next to muted sand, cyan and teal — then Tol's pale grey. Plotly's
 * default colorway has 10 colours, so an eleventh model repeated the first one's colour.
 */
export const PALETTE: readonly string[] = [
  '#332288', // muted indigo
  '#CC6677', // muted rose
  '#117733', // muted green
  '#DDCC77', // muted sand
  '#88CCEE', // muted cyan
  '#882255', // muted wine
  '#44AA99', // muted teal
  '#999933', // muted olive
  '#AA4499', // muted purple
  '#77AADD', // light blue
  '#EE8866', // light orange
  '#FFAABB', // light pink
  '#BBCC33', // light pear
  '#BBBBBB', // pale grey (Tol's "bad data" grey: last, so only a 14th series gets it)
];

/** The colour of series `i` (cycles after PALETTE.length). */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}

/** Significant-digit value label without exponent noise: 0.002, 0.05, 4, 20, 3e-5 below 1e-4. */
export function fullValue(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-4 || a >= 1e6) return x.toExponential(0).replace('e+', 'e');
  return Number(x.toPrecision(3)).toString();
}

/**
 * A log axis whose tick labels are full values ("0.02", "0.05", "0.1", "0.2"), never Plotly's
 * leading digits alone (its minor labels "2", "5" make 0.4 and 4 look alike). Ticks at 1, 2, 5 ×
 * 10^k across [min, max] of the positive `values` (1, 3 × 10^k over 4–5 decades, powers of 10 beyond).
 */
export function logAxis(values: readonly number[]): Record<string, unknown> {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return { type: 'log' };
  const lo = Math.min(...pos);
  const hi = Math.max(...pos);
  const k0 = Math.floor(Math.log10(lo));
  const k1 = Math.ceil(Math.log10(hi));
  const mantissas = k1 - k0 > 5 ? [1] : k1 - k0 > 3 ? [1, 3] : k1 - k0 > 2 ? [1, 2, 5] : [1, 2, 3, 5];
  const ticks: number[] = [];
  for (let k = k0; k <= k1; k++) for (const m of mantissas) ticks.push(Number((m * 10 ** k).toPrecision(3)));
  // Keep the ticks inside the data's span plus one tick on either side, so the axis is labelled at both ends.
  const below = ticks.filter((t) => t <= lo).pop() ?? ticks[0];
  const above = ticks.find((t) => t >= hi) ?? ticks[ticks.length - 1];
  const kept = ticks.filter((t) => t >= below && t <= above);
  return { type: 'log', tickmode: 'array', tickvals: kept, ticktext: kept.map(fullValue) };
}
