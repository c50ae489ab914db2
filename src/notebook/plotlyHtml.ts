import * as fs from 'node:fs';
import type { PlotlyFigure } from '../figures/plotly';
import { escapeHtml, scriptJson, unescapeEntities, uniqueId } from './html';

let plotlySource: string | null = null;

/** The full plotly.js bundle (heatmaps need it; the basic bundle draws none, DESIGN §9), read once. */
function plotlyJs(): string {
  if (plotlySource === null) {
    const file = require.resolve('plotly.js-dist-min/plotly.min.js');
    // Inside an inline <script>, "</script" would end the element and "<!--" can start the
    // HTML parser's escaped state; "\/" and "\!" read the same inside the JS strings they occur in.
    plotlySource = fs
      .readFileSync(file, 'utf8')
      .replace(/<\/script/gi, '<\\/script')
      .replace(/<!--/g, '<\\!--');
  }
  return plotlySource;
}

/**
 * <script> tags that define window.Plotly, inline and offline. Debian's nbconvert HTML loads
 * require.js, and a UMD bundle that sees `define.amd` registers an anonymous module instead of
 * a global (and require.js then throws "Mismatched anonymous define()"): hide `define` while
 * plotly.js runs and restore it afterwards.
 */
export function plotlyLoaderHtml(): string {
  return (
    '<script>window.__liederivDefine = window.define; window.define = undefined;</script>\n' +
    `<script>${plotlyJs()}</script>\n` +
    '<script>window.define = window.__liederivDefine; try { delete window.__liederivDefine; } catch (e) {}</script>\n'
  );
}

const DEFAULT_CONFIG = { responsive: true, displaylogo: false };

/**
 * One figure: a div with a unique id drawn by Plotly.newPlot. The draw script waits for
 * window.Plotly (the loader may be in an earlier output) and reports failures on the console,
 * where the headless checks (src/report/checkHtml.ts) see them.
 */
export function figureDivHtml(fig: PlotlyFigure, id = uniqueId('liederiv-plot')): string {
  const height = typeof fig.layout?.height === 'number' ? fig.layout.height : 450;
  const spec = {
    data: fig.data,
    layout: fig.layout ?? {},
    config: { ...DEFAULT_CONFIG, ...fig.config },
    ...(fig.frames ? { frames: fig.frames } : {}),
  };
  return (
    `<div id="${escapeHtml(id)}" class="liederiv-plot plotly-graph-div" style="width:100%;height:${height}px;"></div>\n` +
    `<script>(function () {\n` +
    `  var fig = ${scriptJson(spec)};\n` +
    `  var el = document.getElementById(${scriptJson(id)});\n` +
    `  var tries = 0;\n` +
    `  function draw() {\n` +
    `    if (window.Plotly) {\n` +
    `      Promise.resolve(window.Plotly.newPlot(el, fig)).catch(function (e) { console.error('liederiv: Plotly.newPlot failed: ' + e); });\n` +
    `    } else if (tries++ < 400) { setTimeout(draw, 25); } else { console.error('liederiv: plotly.js did not load'); }\n` +
    `  }\n` +
    `  draw();\n` +
    `})();</script>\n`
  );
}

/** A one-paragraph text/plain summary: title, traces and axis titles. */
export function figureText(fig: PlotlyFigure): string {
  const layout = (fig.layout ?? {}) as { title?: unknown; xaxis?: { title?: unknown }; yaxis?: { title?: unknown } };
  const text = (t: unknown) => {
    const s = typeof t === 'object' && t !== null ? (t as { text?: unknown }).text : t; // a title is 'text' or { text }
    return typeof s === 'string' || typeof s === 'number' ? unescapeEntities(String(s)).replace(/<br>/g, ' ') : '';
  };
  const kinds = new Map<string, number>();
  for (const trace of fig.data) kinds.set(trace.type, (kinds.get(trace.type) ?? 0) + 1);
  const traces = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
  const names = fig.data
    .map((t) => (typeof t.name === 'string' ? unescapeEntities(t.name) : ''))
    .filter((s) => s !== '');
  const lines = [
    `Plotly figure: ${text(layout.title) || '(untitled)'}`,
    `  traces: ${traces || 'none'}${names.length ? ` (${names.slice(0, 8).join('; ')}${names.length > 8 ? '; …' : ''})` : ''}`,
  ];
  if (layout.xaxis?.title) lines.push(`  x: ${text(layout.xaxis.title)}`);
  if (layout.yaxis?.title) lines.push(`  y: ${text(layout.yaxis.title)}`);
  return lines.join('\n');
}
