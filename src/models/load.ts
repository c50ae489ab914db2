import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FileFormatError, InputError, LiederivError } from '../errors';
import { detectInput, type ContractOptions } from '../jvp/measured';
import { checkContractValue, CONTRACT_FLAGS, type ContractField } from '../jvp/contractValues';
import { IDENTITY_PREPROCESS, type ModelWrapper, type Preprocess } from './model';
import { resolveModelPath } from './formats';

export { resolveModelPath, type ResolvedModelPath } from './formats';
import { prepareLayersModelJson } from './tfjsLayerFixes';
// The zoo's custom layers must be registered with tfjs serialization before a zoo model.json loads.
import './layers';

/** The optional sidecar beside model.json that tells the toolkit how to measure the model. */
export const SIDECAR_FILE = 'liederiv.json';

type Meta = Partial<Omit<ModelWrapper, 'net'>>;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileFormatError(file, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  // Binary content (a .npy, a weight shard) would put unprintable bytes into the message.
  // eslint-disable-next-line no-control-regex -- control characters are what marks a binary file
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text.slice(0, 512)))
    throw new FileFormatError(file, 'not a JSON file (binary content)');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FileFormatError(file, `not valid JSON (${(err as Error).message})`);
  }
}

/**
 * A tf.io.IOHandler for a model.json on the local disk with its weight files beside it (pure tfjs
 * has no file://). `load` reads the manifest's shards; `save` writes model.json + weights.bin,
 * each through a temporary file and a rename, so a reader never sees half a model.
 */
export function diskIOHandler(modelJsonPath: string): tf.io.IOHandler {
  const dir = path.dirname(modelJsonPath);
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = prepareLayersModelJson(readJson(modelJsonPath), modelJsonPath) as tf.io.ModelJSON;
      if (!json || typeof json !== 'object' || !json.modelTopology) {
        throw new FileFormatError(
          modelJsonPath,
          'not a TF.js model.json (no modelTopology); expected a LayersModel or GraphModel saved by tfjs or tensorflowjs_converter',
        );
      }
      // Without a manifest tfjs would build the model with random initial weights: refuse.
      if (
        !Array.isArray(json.weightsManifest) ||
        !json.weightsManifest.every((g) => g && Array.isArray(g.paths) && Array.isArray(g.weights))
      ) {
        throw new FileFormatError(
          modelJsonPath,
          `weightsManifest must be an array of {paths, weights}, got ${JSON.stringify(json.weightsManifest) ?? 'none'} (without it the model would run with random initial weights)`,
        );
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const file = path.resolve(dir, decodeURIComponent(String(p)));
            // Weight shards live beside model.json: a path that leaves the folder is refused.
            if (
              path.relative(path.resolve(dir), file).startsWith('..') ||
              path.isAbsolute(decodeURIComponent(String(p)))
            ) {
              throw new FileFormatError(
                modelJsonPath,
                `weight path '${p}' leaves the model's folder; expected a file name beside model.json`,
              );
            }
            let buf: Buffer;
            try {
              buf = fs.readFileSync(file);
            } catch (err) {
              const code = (err as NodeJS.ErrnoException).code;
              throw new FileFormatError(
                file,
                code === 'ENOENT'
                  ? `weight file named in ${path.basename(modelJsonPath)} is missing`
                  : `weight file named in ${path.basename(modelJsonPath)} cannot be read (${code ?? (err as Error).message})`,
              );
            }
            buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
          }
        }
        const data = tf.io.concatenateArrayBuffers(buffers);
        const want = specs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * bytesPer(w), 0);
        if (data.byteLength < want)
          throw new FileFormatError(
            modelJsonPath,
            `weights are truncated: ${data.byteLength} bytes, the manifest needs ${want}`,
          );
        // Extra bytes mean the shards belong to another model (tfjs would silently ignore them).
        if (data.byteLength > want)
          throw new FileFormatError(
            modelJsonPath,
            `weight files hold ${data.byteLength} bytes but the manifest describes ${want}; are they from another model?`,
          );
        return [specs, data];
      });
    },
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      fs.mkdirSync(dir, { recursive: true });
      const weightData = artifacts.weightData
        ? new tf.io.CompositeArrayBuffer(artifacts.weightData).slice()
        : new ArrayBuffer(0);
      const manifest: tf.io.WeightsManifestConfig = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: manifest,
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer) modelJson.modelInitializer = artifacts.modelInitializer;
      writeAtomic(path.join(dir, 'weights.bin'), Buffer.from(weightData));
      writeAtomic(modelJsonPath, JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weightData.byteLength,
        },
      };
    },
  };
}

