/**
 * The explorer's two small bar charts (LEE per group; per-layer contributions for one group) as
 * Plotly figure specs. Names (groups, layers, models) are user data and are escaped for Plotly.
 */
import { escapeLabel } from '../../figures/labels';
import { seriesColor } from '../../figures/palette';
import type { PlotlyFigure } from '../../figures/plotly';
import type { ExploreResult } from '../explore';

/** LEE (mean-abs of the output, the paper's reduction) per group, log y. */
export function leeBars(r: ExploreResult): PlotlyFigure {
  return {
    data: [
      {
        type: 'bar',
        x: r.groups.map((g) => escapeLabel(g.group)),
        y: r.groups.map((g) => g.lee['mean-abs']),
        marker: { color: seriesColor(0) },
        name: escapeLabel(r.model),
      },
    ],
    layout: {
      title: { text: `LEE per group — ${escapeLabel(r.model)}` },
      yaxis: { title: { text: `LEE (mean-abs of ${escapeLabel(r.output)})` }, type: 'log', automargin: true },
      xaxis: { automargin: true },
      height: 320,
      margin: { t: 40 },
    },
  };
}

/** Signed projections ⟨C_i, L f⟩/‖L f‖ per layer (they sum to ‖L f‖, DESIGN §5). */
export function layerBars(layers: NonNullable<ExploreResult['layers']>, model: string): PlotlyFigure {
  return {
    data: [
      {
        type: 'bar',
        x: layers.rows.map((l) => `${l.index}: ${escapeLabel(l.layer)}`),
        y: layers.rows.map((l) => l.projection),
        text: layers.rows.map((l) => escapeLabel(l.kind)),
        marker: { color: layers.rows.map((l) => (l.projection >= 0 ? seriesColor(1) : seriesColor(4))) },
        hovertemplate: '%{x} (%{text})<br>projection %{y:.3g}<extra></extra>',
      },
    ],
    layout: {
      title: {
        text: `Per-layer contributions to ‖L f‖ = ${layers.total.toPrecision(3)} (${escapeLabel(layers.group)}) — ${escapeLabel(model)}`,
      },
      yaxis: { title: { text: '⟨C<sub>i</sub>, L f⟩ / ‖L f‖' }, automargin: true },
      xaxis: { automargin: true, tickangle: -45 },
      height: 380,
      margin: { t: 40 },
    },
  };
}
