import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { assertFiniteRows } from '../checks';
import { checkName, InputError, NumericalError, UnknownNameError } from '../errors';
import { loadImageFiles, loadImageFolder } from '../data/imageFolder';
import { IMAGE_EXTENSIONS } from '../data/decode';
import { loadImagesNpy } from '../data/npy';
import {
  checkContractValue,
  measuredModel,
  type ContractField,
  type ContractOptions,
  type MeasuredModel,
} from '../jvp';
import type { ModelWrapper } from '../models/model';
import { loadModel, resolveModelPath } from '../models/load';
import {
  BACKEND_NAMES,
  threadsProblem,
  useBackend,
  WASM_THREADS_CAP,
  type BackendName,
  type BackendReport,
} from '../backend';
import { COORDINATES, DIFFERENCES, type Coordinates, type Difference } from '../groups';
import { modelOutput } from '../lie/metrics/modelOutput';
import { intOption, requireOption, UsageError, type CliIO } from './command';
import { fingerprintFiles, modelFiles } from './output';

/** checkName, reporting an unknown value as a usage error (exit 2) naming the option. */
export function choice<T extends string>(
  values: Record<string, unknown>,
  name: string,
  valid: readonly T[],
  fallback: T,
): T {
  const v = values[name] as string | boolean | Array<string | boolean> | undefined; // what parseArgs gives
  if (v === undefined) return fallback;
  try {
    return checkName(`--${name} value`, String(v), valid);
  } catch (err) {
    if (err instanceof UnknownNameError) throw new UsageError(err.message);
    throw err;
  }
}