function bytesPer(w: tf.io.WeightsManifestEntry): number {
  if (w.quantization) return w.quantization.dtype === 'float16' || w.quantization.dtype === 'uint16' ? 2 : 1;
  return w.dtype === 'bool' ? 1 : 4;
}

/**
 * Writes a file through a temporary sibling, fsync and a rename (atomic on one filesystem): a
 * reader, or a run killed at any point, sees the old file or the new one, never half of one.
 * The temporary file is removed when writing fails; FileFormatError names the file.
 */
export function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new FileFormatError(file, `cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** A sidecar field checked by the one contract validator, refused as this file's error naming the field. */
function sidecarValue<F extends ContractField>(field: F, value: unknown, where: string, subject: string = field) {
  const r = checkContractValue(field, value, subject);
  if (r.ok === false)
    throw new FileFormatError(
      where,
      `${r.problem} (field '${subject}' of this liederiv.json; the option ${CONTRACT_FLAGS[field]} overrides it)`,
    );
  return r.value;
}

/** `preprocess: {mean, std}` on [0, 1] pixels, from the sidecar (`where` its path) or, without `where`, loadModel's options. */
function checkPreprocess(p: unknown, where?: string): Preprocess {
  const pp = p as Preprocess;
  const shape = `preprocess must be {mean: [r, g, b], std: [r, g, b]} (or one value each for a grey model) with std > 0, got ${JSON.stringify(p)}`;
  if (!pp || typeof pp !== 'object') {
    if (where) throw new FileFormatError(where, shape);
    throw new InputError(`loadModel option ${shape}`);
  }
  const one = (field: 'mean' | 'std') => {
    if (where) return sidecarValue(field, pp[field], where, `preprocess.${field}`);
    const r = checkContractValue(field, pp[field], `preprocess.${field}`);
    if (r.ok === false) throw new InputError(`loadModel option ${r.problem}`);
    return r.value;
  };
  return { mean: one('mean'), std: one('std') };
}

/**
 * Loads a TF.js LayersModel or GraphModel: a model.json path on disk (weights beside it, or a
 * directory holding model.json, or exactly one model.json below it: resolveModelPath) or an http(s)
 * URL. A Keras .h5/.keras, SavedModel, TF-Hub, ONNX, TFLite or PyTorch file is refused with a
 * ModelFormatError that names the format and the command converting it. An optional `liederiv.json` sidecar beside a
 * local model.json gives {name, inputSize, preprocess, classNames}; `opts` override it.
 */
export async function loadModel(pathOrUrl: string, opts: Meta = {}): Promise<ModelWrapper> {
  let source = pathOrUrl.replace(/^file:\/\//, '');
  let sidecar: Meta = {};
  let net: tf.LayersModel | tf.GraphModel;
  if (isUrl(source)) {
    const offline =
      'liederiv reads models offline first: download model.json with its weight files and give the local path to --model';
    const probe = await fetch(source).then(
      async (r) => {
        if (!r.ok) throw new FileFormatError(source, `HTTP ${r.status} ${r.statusText}; ${offline}`);
        try {
          return (await r.json()) as unknown;
        } catch (err) {
          throw new FileFormatError(source, `not valid JSON (${(err as Error).message}); expected a TF.js model.json`);
        }
      },
      (err: unknown) => {
        // undici's "fetch failed" hides the reason (ECONNREFUSED, ENOTFOUND, …) in err.cause.
        const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
        throw new FileFormatError(
          source,
          `cannot fetch (${cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err)}); ${offline}`,
        );
      },
    );
    net = await buildNet(source, isGraphModelJson(probe), () =>
      isGraphModelJson(probe) ? tf.loadGraphModel(source) : tf.loadLayersModel(source),
    );
  } else {
    // A folder holding model.json (or exactly one below it); other formats are refused with their conversion.
    source = resolveModelPath(source).file;
    const json = readJson(source);
    const handler = diskIOHandler(source);
    net = await buildNet(source, isGraphModelJson(json), () =>
      isGraphModelJson(json) ? tf.loadGraphModel(handler) : tf.loadLayersModel(handler),
    );
    const side = path.join(path.dirname(source), SIDECAR_FILE);
    if (fs.existsSync(side)) sidecar = parseSidecar(readJson(side), side);
    source = path.resolve(source);
  }
  const contract = { ...sidecar.contract, ...opts.contract };
  let inputSize = opts.inputSize ?? sidecar.inputSize;
  if (!inputSize) {
    // The size the net states, read in its layout (an NCHW [B, 3, 28, 28] input is 28×28, not 3×28).
    const layout = contract.layout && contract.layout !== 'auto' ? contract.layout : undefined;
    try {
      inputSize = detectInput(
        net,
        opts.name ?? sidecar.name ?? (net instanceof tf.LayersModel ? net.name : graphModelName(source)),
        layout,
        opts.contract?.layout && opts.contract.layout !== 'auto' ? 'loadModel option layout' : 'liederiv.json sidecar',
      ).size;
    } catch (err) {
      net.dispose();
      if (err instanceof LiederivError) throw new FileFormatError(source, err.message);
      throw err;
    }
  }
  return {
    name: opts.name ?? sidecar.name ?? (net instanceof tf.LayersModel ? net.name : graphModelName(source)),
    net,
    inputSize,
    preprocess: opts.preprocess ? checkPreprocess(opts.preprocess) : (sidecar.preprocess ?? IDENTITY_PREPROCESS),
    classNames: opts.classNames ?? sidecar.classNames,
    source: opts.source ?? source,
    contract,
  };
}

/**
 * Runs a tfjs loader; its own errors (unknown layer class, bad layer config, weight shape or name
 * mismatches) become FileFormatError naming the model file. tfjs deserializes JSON only: class
 * names are looked up in its registry, nothing from the file is evaluated as code.
 */
async function buildNet(
  source: string,
  graph: boolean,
  load: () => Promise<tf.LayersModel | tf.GraphModel>,
): Promise<tf.LayersModel | tf.GraphModel> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof LiederivError) throw err;
    let msg = String((err as Error)?.message ?? err)
      .split('\n')[0]
      .replace(/\s*This may be due to one of the following reasons:\s*$/, '');
    const unknown = /^Unknown layer: ([^.\s]*)/.exec(msg);
    if (unknown)
      msg = `unknown layer class '${unknown[1]}' (not a tfjs built-in layer, nor one of liederiv's custom layers registered in src/models/layers)`;
    throw new FileFormatError(source, `cannot build the ${graph ? 'GraphModel' : 'LayersModel'} it describes: ${msg}`);
  }
}

