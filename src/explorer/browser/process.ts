/**
 * Globals Node code expects, for the page bundle (injected by src/explorer/bundle.ts): `Buffer`
 * (the npm 'buffer' package: pngjs and the model loader use it) and a minimal `process`.
 */
import { Buffer } from 'buffer';

const g = globalThis as Record<string, unknown>;
if (!g.Buffer) g.Buffer = Buffer;
export const process = {
  env: {} as Record<string, string | undefined>,
  pid: 0,
  platform: 'browser',
  versions: {},
  cwd: () => '/',
  nextTick: (f: () => void) => Promise.resolve().then(f),
};
export { Buffer };