/** Options every measuring command (lee, layerwise) takes, in parseArgs form. */
export const MEASUREMENT_OPTIONS = {
  model: { type: 'string' },
  images: { type: 'string', multiple: true },
  output: { type: 'string' },
  difference: { type: 'string' },
  batch: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  'input-range': { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  layout: { type: 'string' },
  coordinates: { type: 'string' },
} as const;

/** --help text of the contract options (the same words as the sidecar's fields, README "Your own model"). */
export const CONTRACT_HELP = `  --input-range the value range the model expects: 0..1 (default) | 0..255 | -1..1; images are
                given in [0, 1] and scaled to it inside the measured function
  --mean r,g,b  per-channel mean subtracted after scaling (one value for a grey model)
  --std r,g,b   per-channel std divided by after subtracting the mean
  --layout      auto (default: from the input shape and a Transpose after the input) | nhwc | nchw
  --coordinates normalized (default, the paper's: each axis scaled to [−1, 1], so on non-square
                images rotate is not rigid) | isotropic (one pixel scale on both axes)
  Sidecar: a liederiv.json beside model.json may give {name, inputSize, classNames, inputRange,
  mean, std, layout, output} (options override it; "preprocess": {mean, std} is read too).
  The run header states what is measured, e.g. 'measures softmax (added) ∘ net ∘ (2x−1) on 128×128 RGB'.`;

/** The contract options (--input-range, --mean, --std, --layout; --output is the command's), checked by the one contract validator. */
export function parseContractOptions(values: Record<string, unknown>): Omit<ContractOptions, 'output'> {
  const contract: Omit<ContractOptions, 'output'> = {};
  const fields: Array<[ContractField, string]> = [
    ['inputRange', 'input-range'],
    ['layout', 'layout'],
    ['mean', 'mean'],
    ['std', 'std'],
  ];
  for (const [field, flag] of fields) {
    const v = values[flag] as string | boolean | Array<string | boolean> | undefined; // what parseArgs gives
    if (v === undefined) continue;
    const r = checkContractValue(field, String(v), `--${flag}`, { text: true });
    if (r.ok === false) throw new UsageError(r.problem);
    (contract as Record<string, unknown>)[field] = r.value;
  }
  return contract;
}

export const OUTPUT_FORMATS = ['csv', 'json'] as const;

/** `--backend`, defaulting to LIEDERIV_BACKEND, then 'auto'. */
export function backendChoice(values: Record<string, unknown>): BackendName {
  return choice(values, 'backend', BACKEND_NAMES, (process.env.LIEDERIV_BACKEND as BackendName) || 'auto');
}

export const THREADS_HELP = `wasm threads (default $LIEDERIV_WASM_THREADS, else one per idle core, at most ${WASM_THREADS_CAP}; 1 = single-threaded; refused with another --backend; bench/RESULTS.md)`;

/** `--backend` and `--threads` (wasm threads; absent: useBackend's default, LIEDERIV_WASM_THREADS or one per idle core), then the backend started with them. */
export async function startBackend(values: Record<string, unknown>): Promise<BackendReport> {
  return useBackend(backendChoice(values), { wasmThreads: threadsOption(values) });
}

/** `--threads`, refused with a backend that has no wasm threads to set (it would be silently ignored). */
function threadsOption(values: Record<string, unknown>): number | undefined {
  if (values.threads === undefined) return undefined;
  const threads = intOption(values, 'threads', 1);
  const backend = backendChoice(values);
  if (threadsProblem(backend, threads))
    throw new UsageError(
      `--threads sets the wasm backend's threads; --backend ${backend} has none to set: drop --threads, or use --backend wasm`,
    );
  return threads;
}

/** The MEASUREMENT_OPTIONS other than --output (whose valid values differ per command), parsed. */
export function parseMeasurementOptions(values: Record<string, unknown>, defaultBatch: number) {
  const modelPath = requireOption(values, 'model');
  const imagesList = ([] as unknown[])
    .concat(values.images ?? [])
    .filter((v): v is string => typeof v === 'string' && v !== '');
  if (!imagesList.length) throw new UsageError('missing required option --images');
  const format = choice(values, 'format', OUTPUT_FORMATS, 'csv');
  return {
    modelPath,
    /** `--images` as given: one path, or the repeated option's paths joined by spaces (for headers and meta). */
    imagesPath: imagesList.join(' '),
    imagesList,
    difference: choice<Difference>(values, 'difference', DIFFERENCES, 'central'),
    coordinates: choice<Coordinates>(values, 'coordinates', COORDINATES, 'normalized'),
    format,
    batchSize: intOption(values, 'batch', defaultBatch),
    contract: parseContractOptions(values),
    ...outputTarget(values, format),
  };
}

/** The file kinds `--images` takes, for its messages. */
const IMAGES_ALSO =
  'also taken: one PNG/JPEG file (a one-image set), or --images repeated for several image files or several .npy files';

/**
 * `--images`: a .npy file, an image folder, or one PNG/JPEG file (a one-image set), resized to the
 * measured model's input size; repeated, several image files or several .npy files of one size.
 */
export async function loadImages(
  spec: string | string[],
  model: ModelWrapper,
  measured?: MeasuredModel,
  command = 'lee',
): Promise<{
  images: tf.Tensor4D;
  labels?: number[];
  files?: string[];
  classNames?: string[];
  sourceSizes?: Array<[number, number]>;
  translucent?: string[];
}> {
  const specs = Array.isArray(spec) ? spec : [spec];
  for (const s of specs) if (!fs.existsSync(s)) throw new InputError(`--images '${s}' does not exist`);
  const size = (): [number, number] => {
    const [h, w] = measured?.input.size ?? model.inputSize;
    if (!h || !w)
      throw new InputError(
        `model '${model.name}' has no fixed input size; give inputSize in its liederiv.json to load image files or a folder`,
      );
    return [h, w];
  };
  const isImage = (s: string) => (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(s).toLowerCase());
  const isNpy = (s: string) => path.extname(s).toLowerCase() === '.npy';
  const dirs = specs.filter((s) => fs.statSync(s).isDirectory());
  if (dirs.length && specs.length > 1)
    throw new InputError(
      `--images '${dirs[0]}' is a folder among ${specs.length} --images; give one folder, or image files`,
    );
  if (dirs.length) {
    const folder = loadImageFolder(specs[0], { size: size() });
    return {
      images: folder.images,
      labels: folder.labels,
      files: folder.files,
      classNames: folder.classNames,
      sourceSizes: folder.sourceSizes,
      translucent: folder.translucent,
    };
  }
  if (specs.every(isImage)) {
    const set = loadImageFiles(specs, { size: size() });
    return { images: set.images, files: set.files, sourceSizes: set.sourceSizes, translucent: set.translucent };
  }
  const pic = specs.find(isImage);
  const npy = specs.find(isNpy);
  if (pic && npy)
    throw new InputError(
      `--images mixes image files and .npy files ('${pic}', '${npy}'); give image files, or .npy files of one size, not both`,
    );
  const odd = specs.find((s) => !isNpy(s));
  if (odd) throw new InputError(`--images must be a .npy file or a folder of images, got '${odd}'; ${IMAGES_ALSO}`);
  const sets: tf.Tensor4D[] = [];
  try {
    for (const s of specs) sets.push(checkedNpy(s, model, measured, command));
    if (sets.length === 1) return { images: sets[0] };
    const [, H, W, C] = sets[0].shape;
    const other = sets.findIndex((t) => t.shape[1] !== H || t.shape[2] !== W || t.shape[3] !== C);
    if (other >= 0)
      throw new InputError(
        `--images: '${specs[other]}' holds [${sets[other].shape.slice(1).join(', ')}] images, '${specs[0]}' [${[H, W, C].join(', ')}]; expected one image size and channel count in all --images .npy files`,
      );
    return { images: tf.concat(sets, 0) as tf.Tensor4D };
  } finally {
    if (sets.length > 1) tf.dispose(sets);
  }
}

/** A .npy measured as stored (never resized): its size must be the one the model takes. */
function checkedNpy(
  spec: string,
  model: ModelWrapper,
  measured: MeasuredModel | undefined,
  command: string,
): tf.Tensor4D {
  const images = loadImagesNpy(spec);
  const [h, w] = measured?.input.size ?? model.inputSize ?? [0, 0];
  const [, H, W] = images.shape;
  if ((h && h !== H) || (w && w !== W)) {
    images.dispose();
    throw new InputError(
      `${command}: model '${model.name}' expects ${h || H}×${w || W} images, got ${H}×${W} (H×W) in ${spec}; a .npy is measured as stored, never resized: ` +
        `save it at ${h || H}×${w || W}, or give a folder of JPEG/PNG files (resized to ${h || H}×${w || W} with a warning)`,
    );
  }
  return images;
}

/** `--out` and `--resume`: resuming needs an output file written as CSV (JSON is written once, at the end). */
export function outputTarget(values: Record<string, unknown>, format: string): { out?: string; resume: boolean } {
  const out = typeof values.out === 'string' && values.out !== '' ? values.out : undefined;
  const resume = values.resume === true;
  if (resume && !out) throw new UsageError('--resume needs --out FILE (the CSV of the run to continue)');
  if (resume && format !== 'csv')
    throw new UsageError(`--resume needs --format csv (JSON is written once, at the end), got --format ${format}`);
  if (out && fs.existsSync(out) && fs.statSync(out).isDirectory())
    throw new UsageError(`--out '${out}' is a directory; expected a file path`);
  if (out && !fs.existsSync(path.dirname(path.resolve(out))))
    throw new UsageError(`--out '${out}': folder '${path.dirname(path.resolve(out))}' does not exist`);
  return { out, resume };
}

/**
 * The measured model for this run (src/jvp/measured.ts): its contract decided once from the
 * model, its sidecar and the options, refused with the CLI's own spelling of the fix when the
 * output does not fit (e.g. --output probs on an image-like output). Its `formula` is the run
 * header's 'measures …' line.
 */
export function measuredForRun(
  model: ModelWrapper,
  output: string | undefined,
  contract: Omit<ContractOptions, 'output'>,
  images?: tf.Tensor4D,
): MeasuredModel {
  const m = measuredModel(model, { ...contract, output });
  // A model that leaves its input size open is probed (fixed batch, output shape) at the images' size.
  if (images && (!m.input.size[0] || !m.input.size[1]))
    return measuredModel(model, { ...contract, output }, [images.shape[1], images.shape[2]]);
  return m;
}

/** The run header's description of the measured model, and the contract as stored in the run's meta. */
export function contractMeta(m: MeasuredModel): Record<string, unknown> {
  return { measures: m.formula, input: m.input, output: m.output, decidedBy: m.provenance };
}

/** What the rows of a run depend on in `--images`: the files' contents (sha256). */
export function imagesFingerprint(spec: string | string[], files?: string[]): string {
  if (Array.isArray(spec) && spec.length > 1)
    return fingerprintFiles(
      spec.map((s) => path.resolve(s)),
      '/',
    );
  const one = Array.isArray(spec) ? spec[0] : spec;
  if (files && fs.statSync(one).isDirectory())
    return fingerprintFiles(
      files.map((f) => path.join(one, f)),
      one,
    );
  return fingerprintFiles([one], path.dirname(one));
}

/** What the rows of a run depend on in `--model`: its files' contents, or the URL. */
export function modelFingerprint(spec: string): string {
  if (/^https?:\/\//i.test(spec)) return spec;
  const json = resolveModelPath(spec).file;
  return fingerprintFiles(modelFiles(json), path.dirname(json));
}

/**
 * Refuses a `--model` in another format (or a missing one) before the backend starts, so the
 * refusal is the first thing a user reads. The backend options are parsed first: a usage error
 * (exit 2) still wins over a model refusal (exit 1).
 */
export function preflightModel(values: Record<string, unknown>, modelPath: string): void {
  backendChoice(values);
  threadsOption(values);
  if (!/^https?:\/\//i.test(modelPath)) resolveModelPath(modelPath);
}

/**
 * `--model` loaded for a run: a folder with its one model.json somewhere below is used, and the
 * run header says which file (`<command>: note: …`); other formats are refused with their conversion.
 */
export async function loadModelForRun(spec: string, io: CliIO, command: string): Promise<ModelWrapper> {
  if (/^https?:\/\//i.test(spec)) return loadModel(spec);
  const { file, note } = resolveModelPath(spec);
  if (note) io.stderr.write(`${command}: note: ${note}\n`);
  return loadModel(file);
}

/**
 * For a NumericalError on image `image`: whether the model's own output is already non-finite
 * there (a broken model or weights) or only its derivative (overflow in the JVP).
 */
export function diagnoseNonFinite(
  model: ModelWrapper,
  images: tf.Tensor4D,
  image: number,
  contract: ContractOptions = {},
): string {
  const y = modelOutput(model, tf.slice(images, [image], [1]) as tf.Tensor4D, contract.output ?? 'logits', contract);
  const finite = tf.tidy(() => tf.all(tf.isFinite(y)));
  const ok = finite.dataSync()[0] === 1;
  tf.dispose([finite, y]);
  return ok
    ? `the model's output on image ${image} is finite; only its derivative is not`
    : `the model's own output on image ${image} is already NaN/Inf`;
}

/** A NumericalError from the library, with the CLI's diagnosis of that image appended. */
export function withNonFiniteDiagnosis(
  err: unknown,
  model: ModelWrapper,
  images: tf.Tensor4D,
  contract: ContractOptions = {},
): unknown {
  if (!(err instanceof NumericalError) || err.image === undefined) return err;
  return new NumericalError(`${err.message}; ${diagnoseNonFinite(model, images, err.image, contract)}`, err.image);
}

/** assertFiniteRows, with the diagnosis of the first bad image added to the message. */
export function assertFiniteResult<R extends { image: number }>(
  rows: readonly R[],
  field: keyof R & string,
  fn: string,
  model: ModelWrapper,
  images: tf.Tensor4D,
  contract: ContractOptions = {},
): void {
  try {
    assertFiniteRows(rows, [field], fn, model.name);
  } catch (err) {
    if (!(err instanceof NumericalError)) throw err;
    const bad = rows.find((r) => !Number.isFinite(r[field] as number)) as R;
    throw new NumericalError(`${err.message}; ${diagnoseNonFinite(model, images, bad.image, contract)}`);
  }
}

/** The warning for image files with transparent pixels (composited over white, as a viewer shows them), or undefined. */
export function translucentWarning(files: string[] | undefined): string | undefined {
  if (!files?.length) return undefined;
  const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? `, … (${files.length} in all)` : '');
  return `warning: ${files.length} image(s) have transparent pixels (${shown}), composited over white as a viewer shows them; a model trained with the alpha channel dropped (PIL's convert('RGB')) saw other pixels there: flatten the images as the model was trained before measuring`;
}
