/**
 * The Plotly figure spec as plain JSON: what every builder in src/figures returns and what
 * src/notebook and src/report render. Loosely typed on purpose: the builders set only
 * documented Plotly attributes, and the snapshot tests pin them down.
 */
export type PlotlyTrace = { type: string } & Record<string, unknown>;
export type PlotlyLayout = Record<string, unknown>;

export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  config?: Record<string, unknown>;
  /** Animation frames (Plotly.addFrames), e.g. the t slider of src/figures/tSlider.ts. */
  frames?: Array<Record<string, unknown>>;
}

/** True for `{data: [...], layout?: {...}}`: how the display layer recognises a figure. */
export function isPlotlyFigure(x: unknown): x is PlotlyFigure {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return Array.isArray(o.data) && (o.layout === undefined || (typeof o.layout === 'object' && o.layout !== null));
}
