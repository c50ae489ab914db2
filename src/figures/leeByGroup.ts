import type { PlotlyFigure, PlotlyTrace } from './plotly';
import type { LeeRow } from './types';
import { meanCI } from '../stats/bootstrap';
import { axis, escapeLabel, groupBy, leeMeasure, mean, requireFinite, requireRows, single, unique } from './labels';
import { logAxis, PALETTE } from './palette';

export interface LeeByGroupOptions {
  /** Log y axis (LEE spans orders of magnitude across groups). */
  logY?: boolean;
  /** 'bar': mean over images with its 95% bootstrap CI (src/stats/bootstrap.ts); 'box': the per-image distribution. */
  mode?: 'bar' | 'box';
  title?: string;
}

/**
 * LEE per group per model: groups along x, one bar (or box) per model.
 * Rows must share one output and one reduction; the y axis names them.
 */
export function leeByGroup(
  rows: LeeRow[],
  { logY = true, mode = 'bar', title: text }: LeeByGroupOptions = {},
): PlotlyFigure {
  requireRows(rows, 'leeByGroup');
  requireFinite(rows, 'lee', 'leeByGroup');
  const output = single(rows, 'output', 'leeByGroup');
  const reduction = single(rows, 'reduction', 'leeByGroup');
  const groups = unique(rows.map((r) => r.group));
  const data: PlotlyTrace[] = [];
  const ranges: number[] = [];
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
      const ci = lees.length > 1 ? meanCI(lees) : { lo: lees[0], hi: lees[0] };
      return { mean: mean(lees), lo: ci.lo, hi: ci.hi, n: lees.length };
    });
    ranges.push(...stats.flatMap((s) => [s.lo, s.hi, s.mean]));
    data.push({
      type: 'bar',
      name: escapeLabel(model),
      x: present.map(escapeLabel),
      y: stats.map((s) => s.mean),
      error_y: {
        type: 'data',
        symmetric: false,
        array: stats.map((s) => s.hi - s.mean),
        arrayminus: stats.map((s) => s.mean - s.lo),
        visible: stats.some((s) => s.n > 1),
      },
      customdata: stats.map((s) => [s.n, s.lo, s.hi]),
      hovertemplate:
        '%{fullData.name}<br>group %{x}<br>mean LEE %{y:.3g}, 95% CI [%{customdata[1]:.3g}, %{customdata[2]:.3g}]<br>images: %{customdata[0]}<extra></extra>',
    });
  }
  const measure = leeMeasure(output, reduction);
  return {
    data,
    layout: {
      title: { text: text ?? `${measure} per group` },
      xaxis: axis('group', { type: 'category', categoryorder: 'array', categoryarray: groups.map(escapeLabel) }),
      yaxis: axis(
        mode === 'box' ? `${measure}, per image` : `${measure}, mean over images (95% CI)`,
        logY ? logAxis(mode === 'box' ? rows.map((r) => r.lee) : ranges) : {},
      ),
      colorway: [...PALETTE],
      barmode: 'group',
      boxmode: 'group',
      legend: { title: { text: 'model' } },
      hovermode: 'closest',
    },
  };
}
