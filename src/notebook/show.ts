import { isPlotlyFigure, type PlotlyFigure } from '../figures/plotly';
import { dataFrameToTable, isDataFrame } from './dataFrame';
import { escapeHtml } from './html';
import { imageGridBundle, isImageGrid } from './image';
import { inKernel, sendBundle, type MimeBundle } from './kernel';
import { isLatex } from './latex';
import { figureDivHtml, figureText, plotlyLoaderHtml } from './plotlyHtml';
import { rowsToTable, tableHtml, tableText, type Table, type TableOptions } from './table';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export interface BundleOptions extends TableOptions {
  /** Inline plotly.js in this figure's HTML (show() does it for the first figure of a kernel). */
  includePlotly?: boolean;
}

/**
 * What show() would display, as a mime bundle (pure; show() sends it):
 *  - Plotly figure {data, layout}: application/vnd.plotly.v1+json, text/html (a div drawn by
 *    Plotly.newPlot, plus plotly.js itself when includePlotly), text/plain.
 *  - danfo DataFrame or an array of row objects: escaped text/html table, text/plain.
 *  - ImageGrid: text/html (labelled images), image/png (the grid), text/plain.
 *  - '$$ … $$' string: text/latex, text/markdown, text/plain. Other strings: text/plain.
 *  - anything else: text/plain (JSON or String).
 */
export function toBundle(x: unknown, { includePlotly = true, ...tableOptions }: BundleOptions = {}): MimeBundle {
  if (isPlotlyFigure(x)) {
    const fig: PlotlyFigure = {
      data: x.data,
      layout: x.layout ?? {},
      ...(x.config ? { config: x.config } : {}),
      ...(x.frames ? { frames: x.frames } : {}),
    };
    return {
      [PLOTLY_MIME]: fig,
      'text/html': `${includePlotly ? plotlyLoaderHtml() : ''}${figureDivHtml(fig)}`,
      'text/plain': figureText(fig),
    };
  }
  const table = asTable(x);
  if (table) return { 'text/html': tableHtml(table, tableOptions), 'text/plain': tableText(table, tableOptions) };
  if (isImageGrid(x)) {
    const { html, png, text } = imageGridBundle(x);
    return { 'text/html': html, 'image/png': png.toString('base64'), 'text/plain': text };
  }
  if (isLatex(x)) return { 'text/latex': x, 'text/markdown': x, 'text/plain': x };
  if (typeof x === 'string') return { 'text/plain': x };
  let text: string;
  try {
    text = JSON.stringify(x, null, 2) ?? String(x);
  } catch {
    text = String(x);
  }
  return { 'text/plain': text };
}

function asTable(x: unknown): Table | null {
  if (isDataFrame(x)) return dataFrameToTable(x);
  if (Array.isArray(x) && x.length > 0 && x.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r)))
    return rowsToTable(x);
  return null;
}

const PLOTLY_SENT = Symbol.for('liederiv.plotlySentToKernel');

/**
 * Displays x in a tslab notebook as one output with several mime types (see toBundle). Outside a
 * kernel it writes the text/plain form to stdout, so scripts and tests run in plain Node.
 * Returns nothing, so a cell ending in show(...) doesn't also print a value.
 */
export function show(x: unknown, options: TableOptions = {}): void {
  if (!inKernel()) {
    process.stdout.write(`${String(toBundle(x, { ...options, includePlotly: false })['text/plain'])}\n`);
    return;
  }
  // plotly.js (4.8 MB) goes into the first figure's output only; later outputs find window.Plotly.
  // The flag lives on globalThis so a module re-import in the kernel doesn't reset it.
  const g = globalThis as Record<symbol, unknown>;
  const includePlotly = isPlotlyFigure(x) && !g[PLOTLY_SENT];
  sendBundle(toBundle(x, { ...options, includePlotly }));
  if (includePlotly) g[PLOTLY_SENT] = true;
}

/**
 * Sends plotly.js on its own (an HTML-only output) and marks it loaded. show() does this with the
 * first figure; call it in a setup cell when figure cells may be re-run out of order, so the
 * saved notebook keeps one copy of plotly.js above every figure.
 */
export function loadPlotly(): void {
  if (sendBundle({ 'text/html': plotlyLoaderHtml(), 'text/plain': '(plotly.js loaded)' }))
    (globalThis as Record<symbol, unknown>)[PLOTLY_SENT] = true;
}

/** Displays an HTML fragment you wrote (escape user text with escapeHtml). */
export function showHtml(html: string, text = ''): void {
  if (!sendBundle({ 'text/html': html, 'text/plain': text || html })) process.stdout.write(`${text || html}\n`);
}

export { escapeHtml };
