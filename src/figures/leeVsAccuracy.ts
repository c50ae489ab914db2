import { InputError } from '../errors';
import { linearFit } from './fit';
import type { PlotlyFigure, PlotlyTrace } from './plotly';
import type { LeeRow } from './types';
import { axis, escapeLabel, groupBy, leeMeasure, mean, requireFinite, requireRows, single } from './labels';
import { logAxis, PALETTE, seriesColor } from './palette';

/** Marker symbol per architecture family (colour already tells the models apart). */
const SYMBOLS = ['circle', 'square', 'diamond', 'triangle-up', 'cross', 'x', 'star', 'pentagon'];

export interface LeeVsAccuracyOptions {
  /** Keep only rows of this group (rows must end up with one group either way). */
  group?: string;
  /** Log y axis; the fit is then of log10(LEE) against accuracy, as plotted. */
  logY?: boolean;
  title?: string;
}

/**
 * LEE against test accuracy across models, with a least-squares line and its R² (the paper's
 * Figure 1, right). One point per model: its mean LEE over images. Rows need `accuracy` in
 * [0, 1]. Every model is its own legend entry with its own colour (PALETTE), grouped by `family`
 * (one marker symbol per family); no text beside the points, because clustered models' labels
 * overlapped. The fit is drawn in the plotted
 * space (log10 LEE when logY) and needs two models with different accuracies; with fewer the
 * figure has no fit.
 */
export function leeVsAccuracy(
  rows: LeeRow[],
  { group, logY = true, title: text }: LeeVsAccuracyOptions = {},
): PlotlyFigure {
  const kept = group === undefined ? rows : rows.filter((r) => r.group === group);
  requireRows(kept, 'leeVsAccuracy');
  requireFinite(kept, 'lee', 'leeVsAccuracy', logY);
  requireFinite(kept, 'accuracy', 'leeVsAccuracy');
  const theGroup = single(kept, 'group', 'leeVsAccuracy');
  const output = single(kept, 'output', 'leeVsAccuracy');
  const reduction = single(kept, 'reduction', 'leeVsAccuracy');

  const models = [...groupBy(kept, (r) => r.model)].map(([model, rs]) => {
    const accuracies = new Set(rs.map((r) => r.accuracy));
    if (accuracies.size !== 1)
      throw new InputError(
        `'leeVsAccuracy': model '${model}' has several accuracies (${[...accuracies].join(', ')}); expected one per model`,
      );
    return { model, family: rs[0].family ?? '', accuracyPct: 100 * rs[0].accuracy!, lee: mean(rs.map((r) => r.lee)) };
  });

  const data: PlotlyTrace[] = [];
  const families = [...groupBy(models, (m) => m.family).keys()];
  models.forEach((m, i) => {
    const family = m.family === '' ? 'models' : escapeLabel(m.family);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: escapeLabel(m.model),
      legendgroup: family,
      legendgrouptitle: { text: family },
      x: [m.accuracyPct],
      y: [m.lee],
      marker: {
        size: 11,
        color: seriesColor(i),
        symbol: SYMBOLS[families.indexOf(m.family) % SYMBOLS.length],
        line: { width: 1, color: '#333333' },
      },
      hovertemplate: `${escapeLabel(m.model)} (${family})<br>test accuracy %{x:.1f}%<br>mean LEE %{y:.3g}<extra></extra>`,
    });
  });

  const annotations: Record<string, unknown>[] = [];
  const xs = models.map((m) => m.accuracyPct);
  if (new Set(xs).size >= 2) {
    const ys = models.map((m) => (logY ? Math.log10(m.lee) : m.lee));
    const fit = linearFit(xs, ys);
    const x0 = Math.min(...xs);
    const x1 = Math.max(...xs);
    const at = (x: number) => (logY ? 10 ** (fit.intercept + fit.slope * x) : fit.intercept + fit.slope * x);
    const r2 = fit.r2.toFixed(2);
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `least-squares fit (R² = ${r2})`,
      x: [x0, x1],
      y: [at(x0), at(x1)],
      line: { dash: 'dash', color: '#555555' },
      legendgroup: 'fit',
      hoverinfo: 'skip',
    });
    const line = `${fmt(fit.intercept)} ${fit.slope < 0 ? '−' : '+'} ${fmt(Math.abs(fit.slope))} · accuracy(%)`;
    const slopeText = `${logY ? 'log10 LEE' : 'LEE'} = ${line}`;
    annotations.push({
      xref: 'paper',
      yref: 'paper',
      x: 0.98,
      y: 0.98,
      xanchor: 'right',
      yanchor: 'top',
      showarrow: false,
      text: `R² = ${r2}<br>${slopeText}`,
    });
  }

  const measure = leeMeasure(output, reduction);
  return {
    data,
    layout: {
      title: { text: text ?? `${measure} for ${escapeLabel(theGroup)} vs test accuracy` },
      xaxis: axis('test accuracy (%)'),
      yaxis: axis(`${measure}, mean over images`, logY ? logAxis(models.map((m) => m.lee)) : {}),
      colorway: [...PALETTE],
      legend: { groupclick: 'toggleitem' },
      // Tall enough for one legend entry per model, a title per family and the fit (else Plotly scrolls and clips the legend).
      height: Math.max(450, 220 + 24 * (models.length + families.length + 1)),
      annotations,
      hovermode: 'closest',
    },
  };
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
