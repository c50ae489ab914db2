import { InputError } from '../errors';
import type { PlotlyFigure, PlotlyTrace } from './plotly';
import type { LayerMapRow } from './types';
import { escapeLabel, requireRows } from './labels';

export interface LayerHeatmapOptions {
  /** Subplots per row. */
  columns?: number;
  title?: string;
}

/**
 * Per-layer spatial heat map of the defect, one subplot per row (layer). Each map has its own
 * colour scale (defects differ by orders of magnitude across depth); the subplot title gives the
 * map's maximum and hover gives every value. Signed maps use a diverging scale centred on 0.
 */
export function layerHeatmap(
  rows: LayerMapRow[],
  { columns = 4, title: text }: LayerHeatmapOptions = {},
): PlotlyFigure {
  requireRows(rows, 'layerHeatmap');
  for (const r of rows) {
    if (!(r.height > 0 && r.width > 0) || r.values.length !== r.height * r.width) {
      throw new InputError(
        `'layerHeatmap': layer '${r.layer}' has ${r.values.length} values, expected height·width = ${r.height}·${r.width}`,
      );
    }
  }
  const cols = Math.max(1, Math.min(columns, rows.length));
  const nRows = Math.ceil(rows.length / cols);
  const gap = 0.04;
  const cellW = (1 - gap * (cols - 1)) / cols;
  const cellH = (1 - (0.12 * (nRows - 1)) / nRows - 0.08) / nRows; // room for subplot titles
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {};
  const annotations: Array<Record<string, unknown> & { text: string }> = [];
  rows.forEach((r, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const col = k % cols;
    const row = Math.floor(k / cols);
    const x0 = col * (cellW + gap);
    const yTop = 1 - row * (cellH + 0.12 / Math.max(nRows, 1)) - 0.08 / nRows;
    const z: number[][] = [];
    for (let i = 0; i < r.height; i++) z.push(r.values.slice(i * r.width, (i + 1) * r.width));
    const signed = r.values.some((v) => v < 0);
    const maxAbs = Math.max(...r.values.map(Math.abs));
    data.push({
      type: 'heatmap',
      z,
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      colorscale: signed ? 'RdBu' : 'Viridis',
      reversescale: signed,
      ...(signed ? { zmid: 0 } : {}),
      showscale: false,
      name: escapeLabel(r.layer),
      hovertemplate: `${escapeLabel(r.quantity ?? '‖δ_i‖ over channels')} %{z:.3g}<br>row %{y}, column %{x}<extra>%{fullData.name}</extra>`,
    });
    layout[`xaxis${suffix}`] = {
      domain: [x0, x0 + cellW],
      showticklabels: false,
      ticks: '',
      anchor: `y${suffix}`,
      constrain: 'domain',
    };
    layout[`yaxis${suffix}`] = {
      domain: [Math.max(0, yTop - cellH), yTop],
      autorange: 'reversed', // row 0 is the top of the image
      scaleanchor: `x${suffix}`, // square pixels
      showticklabels: false,
      ticks: '',
      anchor: `x${suffix}`,
      constrain: 'domain',
    };
    annotations.push({
      xref: 'paper',
      yref: 'paper',
      x: x0 + cellW / 2,
      y: yTop,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
      text: `${k + 1}. ${escapeLabel(r.layer)} [${r.height}×${r.width}]<br>max |value| ${Number(maxAbs.toPrecision(3))}`,
      font: { size: 11 },
    });
  });
  const first = rows[0];
  const mixed = new Set(rows.map((r) => `${r.model}\u0000${r.image}`)).size > 1;
  if (mixed)
    annotations.forEach((a, k) => (a.text = `${escapeLabel(rows[k].model)}, image ${rows[k].image}<br>${a.text}`));
  return {
    data,
    layout: {
      title: {
        text:
          text ??
          (mixed ? 'Layer defect maps' : `Layer defect maps: ${escapeLabel(first.model)}, image ${first.image}`),
      },
      ...layout,
      annotations,
      height: Math.max(320, 260 * nRows),
      margin: { t: 90 },
      hovermode: 'closest',
    },
  };
}
