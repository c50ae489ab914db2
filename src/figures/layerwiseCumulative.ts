import type { PlotlyFigure, PlotlyTrace } from './plotly';
import type { LayerRow } from './types';
import { axis, escapeLabel, requireFinite, requireRows } from './labels';
import { PALETTE } from './palette';
import { averageLayers, type LayerMeasure, MEASURE_LABEL } from './layerwiseAverage';

export interface LayerwiseCumulativeOptions {
  /** 'projection' sums exactly to ‖L f‖ (DESIGN §5); 'sqnorm' is the paper's ‖C_i‖². */
  measure?: LayerMeasure;
  /** Divide by the model's total so every curve ends at 1 (share of the LEE). */
  normalize?: boolean;
  /** x = index/(layers − 1) ('relative', compares models of different depth) or the layer index. */
  depth?: 'relative' | 'index';
  title?: string;
}

/**
 * Cumulative layer-wise contribution along depth, one line per model (the paper's Figure 1,
 * centre). Each layer's measure is averaged over images first; normalized curves divide the
 * running sum by the total over layers.
 */
export function layerwiseCumulative(
  rows: LayerRow[],
  { measure = 'projection', normalize = true, depth = 'relative', title: text }: LayerwiseCumulativeOptions = {},
): PlotlyFigure {
  requireRows(rows, 'layerwiseCumulative');
  requireFinite(rows, measure, 'layerwiseCumulative');
  const data: PlotlyTrace[] = [];
  for (const [model, layers] of averageLayers(rows, measure)) {
    const total = layers.reduce((a, l) => a + l.value, 0);
    let running = 0;
    const ys = layers.map((l) => {
      running += l.value;
      return normalize && total !== 0 ? running / total : running;
    });
    const last = Math.max(layers.length - 1, 1);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: escapeLabel(model),
      x: layers.map((l, i) => (depth === 'relative' ? i / last : l.index)),
      y: ys,
      customdata: layers.map((l) => [escapeLabel(l.layer), escapeLabel(l.kind), l.value]),
      hovertemplate: `%{fullData.name}<br>layer %{customdata[0]} (%{customdata[1]})<br>this layer: %{customdata[2]:.3g}<br>cumulative: %{y:${normalize ? '.1%' : '.3g'}}<extra></extra>`,
    });
  }
  const what = MEASURE_LABEL[measure];
  return {
    data,
    layout: {
      title: { text: text ?? `Cumulative layer-wise contribution (${what}, mean over images)` },
      xaxis: axis(depth === 'relative' ? 'relative depth (layer index / last index)' : 'layer index'),
      yaxis: axis(
        normalize ? `cumulative share of ‖L f‖` : `cumulative ${what}`,
        normalize ? { tickformat: '.0%' } : {},
      ),
      legend: { title: { text: 'model' } },
      colorway: [...PALETTE],
      hovermode: 'closest',
    },
  };
}
