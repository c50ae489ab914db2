/**
 * The files the explorer page gets besides its code (src/explorer/assetTypes.ts): bundled models
 * (datasets/models/<name>/ with model.json, weight files and liederiv.json), the bundled photos
 * (datasets/photos) and ten MNIST test digits (one per class, encoded as PNG), or the models and
 * image folder given to `liederiv explore --model / --images`. Node only (it reads the disk).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { FileFormatError, InputError } from '../errors';
import { IMAGE_EXTENSIONS } from '../data/decode';
import { isIgnoredEntry } from '../data/imageFolder';
import { mnistDigits, MNIST_SIZE } from '../data/mnist';
import { datasetsDir } from '../data/paths';
import type { ExplorerAssets } from './assetTypes';
import { resolveModelPath } from '../models/formats';

/** A model folder's files named in model.json (+ model.json, + liederiv.json when present). */
function modelFolderFiles(modelJson: string): Record<string, string> {
  const dir = path.dirname(modelJson);
  let json: { weightsManifest?: Array<{ paths?: string[] }> };
  try {
    json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  } catch (err) {
    throw new FileFormatError(modelJson, `cannot read as JSON (${(err as Error).message})`);
  }
  const names = new Set<string>([path.basename(modelJson)]);
  for (const g of json.weightsManifest ?? []) for (const p of g.paths ?? []) names.add(decodeURIComponent(String(p)));
  if (fs.existsSync(path.join(dir, 'liederiv.json'))) names.add('liederiv.json');
  const files: Record<string, string> = {};
  for (const n of names) {
    const file = path.join(dir, n);
    // A missing shard is not an asset error: the page's loadModel reports it, as the CLI does.
    if (fs.existsSync(file))
      files[n === path.basename(modelJson) ? 'model.json' : n] = fs.readFileSync(file).toString('base64');
  }
  return files;
}

/** Names of the bundled models: folders of datasets/models with a model.json. */
export function bundledModelNames(): string[] {
  const dir = path.join(datasetsDir(), 'models');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'model.json')))
    .map((e) => e.name)
    .sort();
}

/** Ten MNIST test digits, the first of each class, as 28×28 RGB PNG files (`mnist-<label>.png`). */
export function mnistSamplePngs(): Array<{ name: string; bytes: Buffer }> {
  const d = mnistDigits();
  const out: Array<{ name: string; bytes: Buffer }> = [];
  for (let label = 0; label < 10; label++) {
    const i = d.test.find((k) => d.labels[k] === label)!;
    const png = new PNG({ width: MNIST_SIZE, height: MNIST_SIZE });
    for (let p = 0; p < MNIST_SIZE * MNIST_SIZE; p++) {
      const v = d.pixels[i * MNIST_SIZE * MNIST_SIZE + p];
      png.data.set([v, v, v, 255], p * 4);
    }
    out.push({ name: `mnist-${label}.png`, bytes: PNG.sync.write(png) });
  }
  return out;
}

/** Image files of a folder (flat; sorted; OS clutter skipped, as loadImageFolder does). */
function folderImages(dir: string): Array<{ name: string; bytes: Buffer }> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new InputError(`--images '${dir}' does not exist or is not a folder`);
  const names = fs
    .readdirSync(dir)
    .filter(
      (n) => !isIgnoredEntry(n) && (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(n).toLowerCase()),
    )
    .sort();
  if (!names.length) throw new InputError(`--images '${dir}': no .jpg/.jpeg/.png files found`);
  return names.map((name) => ({ name, bytes: fs.readFileSync(path.join(dir, name)) }));
}

export interface AssetOptions {
  /** Model folders or model.json paths, or bundled model names (default: every bundled model). */
  models?: string[];
  /** An image folder (default: ten MNIST digits and the bundled photos). */
  images?: string;
}

/**
 * The page's assets. Throws InputError naming the option for a model or folder that does not exist.
 * Defaults preselect the first model and image given.
 */
export function explorerAssets(opts: AssetOptions = {}): ExplorerAssets {
  const bundledDir = path.join(datasetsDir(), 'models');
  const specs = opts.models?.length ? opts.models : bundledModelNames();
  const models = specs.map((spec) => {
    let json = spec;
    if (!fs.existsSync(json) && fs.existsSync(path.join(bundledDir, spec, 'model.json')))
      json = path.join(bundledDir, spec);
    // A folder (or one model.json below it) as loadModel reads it; a .h5, SavedModel, ONNX… is refused with its conversion.
    if (fs.existsSync(json)) json = resolveModelPath(json).file;
    if (!fs.existsSync(json))
      throw new InputError(
        `--model '${spec}': no such model.json, model folder or bundled model (${bundledModelNames().join(', ') || 'none bundled'})`,
      );
    return { name: path.basename(path.dirname(path.resolve(json))), files: modelFolderFiles(json) };
  });
  let images: Array<{ name: string; bytes: Buffer }>;
  if (opts.images) images = folderImages(opts.images);
  else {
    const photos = path.join(datasetsDir(), 'photos');
    images = [...mnistSamplePngs(), ...(fs.existsSync(photos) ? folderImages(photos) : [])];
  }
  const preferred = models.find((m) => m.name === 'cnn-relu-mnist')?.name ?? models[0]?.name;
  return {
    models,
    images: images.map((im) => ({ name: im.name, data: im.bytes.toString('base64') })),
    defaults: { model: opts.models?.length ? models[0]?.name : preferred, image: images[0]?.name },
  };
}
