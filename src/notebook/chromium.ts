import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LiederivError } from '../errors';
import type { ConsoleMessage, Page, Route } from 'playwright-core'; // types only: playwright-core is required lazily below

/** Flags for offline headless rendering (DESIGN §9); playwright adds --headless and a fresh --user-data-dir. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The Chromium executable: $LIEDERIV_CHROMIUM, else the first Debian/Chrome path that exists, else null. */
export function findChromium(): string | null {
  const fromEnv = process.env.LIEDERIV_CHROMIUM;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

/** A Chromium page plus every error it reported and every network request it was refused. */
export interface ChromiumSession {
  page: Page;
  errors: string[];
}

/**
 * Runs `fn` with a page in a fresh headless Chromium (playwright-core with executablePath, a new
 * temporary profile), refusing every http(s)/ws(s) request — offline means offline — and
 * recording page errors, console errors and refused requests. Closes Chromium and deletes the
 * profile afterwards.
 */
export async function withChromiumPage<T>(fn: (session: ChromiumSession) => Promise<T>): Promise<T> {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new LiederivError(
      `headless Chromium not found (looked for ${process.env.LIEDERIV_CHROMIUM ? `$LIEDERIV_CHROMIUM=${process.env.LIEDERIV_CHROMIUM}` : CANDIDATES.join(', ')}); ` +
        "install Debian's 'chromium' package or set LIEDERIV_CHROMIUM to a Chromium/Chrome executable",
      'E_NO_CHROMIUM',
    );
  }
  let playwright: typeof import('playwright-core');
  try {
    playwright = require('playwright-core');
  } catch {
    throw new LiederivError(
      "static export and HTML checks need the 'playwright-core' package (a devDependency): npm install",
      'E_NO_CHROMIUM',
    );
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-chromium-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  try {
    const errors: string[] = [];
    await context.route(/^(https?|wss?):/i, (route: Route) => {
      errors.push(`network request refused (offline): ${route.request().url()}`);
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e: Error) => errors.push(`page error: ${e.message}`));
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
    });
    return await fn({ page, errors });
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
