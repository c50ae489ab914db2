import * as fs from 'node:fs';
import { findJupyterPython, JUPYTER_INSTALL_HINT } from '../../src/runtime/jupyter';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const CHROMIUM = process.env.LIEDERIV_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_INSTALL_HINT = 'apt-get install chromium';

/**
 * Returns false (with a loud message) when an external tool is missing outside CI, so `t.skip` can be
 * used; in CI a missing tool is a failure — tests there never skip themselves.
 */
function available(what: string, present: boolean, hint: string): boolean {
  if (present) return true;
  const msg = `${what} is not installed; install it with: ${hint}`;
  if (IN_CI) throw new Error(`${msg} (CI must not skip this test)`);
  console.error(`\n!!! SKIPPING: ${msg}\n`);
  return false;
}

export function hasJupyter(): boolean {
  return available('Jupyter (nbclient/nbconvert)', findJupyterPython() !== undefined, JUPYTER_INSTALL_HINT);
}

export function hasChromium(): boolean {
  return available(`Chromium (${CHROMIUM})`, fs.existsSync(CHROMIUM), CHROMIUM_INSTALL_HINT);
}
