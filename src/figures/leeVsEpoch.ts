import type { PlotlyFigure, PlotlyTrace } from './plotly';
import type { EpochRow } from './types';
import { axis, escapeLabel, groupBy, leeMeasure, mean, requireFinite, requireRows, single } from './labels';
import { logAxis, PALETTE } from './palette';

export interface LeeVsEpochOptions {
  logY?: boolean;
  /** Draw test accuracy (dotted, right axis) when rows carry it. */
  showAccuracy?: boolean;
  title?: string;
}

/**
 * LEE across training epochs, one line per (run, group) — e.g. with and without augmentation.
 * Rows at the same (run, group, epoch) are averaged (several images).
 */
export function leeVsEpoch(
  rows: EpochRow[],
  { logY = true, showAccuracy = true, title: text }: LeeVsEpochOptions = {},
): PlotlyFigure {
  requireRows(rows, 'leeVsEpoch');
  requireFinite(rows, 'lee', 'leeVsEpoch');
  requireFinite(rows, 'epoch', 'leeVsEpoch');
  const output = single(rows, 'output', 'leeVsEpoch');
  const reduction = single(rows, 'reduction', 'leeVsEpoch');
  const data: PlotlyTrace[] = [];
  for (const [, rs] of groupBy(rows, (r) => `${r.run}\u0000${r.group}`)) {
    const epochs = [...groupBy(rs, (r) => String(r.epoch))].map(([, e]) => ({
      epoch: e[0].epoch,
      lee: mean(e.map((r) => r.lee)),
    }));
    epochs.sort((a, b) => a.epoch - b.epoch);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${escapeLabel(rs[0].run)} · ${escapeLabel(rs[0].group)}`,
      x: epochs.map((e) => e.epoch),
      y: epochs.map((e) => e.lee),
      hovertemplate: '%{fullData.name}<br>epoch %{x}<br>mean LEE %{y:.3g}<extra></extra>',
    });
  }
  const withAccuracy = showAccuracy && rows.some((r) => typeof r.accuracy === 'number');
  if (withAccuracy) {
    for (const [run, rs] of groupBy(
      rows.filter((r) => typeof r.accuracy === 'number'),
      (r) => r.run,
    )) {
      const epochs = [...groupBy(rs, (r) => String(r.epoch))].map(([, e]) => ({
        epoch: e[0].epoch,
        accuracy: e[0].accuracy!,
      }));
      epochs.sort((a, b) => a.epoch - b.epoch);
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `${escapeLabel(run)} · test accuracy`,
        x: epochs.map((e) => e.epoch),
        y: epochs.map((e) => 100 * e.accuracy),
        yaxis: 'y2',
        line: { dash: 'dot' },
        hovertemplate: '%{fullData.name}<br>epoch %{x}<br>%{y:.1f}%<extra></extra>',
      });
    }
  }
  const measure = leeMeasure(output, reduction);
  return {
    data,
    layout: {
      title: { text: text ?? `${measure} during training` },
      // Integer epochs: one tick each (Plotly would otherwise label 1.2, 1.4, ...).
      xaxis: axis('epoch', integerEpochs(rows) ? { dtick: 1 } : {}),
      yaxis: axis(`${measure}, mean over images`, logY ? logAxis(rows.map((r) => r.lee)) : {}),
      colorway: [...PALETTE],
      ...(withAccuracy
        ? {
            yaxis2: axis('test accuracy (%)', {
              type: 'linear',
              overlaying: 'y',
              side: 'right',
              showgrid: false,
              range: [0, 100],
            }),
          }
        : {}),
      // Below the plot, clear of the right-hand accuracy axis.
      legend: { title: { text: 'run · group' }, orientation: 'h', y: -0.25 },
      hovermode: 'closest',
    },
  };
}

function integerEpochs(rows: EpochRow[]): boolean {
  const epochs = rows.map((r) => r.epoch);
  return epochs.every(Number.isInteger) && Math.max(...epochs) - Math.min(...epochs) <= 20;
}
