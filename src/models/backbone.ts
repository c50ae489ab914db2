/**
 * The MobileNetV2 bundled with nsfwjs@4.3.0 (ImageNet-derived, 224×224), truncated to its pooled
 * feature vector — an offline backbone for teaching material. Its 5-class head is removed before
 * loading: no class names or head weights are exposed (DESIGN §9).
 *
 * nsfwjs ships two MobileNetV2 variants as browserify bundles whose module value is the model.json
 * (`model.min.js`) or a base64 weight shard (`group1-shardNofM.min.js`):
 *  - 'layers': dist/models/mobilenet_v2 — a Keras LayersModel (width 1.0), features after
 *    `average_pooling2d_1` (7×7 average pool) + `flatten_1`: 1280 values.
 *  - 'graph': dist/models/mobilenet_v2_mid — a converted TF-Hub GraphModel (width 1.4), features at
 *    `…/feature_vector/SpatialSqueeze`: 1792 values.
 * The bundles are read as files and evaluated in an empty VM context: nsfwjs's entry points (which
 * log to the console and register globals) are never imported, and nothing touches the network.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { checkName, FileFormatError } from '../errors';
import { IDENTITY_PREPROCESS, type ModelWrapper } from './model';

export const BACKBONE_VARIANTS = ['layers', 'graph'] as const;
export type BackboneVariant = (typeof BACKBONE_VARIANTS)[number];

export const NSFWJS_VERSION = '4.3.0';

interface VariantSpec {
  folder: string;
  shards: number;
  /** Name of the pooled-feature layer (LayersModel) or node (GraphModel). */
  outputLayer: string;
  featureDim: number;
}

const VARIANTS: Record<BackboneVariant, VariantSpec> = {
  layers: { folder: 'mobilenet_v2', shards: 1, outputLayer: 'flatten_1', featureDim: 1280 },
  graph: {
    folder: 'mobilenet_v2_mid',
    shards: 2,
    outputLayer:
      'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze',
    featureDim: 1792,
  },
};

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16' };
}
/** The fields of a model.json topology that truncation reads (Keras layers config, or a GraphDef's nodes). */
interface LayerJson {
  name: string;
  inbound_nodes?: Array<Array<[string, ...unknown[]]>>;
}
interface NodeJson {
  name: string;
  input?: string[];
}
interface TopologyJson {
  model_config: { config: { layers: LayerJson[] } & Record<string, unknown> } & Record<string, unknown>;
  node: NodeJson[];
  training_config?: unknown;
}
interface ModelJson {
  modelTopology: TopologyJson;
  weightsManifest: Array<{ paths: string[]; weights: WeightEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
}

/** dist/models of the installed nsfwjs (its package "exports" hide the folder from require paths). */
function modelsDir(): string {
  let entry: string;
  try {
    entry = require.resolve('nsfwjs');
  } catch {
    throw new FileFormatError('nsfwjs', `package nsfwjs@${NSFWJS_VERSION} is not installed (npm install restores it)`);
  }
  return path.resolve(path.dirname(entry), '..', 'models');
}

/** Evaluates one browserify bundle in an empty context and returns its module value. */
function readBundle(file: string): unknown {
  if (!fs.existsSync(file))
    throw new FileFormatError(file, `missing; expected the bundle shipped with nsfwjs@${NSFWJS_VERSION}`);
  const sandbox: { module: { exports: unknown }; exports?: unknown } = { module: { exports: {} } };
  sandbox.exports = sandbox.module.exports;
  try {
    vm.runInNewContext(fs.readFileSync(file, 'utf8'), sandbox, { filename: file });
  } catch (err) {
    throw new FileFormatError(file, `could not evaluate the bundle: ${(err as Error).message}`);
  }
  return sandbox.module.exports;
}

/** Bytes one weight occupies in the concatenated weight data. */
function weightBytes(w: WeightEntry): number {
  const n = w.shape.reduce((a, b) => a * b, 1);
  const q = w.quantization?.dtype;
  return n * (q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4);
}

/** Keeps the weights named in `keep`, in order, with their bytes. */
function selectWeights(
  json: ModelJson,
  shards: Uint8Array[],
  keep: (name: string) => boolean,
  where: string,
): { specs: WeightEntry[]; data: ArrayBuffer } {
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const all = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of shards) {
    all.set(s, at);
    at += s.length;
  }
  const total = specs.reduce((n, w) => n + weightBytes(w), 0);
  if (total !== all.length)
    throw new FileFormatError(where, `weight shards hold ${all.length} bytes but the manifest describes ${total}`);
  const kept: WeightEntry[] = [];
  const pieces: Uint8Array[] = [];
  let offset = 0;
  for (const w of specs) {
    const bytes = weightBytes(w);
    if (keep(w.name)) {
      kept.push(w);
      pieces.push(all.subarray(offset, offset + bytes));
    }
    offset += bytes;
  }
  const data = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  offset = 0;
  for (const p of pieces) {
    data.set(p, offset);
    offset += p.length;
  }
  return { specs: kept, data: data.buffer };
}

