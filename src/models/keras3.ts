/**
 * Keras 3 LayersModel files → the Keras 2 form tfjs-layers 4.22 reads, in memory.
 *
 * TF ≥ 2.16 saves with Keras 3, and tensorflowjs_converter copies its config into model.json as is.
 * tfjs 4.22 then stops at the first InputLayer ("should be passed either a batchInputShape or an
 * inputShape"), and after that at every other Keras 3 change. The differences, read from
 * keras/src/models/functional.py (get_config, serialize_node, functional_from_config) and
 * keras/src/saving/serialization_lib.py:
 *  - InputLayer: `batch_shape` instead of `batch_input_shape` (and a new `optional` flag).
 *  - `dtype` is a DTypePolicy object {class_name: 'DTypePolicy', config: {name: 'float32'}}.
 *  - every serialized object carries `module` and `registered_name` (and layers `build_config`);
 *    functions serialize as {class_name: 'function', config: 'relu'}.
 *  - `inbound_nodes` entries are {args, kwargs} with `__keras_tensor__` objects whose
 *    `keras_history` is [layer, node_index, tensor_index], instead of [[layer, node, tensor, kwargs]].
 *  - a nested model has no built-in node in Keras 3, so calls to it are numbered from 0 in the
 *    args, while tfjs (like Keras 2) counts the model's own input→output node first: +1. In
 *    input_layers/output_layers Keras 3 already adds that 1 for Functional (not for Sequential).
 *  - `input_layers`/`output_layers` may be one flat [name, node, tensor] for a single tensor.
 *  - weight names can carry the enclosing model's name ('sequential/dense/kernel'), where tfjs
 *    expects 'dense/kernel' (tensorflow/tfjs#8321).
 * Files that are not Keras 3 are returned unchanged. Pure: the input object is not modified.
 */
import { FileFormatError } from '../errors';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- model.json as parsed: Keras 2/3 configs of every layer kind, rewritten key by key

const MODEL_CLASSES = new Set(['Functional', 'Model', 'Sequential']);
const POLICY_CLASSES = new Set([
  'DTypePolicy',
  'FloatDTypePolicy',
  'QuantizedDTypePolicy',
  'QuantizedFloat8DTypePolicy',
  'Policy',
]);

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when a parsed model.json (or its modelTopology) was written by Keras 3. */
export function isKeras3ModelJson(json: Json): boolean {
  const topo = isObject(json) && isObject(json.modelTopology) ? json.modelTopology : json;
  if (!isObject(topo)) return false;
  if (typeof topo.keras_version === 'string' && /^3\./.test(topo.keras_version)) return true;
  // Without a version: the Keras 3 layout itself (an {args, kwargs} node or a batch_shape InputLayer).
  const layers: Json[] = topo.model_config?.config?.layers ?? [];
  return (
    Array.isArray(layers) &&
    layers.some(
      (l) =>
        isObject(l) &&
        (l.inbound_nodes?.some?.((n: Json) => isObject(n) && 'args' in n) ||
          (l.class_name === 'InputLayer' && l.config?.batch_shape !== undefined)),
    )
  );
}

/** A dtype policy's variable dtype as tfjs understands it (tfjs computes in float32 only). */
function policyDtype(policy: Record<string, Json>): string {
  const name = String(policy.config?.name ?? 'float32');
  if (/^mixed_|float16|bfloat16/.test(name)) return 'float32';
  return name;
}

/** Strips Keras 3 serialization metadata from any nested object: policies, functions, module fields. */
function cleanObject(v: Json): Json {
  if (Array.isArray(v)) return v.map(cleanObject);
  if (!isObject(v)) return v;
  if (typeof v.class_name === 'string' && POLICY_CLASSES.has(v.class_name)) return policyDtype(v);
  if (v.class_name === 'function' && typeof v.config === 'string') return v.config;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(v)) {
    if (
      (key === 'module' || key === 'registered_name' || key === 'build_config' || key === 'compile_config') &&
      'class_name' in v
    )
      continue;
    out[key] = cleanObject(value);
  }
  return out;
}

interface Context {
  source: string;
  /** class_name of each layer of the model being translated, by name. */
  classOf: Map<string, string>;
}

