/**
 * The bundler configuration of the explorer page (esbuild): the page entry (src/explorer/page/main.ts)
 * with the numerical core of src/ as it is, plus tfjs, its wasm backend (binaries inlined as data:
 * URLs, so file:// pages load them) and plotly.js. Node-only modules are mapped to browser seams:
 *  - fs / node:fs → src/explorer/browser/fs.ts, an in-memory file system of the page's files, so
 *    `loadModel` and `loadImageFolder` run unchanged (with their own error messages) on drops;
 *  - path → path-browserify (Node's path module, ported);
 *  - pngjs → its own browser build; Buffer and process come from src/explorer/browser/process.ts;
 *  - other Node built-ins → src/explorer/browser/unavailable.ts, which throws if ever called.
 * Node-only code (backend.ts, tfjs-node) is never reached from the page: the page picks its backend itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LiederivError } from '../errors';

/** The repository root (this file runs from dist/src/explorer or src/explorer). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the liederiv repository root above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** Node built-ins that nothing in the page calls (they are imported by modules it shares with the CLI). */
const UNAVAILABLE = [
  'os',
  'zlib',
  'vm',
  'child_process',
  'perf_hooks',
  'worker_threads',
  'url',
  'util',
  'crypto',
  'stream',
  'readline',
  'http',
  'https',
  'net',
  'tls',
  'events',
  'assert',
  'string_decoder',
];

/** The wasm binaries of @tensorflow/tfjs-backend-wasm as data: URLs, keyed by file name (setWasmPaths). */
export function wasmDataUrls(root = repoRoot()): Record<string, string> {
  const dir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const out: Record<string, string> = {};
  for (const name of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) out[name] = `data:application/wasm;base64,${fs.readFileSync(file).toString('base64')}`;
  }
  return out;
}

/**
 * Bundles the page to `outFile` (one IIFE script, minified, no source map), returning its size in
 * bytes and esbuild's warnings. Throws with esbuild's messages when the bundle does not build.
 */
export async function bundlePage(outFile: string, root = repoRoot()): Promise<{ bytes: number; warnings: string[] }> {
  // Required here, not at load time: every other command starts without loading esbuild.
  let esbuild: typeof import('esbuild');
  try {
    esbuild = require('esbuild');
  } catch (err) {
    throw new LiederivError(
      `building the explorer needs the 'esbuild' package (a dependency of liederiv): npm install (${(err as Error).message.split('\n')[0]})`,
      'E_NO_BUNDLER',
    );
  }
  const browser = path.join(root, 'src', 'explorer', 'browser');
  const alias: Record<string, string> = {
    fs: path.join(browser, 'fs.ts'),
    'node:fs': path.join(browser, 'fs.ts'),
    path: require.resolve('path-browserify', { paths: [root] }),
    'node:path': require.resolve('path-browserify', { paths: [root] }),
    pngjs: path.join(root, 'node_modules', 'pngjs', 'browser.js'),
  };
  for (const m of UNAVAILABLE) {
    alias[m] = path.join(browser, 'unavailable.ts');
    alias[`node:${m}`] = path.join(browser, 'unavailable.ts');
  }
  const result = await esbuild
    .build({
      absWorkingDir: root,
      entryPoints: [path.join(root, 'src', 'explorer', 'page', 'main.ts')],
      outfile: outFile,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: ['es2020'],
      minify: true,
      legalComments: 'none',
      alias,
      inject: [path.join(browser, 'process.ts')],
      define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
      // The wasm backend's emscripten glue mentions Node modules it only loads under Node.
      external: [],
      logLevel: 'silent',
      write: true,
    })
    .catch((err: { errors?: Array<{ text: string }>; message?: string }) => {
      // esbuild rejects with its messages when the bundle fails.
      throw new LiederivError(
        `the explorer page does not bundle: ${err.errors?.map((e) => e.text).join('; ') || err.message}`,
        'E_BUNDLE',
      );
    });
  if (result.errors.length)
    throw new LiederivError(
      `the explorer page does not bundle: ${result.errors.map((e) => e.text).join('; ')}`,
      'E_BUNDLE',
    );
  const warnings = result.warnings.map(
    (w) => `${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}`,
  );
  return { bytes: fs.statSync(outFile).size, warnings };
}
