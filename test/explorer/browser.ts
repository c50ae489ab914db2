import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { CHROMIUM_FLAGS, findChromium } from '../../src/notebook/chromium';
import { TOL } from '../helpers/tolerances';
import type { ConsoleMessage, Page, Route } from 'playwright-core';

/** A headless Chromium (playwright-core, Debian's chromium, the report tests' flags) whose every request is routed. */
export interface Browser {
  page: Page;
  /** Requests that were refused: anything but file:, data:, blob: and the allowed origin. */
  refused: string[];
  /** Page errors and console errors. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium and opens a page. Fails (never skips) without Chromium or playwright-core:
 * CI has both. Every request goes through the route: file:// and `allowOrigin` (a 127.0.0.1
 * server under test) continue, anything else is aborted and recorded.
 */
export async function openBrowser(allowOrigin?: string): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(
      'headless Chromium not found: apt-get install chromium (CI has /usr/bin/chromium) or set LIEDERIV_CHROMIUM',
    );
  const { chromium } = require('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-explorer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
  });
  const refused: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route: Route) => {
    const url: string = route.request().url();
    if (
      url.startsWith('file:') ||
      url.startsWith('data:') ||
      url.startsWith('blob:') ||
      (allowOrigin && url.startsWith(allowOrigin))
    )
      return route.continue();
    refused.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e: Error) => errors.push(`page error: ${e.message}`));
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  return {
    page,
    refused,
    errors,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the page's status (body[data-status]) is one of `states`; returns it. */
export async function waitForStatus(page: Page, states: string[], timeout = 240_000): Promise<string> {
  await page.waitForFunction((s: string[]) => s.includes(document.body.dataset.status ?? ''), states, {
    timeout,
    polling: 200,
  });
  return page.evaluate(() => document.body.dataset.status ?? '');
}

/** An element's text ('' when it has none), for assertions. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.textContent(selector)) ?? '';
}

/** Fraction of pixels of a PNG screenshot that are not (near) white: a drawn plot has many. */
export function inkFraction(png: Buffer): number {
  const img = PNG.sync.read(png);
  let ink = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    const [r, g, b] = [img.data[p * 4], img.data[p * 4 + 1], img.data[p * 4 + 2]];
    if (r < 235 || g < 235 || b < 235) ink++;
  }
  return ink / (img.width * img.height);
}

/** The LEE table the page shows: one object per row, numbers at full precision (td[data-value]). */
export async function pageLeeTable(page: Page): Promise<Array<Record<string, string>>> {
  return page.$$eval('#lee-table tr', (trs: HTMLTableRowElement[]) => {
    const head = Array.from(trs[0].cells).map((c) => c.textContent ?? '');
    return trs
      .slice(1)
      .map((tr) =>
        Object.fromEntries(Array.from(tr.cells).map((c, i) => [head[i], (c as HTMLElement).dataset.value ?? ''])),
      );
  });
}

/** Checks the given groups' boxes and unchecks the others. */
export async function pickGroups(page: Page, groups: string[]): Promise<void> {
  await page.evaluate((gs: string[]) => {
    for (const box of Array.from(document.querySelectorAll<HTMLInputElement>('#groups input')))
      box.checked = gs.includes(box.value);
  }, groups);
}

/** Relative difference with a floor for values that are 0 in both (e.g. hue on a grey image). */
export function relDiff(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale < TOL.zeroGuard ? 0 : Math.abs(a - b) / scale;
}
