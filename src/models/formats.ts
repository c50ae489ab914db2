/**
 * Which model file a `--model` path names, for loadModel (src/models/load.ts): a TF.js model.json,
 * a folder holding one (directly, or exactly one somewhere below), or a model in a format TF.js
 * cannot read — Keras .h5 / .keras, a TensorFlow SavedModel or TF-Hub folder, a frozen graph .pb,
 * ONNX, TensorFlow Lite, PyTorch — refused with a ModelFormatError naming the format found and the
 * command that converts it.
 *
 * The converter commands are those of tensorflowjs_converter (tensorflow/tfjs,
 * tfjs-converter/python/tensorflowjs/converters/converter.py: --input_format keras | keras_keras
 * | tf_saved_model | tf_hub | tf_frozen_model, --output_format tfjs_layers_model |
 * tfjs_graph_model, --signature_name, --saved_model_tags, --output_node_names; keras_keras is the
 * Keras 3 route of tfjs PR #7691) and of onnx-tf (`onnx-tf convert -i model.onnx -o DIR`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelFormatError } from '../errors';

/** The model file to load, and a sentence for the run header when it was found by searching a folder. */
export interface ResolvedModelPath {
  file: string;
  note?: string;
}

/** How deep below a `--model` folder a model.json is looked for, and how many entries at most are read. */
const SEARCH_DEPTH = 4;
const SEARCH_ENTRIES = 5000;

/**
 * Resolves a `--model` path (not a URL) to the model.json to load.
 *
 * Errors: ModelFormatError for a model in another format (with the conversion command), for a folder
 * with several model.json below it (listing them), for a folder with none; FileFormatError-shaped
 * "model.json not found" for a path that does not exist.
 */
export function resolveModelPath(spec: string): ResolvedModelPath {
  const p = spec.replace(/^file:\/\//, '');
  if (!fs.existsSync(p))
    throw new ModelFormatError(
      p,
      'missing',
      'model.json not found (the path does not exist); expected a TF.js model.json, or a folder holding one',
    );
  if (fs.statSync(p).isDirectory()) return resolveFolder(p);
  const foreign = foreignFile(p);
  if (foreign) throw foreign;
  return { file: p };
}

function resolveFolder(dir: string): ResolvedModelPath {
  const direct = path.join(dir, 'model.json');
  if (fs.existsSync(direct)) return { file: direct };
  const here = foreignFolder(dir);
  if (here) throw here;
  const { models, foreign } = searchBelow(dir);
  if (models.length === 1)
    return {
      file: models[0],
      note: `--model ${dir} holds no model.json itself; using the one model.json below it: ${models[0]}`,
    };
  if (models.length > 1) {
    const shown = models.slice(0, 10).map((m) => `--model ${m}`);
    throw new ModelFormatError(
      dir,
      'folder',
      `model.json not found in this folder, and ${models.length} below it; say which one: ${shown.join(' | ')}${models.length > 10 ? ` | … (${models.length} in all)` : ''}`,
    );
  }
  if (foreign.length === 1) throw foreign[0];
  if (foreign.length > 1)
    throw new ModelFormatError(
      dir,
      'folder',
      `model.json not found in this folder or below it; it holds models in other formats: ${foreign
        .slice(0, 5)
        .map((f) => `${f.path} (${f.format})`)
        .join(', ')}; convert one to TF.js (liederiv --model FILE names the command for each) and give its model.json`,
    );
  throw new ModelFormatError(
    dir,
    'folder',
    'model.json not found in this folder or below it; expected a TF.js model.json (LayersModel or GraphModel, from tfjs or tensorflowjs_converter) with its weight files',
  );
}

/** model.json files and foreign models below `dir` (breadth first, skipping node_modules and dot folders). */
function searchBelow(dir: string): { models: string[]; foreign: ModelFormatError[] } {
  const models: string[] = [];
  const foreign: ModelFormatError[] = [];
  let frontier = [dir];
  let seen = 0;
  for (let depth = 0; depth < SEARCH_DEPTH && frontier.length && seen < SEARCH_ENTRIES; depth++) {
    const next: string[] = [];
    for (const d of frontier) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        continue; // an unreadable folder below is skipped, not an error of the search
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (++seen > SEARCH_ENTRIES) break;
        const full = path.join(d, e.name);
        if (e.isDirectory()) {
          if (e.name.startsWith('.') || e.name === 'node_modules') continue;
          const f = foreignFolder(full);
          if (f) foreign.push(f);
          else next.push(full);
        } else if (e.name === 'model.json') models.push(full);
        else if (e.isFile()) {
          const f = foreignFile(full);
          if (f) foreign.push(f);
        }
      }
    }
    frontier = next;
  }
  return { models, foreign };
}

