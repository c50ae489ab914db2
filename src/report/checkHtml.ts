import * as path from 'node:path';
import { withChromiumPage } from '../notebook/chromium';

export interface RenderCheck {
  /** Plot containers in the page (`.liederiv-plot`, or any `.plotly-graph-div`). */
  figures: number;
  /** Those that Plotly drew (contain an `svg.main-svg`). */
  drawn: number;
  /** Page errors, console errors and refused network requests, in order. */
  errors: string[];
}

// Runs in the page; a string so this file needs no DOM types (tslab compiles without lib.dom).
const COUNT = `(() => {
  const plots = [...document.querySelectorAll('.liederiv-plot, .plotly-graph-div')];
  return { figures: plots.length, drawn: plots.filter((p) => p.querySelector('svg.main-svg')).length };
})()`;

/**
 * Opens an HTML file (a report, or a notebook's nbconvert export) in headless Chromium, offline,
 * and waits until every figure is drawn or `timeoutMs` passes. A good page has
 * drawn === figures and no errors.
 */
export async function checkRenderedHtml(
  file: string,
  { timeoutMs = 30000 }: { timeoutMs?: number } = {},
): Promise<RenderCheck> {
  return withChromiumPage(async ({ page, errors }) => {
    await page.goto(`file://${path.resolve(file)}`, { waitUntil: 'load', timeout: timeoutMs });
    const deadline = Date.now() + timeoutMs;
    let counts: { figures: number; drawn: number } = await page.evaluate(COUNT);
    while (counts.drawn < counts.figures && Date.now() < deadline && errors.length === 0) {
      await page.waitForTimeout(100);
      counts = await page.evaluate(COUNT);
    }
    // Let late errors (failed draws, timers) surface before reporting.
    await page.waitForTimeout(200);
    counts = await page.evaluate(COUNT);
    return { ...counts, errors: [...errors] };
  });
}
