import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fullValue, logAxis, PALETTE, seriesColor } from '../../src/figures/palette';

/** sRGB hex → CIELAB (D65), for a colour-difference check independent of the palette's source. */
function lab(hex: string): [number, number, number] {
  const lin = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)); // tolerance-scan: data (the sRGB transfer function's constants)
  const [r, g, b] = lin;
  const xyz = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const [fx, fy, fz] = xyz.map(f);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

test('PALETTE: at least 12 distinct colours, every pair at least ΔE76 = 10 apart (models no longer share a colour)', () => {
  assert.ok(PALETTE.length >= 12);
  assert.equal(new Set(PALETTE.map((c) => c.toLowerCase())).size, PALETTE.length);
  for (let i = 0; i < PALETTE.length; i++) {
    for (let j = i + 1; j < PALETTE.length; j++) {
      const [a, b] = [lab(PALETTE[i]), lab(PALETTE[j])];
      const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      assert.ok(d >= 10, `${PALETTE[i]} vs ${PALETTE[j]}: ΔE ${d.toFixed(1)}`);
    }
  }
  assert.equal(seriesColor(11), PALETTE[11]);
  assert.equal(seriesColor(PALETTE.length), PALETTE[0]);
});

test('logAxis: ticks at 1-2-3-5 / 1-2-5 × 10^k labelled with full values, so 0.4 and 4 read differently', () => {
  const ax = logAxis([0.3, 4.2]) as { type: string; tickvals: number[]; ticktext: string[] };
  assert.equal(ax.type, 'log');
  assert.deepEqual(ax.tickvals, [0.3, 0.5, 1, 2, 3, 5]);
  assert.deepEqual(ax.ticktext, ['0.3', '0.5', '1', '2', '3', '5']);
  const wide = logAxis([2e-3, 0.5]) as { tickvals: number[]; ticktext: string[] };
  assert.deepEqual(wide.ticktext, ['0.002', '0.005', '0.01', '0.02', '0.05', '0.1', '0.2', '0.5']);
  const huge = logAxis([1e-9, 1]) as { ticktext: string[] };
  assert.ok(huge.ticktext.includes('1e-9') && huge.ticktext.includes('1'), huge.ticktext.join(' '));
  assert.deepEqual(logAxis([0, -1]), { type: 'log' });
  assert.equal(fullValue(0.00035), '0.00035');
  assert.equal(fullValue(20), '20');
});
