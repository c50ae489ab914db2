/**
 * The static explorer (`npm run build:explorer`): a folder that works from file:// with no server
 * and no network — index.html, explorer.js (the bundle, src/explorer/bundle.ts), wasm.js (tfjs's
 * wasm binaries as data: URLs) and assets.js (bundled models and images, src/explorer/assets.ts).
 * `liederiv explore` serves the same folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { explorerAssets, type AssetOptions } from './assets';
import { bundlePage, wasmDataUrls } from './bundle';
import { EXPLORER_HTML } from './html';

export interface BuildResult {
  dir: string;
  /** Bytes per written file. */
  files: Record<string, number>;
  /** The bundler's warnings (none expected). */
  warnings: string[];
}

/** A JS file that assigns `value` (JSON) to window[name]. */
function globalScript(name: string, value: unknown): string {
  return `window.${name} = ${JSON.stringify(value)};\n`;
}

/**
 * Writes the explorer into `dir` (created; files replaced). `assets` chooses the models and images
 * it carries (default: every bundled model, ten MNIST digits and the bundled photos).
 * Throws InputError for a model or image folder that does not exist, Error with esbuild's messages
 * when the bundle does not build.
 */
export async function buildExplorer(dir: string, assets: AssetOptions = {}): Promise<BuildResult> {
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<string, number> = {};
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    files[name] = Buffer.byteLength(text);
  };
  write('assets.js', globalScript('LIEDERIV_ASSETS', explorerAssets(assets)));
  write('wasm.js', globalScript('LIEDERIV_WASM', wasmDataUrls()));
  const bundle = await bundlePage(path.join(dir, 'explorer.js'));
  files['explorer.js'] = bundle.bytes;
  write('index.html', EXPLORER_HTML);
  return { dir, files, warnings: bundle.warnings };
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? 'out/explorer');
  buildExplorer(dir).then(
    (r) => {
      const total = Object.values(r.files).reduce((a, b) => a + b, 0);
      for (const w of r.warnings) process.stderr.write(`build:explorer: bundler warning: ${w}\n`);
      process.stdout.write(
        `explorer: wrote ${r.dir}/index.html (${Object.entries(r.files)
          .map(([f, n]) => `${f} ${(n / 1e6).toFixed(1)} MB`)
          .join(', ')}; ${(total / 1e6).toFixed(1)} MB); open it from file://\n`,
      );
    },
    (err) => {
      process.stderr.write(`build:explorer: error: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
