import type { PlotlyFigure, PlotlyTrace } from './plotly';
import type { LeeRow } from './types';
import { axis, escapeLabel, groupBy, leeMeasure, mean, requireFinite, requireRows, single, standardError, unique } from './labels';

export interface LeeByGroupOptions {
  /** Log y axis (LEE spans orders of magnitude across groups). */
  logY?: boolean;
  /** 'bar': mean over images ± standard error; 'box': the per-image distribution. */
  mode?: 'bar' | 'box';
  title?: string;
}

/**
 * LEE per group per model: groups along x, one bar (or box) per model.
 * Rows must share one output and one reduction; the y axis names them.
 */
export function leeByGroup(rows: LeeRow[], { logY = true, mode = 'bar', title: text }: LeeByGroupOptions = {}): PlotlyFigure {
  requireRows(rows, 'leeByGroup');
  requireFinite(rows, 'lee', 'leeByGroup');
  const output = single(rows, 'output', 'leeByGroup');
  const reduction = single(rows, 'reduction', 'leeByGroup');
  const groups = unique(rows.map((r) => r.group));
  const data: PlotlyTrace[] = [];
  for (const [model, modelRows] of groupBy(rows, (r) => r.model)) {
    if (mode === 'box') {
      data.push({
        type: 'box',
        name: escapeLabel(model),
        x: modelRows.map((r) => escapeLabel(r.group)),
        y: modelRows.map((r) => r.lee),
        boxpoints: 'all',
        jitter: 0.3,
        hovertemplate: '%{fullData.name}<br>group %{x}<br>LEE %{y:.3g}<extra></extra>',
      });
      continue;
    }
    const byGroup = groupBy(modelRows, (r) => r.group);
    const present = groups.filter((g) => byGroup.has(g));
    const stats = present.map((g) => {
      const lees = byGroup.get(g)!.map((r) => r.lee);
      return { mean: mean(lees), se: standardError(lees), n: lees.length };
    });
    data.push({
      type: 'bar',
      name: escapeLabel(model),
      x: present.map(escapeLabel),
      y: stats.map((s) => s.mean),
      error_y: { type: 'data', array: stats.map((s) => s.se), visible: stats.some((s) => s.n > 1) },
      customdata: stats.map((s) => [s.n, s.se]),
      hovertemplate: '%{fullData.name}<br>group %{x}<br>mean LEE %{y:.3g} ± %{customdata[1]:.2g} (s.e.)<br>images: %{customdata[0]}<extra></extra>',
    });
  }
  const measure = leeMeasure(output, reduction);
  return {
    data,
    layout: {
      title: { text: text ?? `${measure} per group` },
      xaxis: axis('group', { type: 'category', categoryorder: 'array', categoryarray: groups.map(escapeLabel) }),
      yaxis: axis(mode === 'box' ? `${measure}, per image` : `${measure}, mean over images`, logY ? { type: 'log' } : {}),
      barmode: 'group',
      boxmode: 'group',
      legend: { title: { text: 'model' } },
      hovermode: 'closest',
    },
  };
}

