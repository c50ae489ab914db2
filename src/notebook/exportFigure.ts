import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, LiederivError } from '../errors';
import type { PlotlyFigure } from '../figures/plotly';
import { withChromiumPage } from './chromium';
import { figureDivHtml, plotlyLoaderHtml } from './plotlyHtml';

export interface ExportOptions {
  /** Size in CSS pixels (the figure's layout.width/height when set, else 900 × 600). */
  width?: number;
  height?: number;
  /** PNG resolution multiplier (2 = print quality). Ignored for SVG. */
  scale?: number;
}

/**
 * Writes a figure to `file` as SVG or PNG (by extension) for papers: renders it offline in
 * headless Chromium (src/notebook/chromium.ts) and calls Plotly.toImage.
 */
export async function exportFigure(
  fig: PlotlyFigure,
  file: string,
  { width, height, scale = 2 }: ExportOptions = {},
): Promise<void> {
  const format = path.extname(file).toLowerCase().slice(1);
  if (format !== 'svg' && format !== 'png')
    throw new InputError(`exportFigure writes .svg or .png, got '${path.basename(file)}'`);
  const w = width ?? (typeof fig.layout?.width === 'number' ? fig.layout.width : 900);
  const h = height ?? (typeof fig.layout?.height === 'number' ? fig.layout.height : 600);
  const page = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-export-')), 'figure.html');
  fs.writeFileSync(
    page,
    `<!doctype html><html><head><meta charset="utf-8"></head><body>${plotlyLoaderHtml()}${figureDivHtml({ ...fig, layout: { ...(fig.layout ?? {}), width: w, height: h } }, 'fig')}</body></html>`,
  );
  try {
    const dataUrl: string = await withChromiumPage(async ({ page: p, errors }) => {
      await p.goto(`file://${page}`);
      await p.waitForFunction('!!document.querySelector("#fig .main-svg")', undefined, { timeout: 30000 });
      const url = await p.evaluate(
        `Plotly.toImage(document.getElementById('fig'), {format: ${JSON.stringify(format)}, width: ${w}, height: ${h}, scale: ${format === 'png' ? scale : 1}})`,
      );
      if (errors.length)
        throw new LiederivError(`exportFigure: the page reported errors: ${errors.join('; ')}`, 'E_RENDER');
      return url as string;
    });
    const comma = dataUrl.indexOf(',');
    const header = dataUrl.slice(0, comma);
    const payload = dataUrl.slice(comma + 1);
    const bytes = header.endsWith(';base64')
      ? Buffer.from(payload, 'base64')
      : Buffer.from(decodeURIComponent(payload), 'utf8');
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, bytes);
  } finally {
    fs.rmSync(path.dirname(page), { recursive: true, force: true });
  }
}
