/* eslint-disable @typescript-eslint/no-explicit-any -- walks third-party model.json files (GraphDef nodes, Keras 2/3 layer configs) key by key; every read is guarded */
/**
 * What a model.json says about itself, read without building the model: format, converter,
 * inputs and outputs (signature, or the graph's Placeholders and unconsumed nodes, or the
 * LayersModel's input layers), the ops or layer classes it uses, and which of them have no
 * forward-mode JVP rule in this repository (src/jvp/registry).
 */
import * as fs from 'node:fs';
import '../../src/jvp/rules';
import { registeredLayerClasses, registeredOps } from '../../src/jvp/registry';

export interface TensorInfo {
  name: string;
  /** Node name behind a signature key, when it differs. */
  node?: string;
  shape: Array<number | null> | null;
  dtype: string;
}

export interface Inventory {
  format: 'graph-model' | 'layers-model';
  convertedBy?: string;
  generatedBy?: string;
  /** Keras version for LayersModels. */
  kerasVersion?: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Whether the outputs come from the model's signature (else: unconsumed nodes / output layers). */
  signature: boolean;
  /** Op names (graph, with counts) or layer class names (layers). */
  ops: Record<string, number>;
  /** Ops or layer classes without a JVP rule here. */
  missing: string[];
  /** Graph: the ops between the input and the measured output (`outputNode`), and those of them without a rule. */
  pathOps?: string[];
  pathMissing?: string[];
  weightBytes: number;
  nodes: number;
}

/** Ops that are structure, not computation: weights, inputs, no-ops. */
const STRUCTURAL = new Set(['Const', 'Placeholder', 'NoOp', 'InputLayer']);

function dims(shape: any): Array<number | null> | null {
  if (!shape || shape.unknownRank) return null;
  return (shape.dim ?? []).map((d: any) => (d.size === undefined || Number(d.size) < 0 ? null : Number(d.size)));
}

const DTYPES: Record<string, string> = {
  DT_FLOAT: 'float32',
  DT_INT32: 'int32',
  DT_UINT8: 'uint8',
  DT_BOOL: 'bool',
  DT_INT64: 'int64',
};

function graphInventory(
  json: any,
  outputNode?: string,
): Omit<Inventory, 'format' | 'convertedBy' | 'generatedBy' | 'weightBytes'> {
  const nodes: any[] = json.modelTopology.node ?? [];
  const fnNodes: any[] = (json.modelTopology.library?.function ?? []).flatMap((f: any) => f.nodeDef ?? []);
  const ops: Record<string, number> = {};
  for (const n of [...nodes, ...fnNodes]) if (!STRUCTURAL.has(n.op)) ops[n.op] = (ops[n.op] ?? 0) + 1;
  const sig = json.signature;
  const tensor = (key: string, v: any): TensorInfo => {
    const node = String(v.name ?? key).replace(/:0$/, '');
    return {
      name: key,
      ...(node !== key ? { node } : {}),
      shape: dims(v.tensorShape),
      dtype: DTYPES[v.dtype] ?? String(v.dtype ?? '?'),
    };
  };
  let inputs: TensorInfo[];
  let outputs: TensorInfo[];
  if (sig?.inputs && sig?.outputs) {
    inputs = Object.entries(sig.inputs).map(([k, v]) => tensor(k, v));
    outputs = Object.entries(sig.outputs).map(([k, v]) => tensor(k, v));
  } else {
    inputs = nodes
      .filter((n) => n.op === 'Placeholder')
      .map((n) => ({ name: n.name, shape: dims(n.attr?.shape?.shape), dtype: DTYPES[n.attr?.dtype?.type] ?? '?' }));
    const consumed = new Set(
      nodes.flatMap((n) => (n.input ?? []).map((i: string) => i.replace(/^\^/, '').split(':')[0])),
    );
    outputs = nodes
      .filter((n) => !consumed.has(n.name) && !STRUCTURAL.has(n.op))
      .map((n) => ({ name: n.name, shape: null, dtype: '?' }));
  }
  const have = new Set(registeredOps());
  const missing = (list: string[]) => list.filter((op) => !have.has(op)).sort();
  let path: { pathOps?: string[]; pathMissing?: string[] } = {};
  const target = outputNode ?? (outputs.length === 1 ? (outputs[0].node ?? outputs[0].name) : undefined);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  if (target && byName.has(target)) {
    const seen = new Set<string>([target]);
    const stack = [target];
    while (stack.length) {
      for (const i of byName.get(stack.pop()!)?.input ?? []) {
        const name = String(i).replace(/^\^/, '').split(':')[0];
        if (!seen.has(name)) {
          seen.add(name);
          stack.push(name);
        }
      }
    }
    const pathOps = [
      ...new Set([...seen].map((n) => byName.get(n)?.op).filter((op): op is string => !!op && !STRUCTURAL.has(op))),
    ].sort();
    path = { pathOps, pathMissing: missing(pathOps) };
  }
  return {
    inputs,
    outputs,
    signature: !!sig?.outputs,
    ops,
    missing: missing(Object.keys(ops)),
    ...path,
    nodes: nodes.length,
  };
}