/** [layer, node, tensor] of a __keras_tensor__, node shifted for nested models (see the module doc). */
function tensorRef(kt: Json, ctx: Context, where: string): [string, number, number] {
  const history = kt?.config?.keras_history;
  if (!Array.isArray(history) || history.length !== 3)
    throw new FileFormatError(
      ctx.source,
      `Keras 3 node of layer '${where}': a __keras_tensor__ without keras_history [layer, node, tensor]`,
    );
  const [name, node, tensor] = history as [string, number, number];
  return [name, node + (MODEL_CLASSES.has(ctx.classOf.get(name) ?? '') ? 1 : 0), tensor];
}

const isKerasTensor = (v: Json) => isObject(v) && v.class_name === '__keras_tensor__';

/** {args, kwargs} → [[layer, node, tensor, kwargs], ...] (the Keras 2 node form tfjs reads). */
function translateNode(node: Json, ctx: Context, layerName: string): Json {
  if (Array.isArray(node)) return node; // already Keras 2
  if (!isObject(node) || !Array.isArray(node.args))
    throw new FileFormatError(
      ctx.source,
      `layer '${layerName}': inbound node ${JSON.stringify(node)?.slice(0, 120)} is neither Keras 2 [[layer, node, tensor, kwargs]] nor Keras 3 {args, kwargs}`,
    );
  const tensors: Json[] = [];
  const collect = (v: Json): void => {
    if (isKerasTensor(v)) tensors.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
  };
  node.args.forEach(collect);
  const kwargs: Record<string, Json> = {};
  for (const [key, value] of Object.entries(isObject(node.kwargs) ? node.kwargs : {})) {
    const hasTensor = JSON.stringify(value ?? null).includes('"__keras_tensor__"');
    if (hasTensor)
      throw new FileFormatError(
        ctx.source,
        `layer '${layerName}' is called with a tensor in keyword argument '${key}' (e.g. a mask); tfjs layers models cannot express that call`,
      );
    kwargs[key] = cleanObject(value);
  }
  if (tensors.length === 0)
    throw new FileFormatError(ctx.source, `layer '${layerName}': a Keras 3 inbound node without input tensors`);
  return tensors.map((kt) => [...tensorRef(kt, ctx, layerName), kwargs]);
}

/** input_layers / output_layers: always a list of [layer, node, tensor]; Sequential refs +1 (Functional's are already counted). */
function translateEnds(ends: Json, ctx: Context): Json {
  if (!Array.isArray(ends)) return ends;
  const list = typeof ends[0] === 'string' ? [ends] : ends;
  return list.map((e: Json) =>
    Array.isArray(e) && ctx.classOf.get(e[0]) === 'Sequential' ? [e[0], e[1] + 1, e[2]] : e,
  );
}

/**
 * Keras 3 options tfjs-layers 4.22 would silently ignore, computing another function: refused by
 * layer name rather than measured wrong.
 */
const IGNORED_OPTIONS: ReadonlyArray<{ option: string; applies: (value: Json) => boolean; what: string }> = [
  {
    option: 'rms_scaling',
    applies: (v) => v === true,
    what: 'RMS scaling (tfjs LayerNormalization centres and scales)',
  },
  {
    option: 'groups',
    applies: (v) => typeof v === 'number' && v > 1,
    what: 'grouped convolution (tfjs convolutions have no groups)',
  },
  { option: 'lora_rank', applies: (v) => v !== null && v !== undefined, what: 'LoRA weights (tfjs layers have none)' },
];

function refuseIgnoredOptions(layer: Record<string, Json>, source: string): void {
  for (const o of IGNORED_OPTIONS) {
    if (isObject(layer.config) && o.applies(layer.config[o.option])) {
      throw new FileFormatError(
        source,
        `layer '${layer.name ?? layer.config.name}' (${layer.class_name}) uses ${o.what}: ${o.option} = ${JSON.stringify(layer.config[o.option])}; tfjs would ignore it and compute a different function`,
      );
    }
  }
}