function head(file: string, n = 16): Buffer {
  const buf = Buffer.alloc(n);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const got = fs.readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const HDF5 = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Where the converted model would go: beside the input, `<name>_tfjs`. */
function outDir(p: string): string {
  const base = path.basename(p).replace(/\.[^.]+$/, '');
  return path.join(path.dirname(p), `${base || 'model'}_tfjs`);
}

const q = (p: string) => (/[\s'"$`\\]/.test(p) ? `'${p.replace(/'/g, `'\\''`)}'` : p);

function savedModelCommand(dir: string, out: string): string {
  return `tensorflowjs_converter --input_format=tf_saved_model --output_format=tfjs_graph_model --signature_name=serving_default --saved_model_tags=serve ${q(dir)} ${q(out)}`;
}

const THEN = (out: string) => `, then run liederiv with --model ${q(path.join(out, 'model.json'))}`;
const PIP = '(pip install tensorflowjs)';

/** A model file TF.js cannot load, as a refusal with its conversion; undefined for anything else. */
export function foreignFile(file: string): ModelFormatError | undefined {
  const ext = path.extname(file).toLowerCase();
  const base = path.basename(file).toLowerCase();
  const h = head(file);
  const out = outDir(file);
  if (base.endsWith('.weights.h5'))
    return new ModelFormatError(
      file,
      'Keras weights',
      `Keras weights only (model.save_weights writes *.weights.h5): no architecture to measure; save the whole model in Python (model.save('model.keras'), or model.export('saved_model') for a SavedModel) and give that to --model to see its conversion`,
    );
  if (h.subarray(0, 8).equals(HDF5) || ext === '.h5' || ext === '.hdf5')
    return new ModelFormatError(
      file,
      'Keras HDF5',
      `a Keras HDF5 model (.h5), not a TF.js model.json; convert it ${PIP}: tensorflowjs_converter --input_format=keras ${q(file)} ${q(out)}${THEN(out)}`,
    );
  if (ext === '.keras') {
    const sm = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}_savedmodel`);
    return new ModelFormatError(
      file,
      'Keras 3 .keras',
      `a Keras 3 .keras archive${h.subarray(0, 4).equals(ZIP) ? '' : ' (by its name; not a zip file)'}, not a TF.js model.json; convert it ${PIP}: tensorflowjs_converter --input_format=keras_keras --output_format=tfjs_layers_model ${q(file)} ${q(out)}${THEN(out)} ` +
        `(the Keras 3 route of tensorflowjs; if it fails on your model, export a SavedModel in Python — keras.models.load_model(${JSON.stringify(file)}).export(${JSON.stringify(sm)}) — and convert that: ${savedModelCommand(sm, out)})`,
    );
  }
  if (ext === '.onnx') {
    const sm = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}_savedmodel`);
    return new ModelFormatError(
      file,
      'ONNX',
      `an ONNX model, not a TF.js model.json; convert it to a SavedModel with onnx-tf (pip install onnx-tf): onnx-tf convert -i ${q(file)} -o ${q(sm)}, then to TF.js ${PIP}: ${savedModelCommand(sm, out)}${THEN(out)} (onnx-tf keeps PyTorch's NCHW layout: liederiv detects it, or give --layout nchw)`,
    );
  }
  if (ext === '.tflite' || h.subarray(4, 8).toString('latin1') === 'TFL3')
    return new ModelFormatError(
      file,
      'TensorFlow Lite',
      'a TensorFlow Lite flatbuffer, not a TF.js model.json; it cannot be converted to TF.js (tensorflowjs_converter has no TFLite input format, and TFLite models run in tfjs only through tfjs-tflite, which has no gradients to differentiate); convert the model it was made from instead (its SavedModel, Keras .h5/.keras or ONNX file: give that file to --model to see the command)',
    );
  if (ext === '.pb') {
    if (base === 'saved_model.pb') return foreignFolder(path.dirname(file));
    return new ModelFormatError(
      file,
      'TensorFlow frozen graph',
      `a TensorFlow frozen graph (.pb), not a TF.js model.json; convert it ${PIP}: tensorflowjs_converter --input_format=tf_frozen_model --output_node_names=OUTPUT_NODE ${q(file)} ${q(out)}${THEN(out)} (OUTPUT_NODE: the name of the graph's output node, e.g. from Netron)`,
    );
  }
  if (ext === '.pt' || ext === '.pth' || ext === '.ckpt' || ext === '.safetensors')
    return new ModelFormatError(
      file,
      'PyTorch',
      `a PyTorch checkpoint, not a TF.js model.json; export it to ONNX in Python (torch.onnx.export(model, torch.rand(1, 3, H, W), 'model.onnx')), then give model.onnx to --model to see the next commands (onnx-tf, then tensorflowjs_converter)`,
    );
  if (base === 'liederiv.json' && fs.existsSync(path.join(path.dirname(file), 'model.json')))
    return new ModelFormatError(
      file,
      'liederiv sidecar',
      `liederiv's sidecar (how to measure the model beside it), not the model; give the model.json beside it (the sidecar is read from there): --model ${q(path.join(path.dirname(file), 'model.json'))}`,
    );
  if (ext === '.bin' && fs.existsSync(path.join(path.dirname(file), 'model.json')))
    return new ModelFormatError(
      file,
      'TF.js weight file',
      `a TF.js weight file; give the model.json beside it: --model ${q(path.join(path.dirname(file), 'model.json'))}`,
    );
  return undefined;
}

/** A SavedModel or TF-Hub folder, as a refusal with its conversion; undefined for any other folder. */
export function foreignFolder(dir: string): ModelFormatError | undefined {
  const has = (f: string) => fs.existsSync(path.join(dir, f));
  if (has('config.json') && has('metadata.json') && has('model.weights.h5'))
    return new ModelFormatError(
      dir,
      'Keras 3 .keras (unzipped)',
      `an unzipped Keras 3 .keras archive (config.json, metadata.json, model.weights.h5), not a TF.js model; give the .keras file itself to --model to see its conversion (or zip these three files back into model.keras)`,
    );
  if (!has('saved_model.pb') && !has('saved_model.pbtxt')) return undefined;
  const out = outDir(dir.replace(/[/\\]+$/, ''));
  if (has('tfhub_module.pb'))
    return new ModelFormatError(
      dir,
      'TF-Hub module',
      `a TF-Hub module folder (tfhub_module.pb), not a TF.js model; convert it ${PIP}: tensorflowjs_converter --input_format=tf_hub ${q(dir)} ${q(out)}${THEN(out)} (add --signature_name=NAME for a signature other than 'default')`,
    );
  return new ModelFormatError(
    dir,
    'TensorFlow SavedModel',
    `a TensorFlow SavedModel folder (saved_model.pb${has('variables') ? ' + variables/' : ''}), not a TF.js model; convert it ${PIP}: ${savedModelCommand(dir, out)}${THEN(out)} (a TF2 model from TF Hub is a SavedModel too; for one saved with another signature or tags, change --signature_name / --saved_model_tags)`,
  );
}