function layersInventory(json: any): Omit<Inventory, 'format' | 'convertedBy' | 'generatedBy' | 'weightBytes'> {
  const topo = json.modelTopology;
  const cfg = topo.model_config ?? topo;
  const ops: Record<string, number> = {};
  const walk = (c: any) => {
    for (const l of c.config?.layers ?? []) {
      if (l.class_name === 'Sequential' || l.class_name === 'Functional' || l.class_name === 'Model') walk(l);
      else ops[l.class_name] = (ops[l.class_name] ?? 0) + 1;
      const act = l.config?.activation;
      if (typeof act === 'string' && act !== 'linear') ops[`activation:${act}`] = (ops[`activation:${act}`] ?? 0) + 1;
    }
  };
  walk(cfg);
  const layers: any[] = cfg.config?.layers ?? [];
  const first = layers[0];
  const inputNames: string[] = (cfg.config?.input_layers ?? [[first?.name]]).map((r: any[]) => r[0]);
  const inputs = inputNames.map((name) => {
    const l = layers.find((x) => x.name === name) ?? first;
    return {
      name,
      shape: l?.config?.batch_input_shape ?? l?.config?.batch_shape ?? null,
      dtype: l?.config?.dtype ?? 'float32',
    };
  });
  const outputNames: string[] = (cfg.config?.output_layers ?? [[layers[layers.length - 1]?.name]]).map(
    (r: any[]) => r[0],
  );
  const have = new Set(registeredLayerClasses());
  return {
    inputs,
    outputs: outputNames.map((name) => ({ name, shape: null, dtype: 'float32' })),
    signature: false,
    ops,
    kerasVersion: topo.keras_version,
    missing: Object.keys(ops)
      .filter((c) => !c.startsWith('activation:') && !STRUCTURAL.has(c) && !have.has(c))
      .sort(),
    nodes: layers.length,
  };
}

/** Reads `modelJson` (a TF.js model.json) and lists what it holds; `outputNode`: the measured graph node. */
export function inventory(modelJson: string, outputNode?: string): Inventory {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const graph =
    json.format === 'graph-model' || (json.format !== 'layers-model' && Array.isArray(json.modelTopology?.node));
  const weights: any[] = (json.weightsManifest ?? []).flatMap((g: any) => g.weights ?? []);
  const weightBytes = weights.reduce((s, w) => {
    const n = (w.shape as number[]).reduce((a, b) => a * b, 1);
    const q = w.quantization?.dtype;
    return s + n * (q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4);
  }, 0);
  return {
    format: graph ? 'graph-model' : 'layers-model',
    convertedBy: json.convertedBy ?? undefined,
    generatedBy: json.generatedBy ?? undefined,
    weightBytes,
    ...(graph ? graphInventory(json, outputNode) : layersInventory(json)),
  };
}