/** A GraphModel's name: its file's (faceboxes.json → 'faceboxes'), or its folder's for a plain model.json. */
function graphModelName(source: string): string {
  const base = path.basename(source);
  return base.toLowerCase() === 'model.json' ? path.basename(path.dirname(source)) : base.replace(/\.json$/i, '');
}

function isGraphModelJson(input: unknown): boolean {
  const json = input as { format?: unknown; modelTopology?: { node?: unknown } } | null | undefined;
  if (json?.format === 'graph-model') return true;
  if (json?.format === 'layers-model') return false;
  const topo = json?.modelTopology;
  return !!topo && Array.isArray(topo.node);
}

/** The sidecar's fields (README "Your own model"): all optional; unknown fields are refused (a typo would be silently ignored). */
export const SIDECAR_FIELDS = [
  'name',
  'inputSize',
  'classNames',
  'preprocess',
  'inputRange',
  'mean',
  'std',
  'layout',
  'output',
] as const;

/** The sidecar field a misspelt key most likely meant (same letters ignoring case, '_' and '-', or one edit away). */
function closestField(key: string): string | undefined {
  const norm = (k: string) => k.toLowerCase().replace(/[_\-\s]/g, '');
  const k = norm(key);
  const near = (a: string, b: string) => {
    if (Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
  };
  return SIDECAR_FIELDS.find((f) => norm(f) === k) ?? SIDECAR_FIELDS.find((f) => near(norm(f), k));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON: each field is checked where it is read below
function parseSidecar(json: any, where: string): Meta {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new FileFormatError(where, `expected a JSON object with some of ${SIDECAR_FIELDS.join(', ')}`);
  const unknown = Object.keys(json).filter((k) => !(SIDECAR_FIELDS as readonly string[]).includes(k));
  if (unknown.length) {
    const guess = unknown
      .map((k) => [k, closestField(k)] as const)
      .filter(([, g]) => g)
      .map(([k, g]) => `'${k}' → '${g}'`);
    throw new FileFormatError(
      where,
      `unknown field(s) ${unknown.join(', ')}${guess.length ? ` (did you mean ${guess.join(', ')}?)` : ''}; the sidecar's fields are ${SIDECAR_FIELDS.join(', ')}`,
    );
  }
  // Two statements of the same normalisation: which one the model expects cannot be guessed.
  if (json.preprocess !== undefined && (json.mean !== undefined || json.std !== undefined)) {
    throw new FileFormatError(
      where,
      `gives both 'preprocess' ${JSON.stringify(json.preprocess)} and ${json.mean !== undefined ? `'mean' ${JSON.stringify(json.mean)}` : ''}${json.mean !== undefined && json.std !== undefined ? ' and ' : ''}${json.std !== undefined ? `'std' ${JSON.stringify(json.std)}` : ''}; expected one statement of the normalisation: 'mean'/'std' (with 'inputRange'), or the older 'preprocess' {mean, std} on [0, 1] pixels`,
    );
  }
  const meta: Meta = {};
  if (json.name !== undefined) meta.name = String(json.name);
  if (json.inputSize !== undefined) {
    const s = json.inputSize;
    if (!Array.isArray(s) || s.length !== 2 || !s.every((n: unknown) => Number.isInteger(n) && (n as number) > 0))
      throw new FileFormatError(where, `inputSize must be [height, width], got ${JSON.stringify(s)}`);
    meta.inputSize = [s[0], s[1]];
  }
  if (json.preprocess !== undefined) meta.preprocess = checkPreprocess(json.preprocess, where);
  if (json.classNames !== undefined) {
    if (!Array.isArray(json.classNames) || !json.classNames.every((c: unknown) => typeof c === 'string'))
      throw new FileFormatError(where, 'classNames must be an array of strings');
    meta.classNames = json.classNames;
  }
  const contract: ContractOptions = {};
  // liederiv's own `preprocess` is defined on [0, 1] images (DESIGN §10): a sidecar giving it states the range.
  if (json.preprocess !== undefined && json.inputRange === undefined) contract.inputRange = '0..1';
  if (json.inputRange !== undefined) contract.inputRange = sidecarValue('inputRange', json.inputRange, where);
  if (json.layout !== undefined) contract.layout = sidecarValue('layout', json.layout, where);
  if (json.mean !== undefined) contract.mean = sidecarValue('mean', json.mean, where);
  if (json.std !== undefined) contract.std = sidecarValue('std', json.std, where);
  if (json.output !== undefined) {
    if (typeof json.output !== 'string' || !json.output)
      throw new FileFormatError(
        where,
        `output must be 'probs', 'logits' or a tensor name, got ${JSON.stringify(json.output)}`,
      );
    contract.output = json.output;
  }
  if (Object.keys(contract).length) meta.contract = contract;
  return meta;
}

/**
 * Saves a LayersModel to `dir` as model.json + weights.bin (atomically, see diskIOHandler), and
 * `meta` (name, inputSize, preprocess, classNames) as the liederiv.json sidecar when given.
 */
export async function saveModel(model: tf.LayersModel, dir: string, meta?: Meta): Promise<void> {
  if (!(model instanceof tf.LayersModel)) throw new InputError('saveModel: expected a tf.LayersModel');
  await model.save(diskIOHandler(path.join(dir, 'model.json')));
  if (meta) {
    const side: Record<string, unknown> = {};
    for (const k of ['name', 'inputSize', 'preprocess', 'classNames'] as const)
      if (meta[k] !== undefined) side[k] = meta[k];
    for (const [k, v] of Object.entries(meta.contract ?? {})) if (v !== undefined) side[k] = v;
    writeAtomic(path.join(dir, SIDECAR_FILE), JSON.stringify(side, null, 2));
  }
}
