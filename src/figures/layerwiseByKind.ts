import type { PlotlyFigure, PlotlyTrace } from './plotly';
import type { LayerRow } from './types';
import { axis, escapeLabel, groupBy, requireFinite, requireRows, unique } from './labels';
import { PALETTE } from './palette';
import { averageLayers, type LayerMeasure, MEASURE_LABEL } from './layerwiseAverage';

export interface LayerwiseByKindOptions {
  measure?: LayerMeasure;
  /** Show each kind's share of the model's total instead of the raw sum. */
  normalize?: boolean;
  title?: string;
}

/**
 * Contributions summed by layer kind (conv, activation, norm, pool, attention, ...), grouped
 * bars with one bar per model: "which layers break equivariance" (DESIGN §5).
 */
export function layerwiseByKind(
  rows: LayerRow[],
  { measure = 'projection', normalize = true, title: text }: LayerwiseByKindOptions = {},
): PlotlyFigure {
  requireRows(rows, 'layerwiseByKind');
  requireFinite(rows, measure, 'layerwiseByKind');
  const kinds = unique(rows.map((r) => r.kind));
  const data: PlotlyTrace[] = [];
  for (const [model, layers] of averageLayers(rows, measure)) {
    const total = layers.reduce((a, l) => a + l.value, 0);
    const byKind = groupBy(layers, (l) => l.kind);
    const present = kinds.filter((k) => byKind.has(k));
    const sums = present.map((k) => byKind.get(k)!.reduce((a, l) => a + l.value, 0));
    data.push({
      type: 'bar',
      name: escapeLabel(model),
      x: present.map(escapeLabel),
      y: sums.map((s) => (normalize && total !== 0 ? s / total : s)),
      customdata: present.map((k) => byKind.get(k)!.length),
      hovertemplate: `%{fullData.name}<br>%{x}: %{y:${normalize ? '.1%' : '.3g'}}<br>layers of this kind: %{customdata}<extra></extra>`,
    });
  }
  const what = MEASURE_LABEL[measure];
  return {
    data,
    layout: {
      title: { text: text ?? `Contribution by layer kind (${what}, mean over images)` },
      xaxis: axis('layer kind', { type: 'category', categoryorder: 'array', categoryarray: kinds.map(escapeLabel) }),
      yaxis: axis(normalize ? `share of ‖L f‖` : `sum of ${what}`, normalize ? { tickformat: '.0%' } : {}),
      barmode: 'group',
      legend: { title: { text: 'model' } },
      colorway: [...PALETTE],
      hovermode: 'closest',
    },
  };
}
