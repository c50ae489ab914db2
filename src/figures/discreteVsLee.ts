import type { PlotlyFigure, PlotlyTrace } from './plotly';
import type { DiscreteRow } from './types';
import { escapeLabel, groupBy, leeMeasure, requireFinite, requireRows, single } from './labels';
import { logAxis, PALETTE } from './palette';

export interface DiscreteVsLeeOptions {
  /** Log x axis for the LEE. */
  logX?: boolean;
  title?: string;
}

/**
 * Discrete equivariance metrics against the LEE of the same models, one subplot per metric
 * (each metric has its own scale), one point per model (and group).
 */
export function discreteVsLee(
  rows: DiscreteRow[],
  { logX = true, title: text }: DiscreteVsLeeOptions = {},
): PlotlyFigure {
  requireRows(rows, 'discreteVsLee');
  requireFinite(rows, 'lee', 'discreteVsLee', logX);
  requireFinite(rows, 'value', 'discreteVsLee');
  const output = single(rows, 'output', 'discreteVsLee');
  const reduction = single(rows, 'reduction', 'discreteVsLee');
  const metrics = [...groupBy(rows, (r) => r.metric)];
  const gap = 0.08;
  const width = (1 - gap * (metrics.length - 1)) / metrics.length;
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {};
  const measure = leeMeasure(output, reduction);
  metrics.forEach(([metric, rs], k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const x0 = k * (width + gap);
    for (const [, grs] of groupBy(rs, (r) => r.group ?? '')) {
      const group = grs[0].group;
      data.push({
        type: 'scatter',
        mode: 'markers+text',
        name: `${escapeLabel(metric)}${group ? ` (${escapeLabel(group)})` : ''}`,
        x: grs.map((r) => r.lee),
        y: grs.map((r) => r.value),
        text: grs.map((r) => escapeLabel(r.model)),
        textposition: 'top center',
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        marker: { size: 9 },
        hovertemplate: '%{text}<br>LEE %{x:.3g}<br>%{fullData.name}: %{y:.3g}<extra></extra>',
      });
    }
    layout[`xaxis${suffix}`] = {
      domain: [x0, x0 + width],
      title: { text: measure },
      anchor: `y${suffix}`,
      automargin: true,
      ...(logX ? logAxis(rs.map((r) => r.lee)) : {}),
    };
    layout[`yaxis${suffix}`] = { title: { text: escapeLabel(metric) }, anchor: `x${suffix}`, automargin: true };
  });
  return {
    data,
    layout: {
      title: { text: text ?? `Discrete metrics vs ${measure}` },
      ...layout,
      colorway: [...PALETTE],
      hovermode: 'closest',
    },
  };
}