/** Names reachable backwards from `start` through `inputsOf`. */
function ancestors(start: string, inputsOf: (name: string) => string[]): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length)
    for (const n of inputsOf(stack.pop()!))
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
  return seen;
}

function truncatedLayersArtifacts(
  json: ModelJson,
  shards: Uint8Array[],
  spec: VariantSpec,
  where: string,
): tf.io.ModelArtifacts {
  const config = json.modelTopology.model_config.config;
  const byName = new Map(config.layers.map((l) => [l.name, l]));
  if (!byName.has(spec.outputLayer)) throw new FileFormatError(where, `layer '${spec.outputLayer}' not found`);
  const keep = ancestors(spec.outputLayer, (name) =>
    (byName.get(name)?.inbound_nodes ?? []).flatMap((node) => node.map((ref) => ref[0])),
  );
  const topology = {
    ...json.modelTopology,
    model_config: {
      ...json.modelTopology.model_config,
      config: {
        ...config,
        layers: config.layers.filter((l) => keep.has(l.name)),
        output_layers: [[spec.outputLayer, 0, 0]],
      },
    },
  };
  delete topology.training_config; // it describes the removed classifier's loss
  const { specs, data } = selectWeights(json, shards, (name) => keep.has(name.split('/')[0]), where);
  return {
    modelTopology: topology,
    weightSpecs: specs as tf.io.WeightsManifestEntry[],
    weightData: data,
    format: 'layers-model',
  };
}

function truncatedGraphArtifacts(
  json: ModelJson,
  shards: Uint8Array[],
  spec: VariantSpec,
  where: string,
): tf.io.ModelArtifacts {
  const nodes = json.modelTopology.node;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  if (!byName.has(spec.outputLayer)) throw new FileFormatError(where, `node '${spec.outputLayer}' not found`);
  const keep = ancestors(spec.outputLayer, (name) =>
    (byName.get(name)?.input ?? []).map((ref) => ref.replace(/^\^/, '').split(':')[0]),
  );
  // Without a signature the converter takes the nodes nobody consumes — here the feature node — as outputs.
  const { specs, data } = selectWeights(json, shards, (name) => keep.has(name), where);
  return {
    modelTopology: { ...json.modelTopology, node: nodes.filter((n) => keep.has(n.name)) },
    weightSpecs: specs as tf.io.WeightsManifestEntry[],
    weightData: data,
    format: 'graph-model',
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  };
}

/**
 * MobileNetV2 (ImageNet-derived, from nsfwjs@4.3.0, offline) truncated to its pooled features.
 *
 * Convention:
 *  - wrapper input: [B, 224, 224, 3] float32 RGB in [0, 1]; `preprocess` is the identity, because
 *    nsfwjs feeds its models `pixels / 255` (nsfwjs dist/cjs/core.js, NSFWJS.infer: `img.toFloat()
 *    .div(this.normalizationOffset)` with normalizationOffset = 255). The graph variant rescales to
 *    [−1, 1] inside its own graph (nodes `…/hub_input/Mul` and `…/hub_input/Sub`), so that is part of `net`.
 *  - net output: [B, featureDim] pooled features (1280 for 'layers', 1792 for 'graph'), named
 *    `outputLayer` (the net's only output; also usable as `stopAt`/`outputNode`).
 *  - memory: the caller owns `net` and disposes it with `net.dispose()`.
 */
export async function loadMobileNetV2Backbone(
  opts: { variant?: BackboneVariant } = {},
): Promise<ModelWrapper & { featureDim: number; outputLayer: string }> {
  const variant = checkName('backbone variant', opts.variant ?? 'layers', BACKBONE_VARIANTS);
  const spec = VARIANTS[variant];
  const dir = path.join(modelsDir(), spec.folder);
  const modelFile = path.join(dir, 'model.min.js');
  const json = JSON.parse(JSON.stringify(readBundle(modelFile))) as ModelJson; // into this realm
  if (!json?.modelTopology || !Array.isArray(json.weightsManifest))
    throw new FileFormatError(modelFile, 'not a tfjs model.json bundle');
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  const shards = paths.map((p) => {
    const file = path.join(dir, `${p}.min.js`);
    const b64 = readBundle(file);
    if (typeof b64 !== 'string') throw new FileFormatError(file, 'expected a base64 weight shard');
    return new Uint8Array(Buffer.from(b64, 'base64'));
  });
  if (paths.length !== spec.shards)
    throw new FileFormatError(modelFile, `expected ${spec.shards} weight shard(s), the manifest lists ${paths.length}`);
  const net =
    variant === 'layers'
      ? await tf.loadLayersModel(tf.io.fromMemory(truncatedLayersArtifacts(json, shards, spec, modelFile)))
      : await tf.loadGraphModel(tf.io.fromMemory(truncatedGraphArtifacts(json, shards, spec, modelFile)));
  return {
    name: `mobilenet_v2-backbone-${variant}`,
    net,
    inputSize: [224, 224],
    preprocess: IDENTITY_PREPROCESS,
    source: `nsfwjs@${NSFWJS_VERSION} dist/models/${spec.folder} (bundled, offline), truncated at ${spec.outputLayer}`,
    featureDim: spec.featureDim,
    outputLayer: spec.outputLayer,
  };
}