function translateLayer(layer: Json, source: string, ctx?: Context): Json {
  if (!isObject(layer)) return layer;
  refuseIgnoredOptions(layer, source);
  const cls = layer.class_name;
  const { inbound_nodes: inbound, config, ...rest } = layer;
  const out: Record<string, Json> = cleanObject(rest);
  let cfg = config;
  if (MODEL_CLASSES.has(cls)) cfg = translateModelConfig(cls, config, source);
  else {
    cfg = cleanObject(config);
    if (cls === 'InputLayer' && isObject(cfg)) {
      const { batch_shape: batchShape, optional: _optional, ...restCfg } = cfg;
      cfg =
        batchShape !== undefined && restCfg.batch_input_shape === undefined
          ? { ...restCfg, batch_input_shape: batchShape }
          : restCfg;
    }
  }
  out.config = cfg;
  if (inbound !== undefined)
    out.inbound_nodes = ctx ? (inbound as Json[]).map((n) => translateNode(n, ctx, layer.name)) : inbound;
  return out;
}

function translateModelConfig(cls: string, config: Json, source: string): Json {
  if (!isObject(config)) return config;
  const layers: Json[] = Array.isArray(config.layers) ? config.layers : [];
  if (cls === 'Sequential') {
    const { build_input_shape: _b, ...rest } = cleanObject({ ...config, layers: [] });
    return { ...rest, layers: layers.map((l) => translateLayer(l, source)) };
  }
  const ctx: Context = { source, classOf: new Map(layers.map((l) => [l?.name ?? l?.config?.name, l?.class_name])) };
  const { layers: _l, input_layers: inputs, output_layers: outputs, ...rest } = config;
  return {
    ...cleanObject(rest),
    layers: layers.map((l) => translateLayer(l, source, ctx)),
    input_layers: translateEnds(inputs, ctx),
    output_layers: translateEnds(outputs, ctx),
  };
}

/** Names of every layer (recursing into nested models), split into models and the rest. */
function layerNames(
  modelConfig: Json,
  models = new Set<string>(),
  others = new Set<string>(),
): { models: Set<string>; others: Set<string> } {
  if (!isObject(modelConfig)) return { models, others };
  const name = modelConfig.config?.name;
  if (typeof name === 'string') models.add(name);
  for (const l of modelConfig.config?.layers ?? []) {
    if (!isObject(l)) continue;
    if (MODEL_CLASSES.has(l.class_name)) layerNames(l, models, others);
    else {
      const n = l.name ?? l.config?.name;
      if (typeof n === 'string') others.add(n);
    }
  }
  return { models, others };
}

/** 'model/…/layer/weight' → 'layer/weight' when the leading parts are model names (tfjs's naming). */
function tfjsWeightName(name: string, names: { models: Set<string>; others: Set<string> }): string {
  const parts = name.split('/');
  let i = 0;
  while (parts.length - i > 2 && names.models.has(parts[i]) && !names.others.has(parts[i])) i++;
  return parts.slice(i).join('/');
}

/**
 * Translates a parsed Keras 3 model.json ({modelTopology, weightsManifest, ...}) to the Keras 2 form
 * tfjs-layers 4.22 loads, with the same weights. Anything else is returned unchanged (the same object).
 * `source` names the file in errors (FileFormatError) for calls tfjs cannot express.
 */
export function fromKeras3(json: Json, source = 'model.json'): Json {
  if (!isKeras3ModelJson(json)) return json;
  const wrapped = isObject(json.modelTopology);
  const topo = wrapped ? json.modelTopology : json;
  const modelConfig = topo.model_config ?? topo;
  const { config: innerConfig, ...modelRest } = modelConfig;
  const translatedConfig = {
    ...cleanObject(modelRest),
    config: translateModelConfig(modelConfig.class_name, innerConfig, source),
  };
  const newTopo = topo.model_config ? { ...topo, model_config: translatedConfig } : translatedConfig;
  if (!wrapped) return newTopo;
  const names = layerNames(modelConfig);
  const manifest = Array.isArray(json.weightsManifest)
    ? json.weightsManifest.map((g: Json) =>
        isObject(g) && Array.isArray(g.weights)
          ? {
              ...g,
              weights: g.weights.map((w: Json) =>
                isObject(w) && typeof w.name === 'string' ? { ...w, name: tfjsWeightName(w.name, names) } : w,
              ),
            }
          : g,
      )
    : json.weightsManifest;
  return { ...json, modelTopology: newTopo, weightsManifest: manifest };
}
