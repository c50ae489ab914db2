/** The conformance manifest (scripts/conformance/models.json): which third-party models, and what each expects. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PackageSpec } from './install';

export type InputRange = '0..1' | '0..255' | '-1..1';

export interface Measure {
  /** Graph node or layer name whose output is measured; default the model's only output. */
  node?: string;
  /** LayersModel: that layer; with preActivation its output before the fused activation. */
  layer?: string;
  preActivation?: boolean;
  /** Add a softmax on top (probs of a model that does not end in one). */
  softmax?: boolean;
}

export interface Contract {
  /** [height, width]; null when the model has no fixed size (it is refused anyway). */
  inputSize: [number, number] | null;
  range: InputRange;
  mean?: [number, number, number];
  std?: [number, number, number];
  layout: 'nhwc' | 'nchw';
  channels: 1 | 3;
  batch: 'free' | 'fixed-1';
  /** What `lee` is told to measure: 'probs', 'logits' or a tensor name. */
  output: string;
  /** What the contract's output is when `output` names a node: a classifier's probs or logits (issue 13 counts them). */
  label?: 'probs' | 'logits';
  outputKind: string;
  /** What the oracle differentiates (independent of the library's output detection). */
  measure?: Measure;
  luma?: string;
}

/** One measured output of a model: what `lee` is told, and what the oracle differentiates. */
export interface OutputSpec {
  /** probs / logits of a classifier, an inner node or layer, or the model's (named) output. */
  label: 'probs' | 'logits' | 'inner' | 'output';
  /** What `lee` is told to measure: 'probs', 'logits', or a graph node / layer name. */
  output: string;
  /** What the oracle differentiates (independent of the library's output detection). */
  measure?: Measure;
}

export interface ModelEntry {
  id: string;
  /** name@version of a manifest package. */
  package: string;
  /** model.json inside the package. */
  path: string;
  task: string;
  architecture: string;
  contract: Contract;
  contractSource?: string;
  note?: string;
  /** Why the library cannot measure it; such a model passes only when refused with a clear message. */
  expectRefusal?: string;
  /** Further outputs measured after the contract's own (issue 13: probs, logits and a named inner layer). */
  moreOutputs?: OutputSpec[];
  /** Left out of `--ci` (the CI subset; docs/CONFORMANCE.md says which), with the reason. */
  ciSkip?: string;
}

/** The outputs a model is measured on: the contract's output first, then `moreOutputs`. */
export function outputsOf(m: ModelEntry): OutputSpec[] {
  const c = m.contract;
  const first: OutputSpec = {
    label: c.label ?? (c.output === 'probs' || c.output === 'logits' ? c.output : 'output'),
    output: c.output,
    measure: c.measure,
  };
  return [first, ...(m.moreOutputs ?? [])];
}

export interface Manifest {
  packages: Array<PackageSpec & { licence: string; upstream: string }>;
  models: ModelEntry[];
}

export const MANIFEST_FILE = path.resolve(__dirname, '..', '..', '..', 'scripts', 'conformance', 'models.json');

export function readManifest(file = MANIFEST_FILE): Manifest {
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  const names = new Set(m.packages.map((p) => `${p.name}@${p.version}`));
  for (const e of m.models)
    if (!names.has(e.package))
      throw new Error(`${file}: model ${e.id} names package ${e.package}, which is not in "packages"`);
  return m;
}

/** (x − mean)/std per channel that maps [0, 1] to the model's range (DESIGN §10). */
export function rangeAsAffine(c: Contract): { mean: [number, number, number]; std: [number, number, number] } {
  const base = c.range === '0..255' ? { m: 0, s: 1 / 255 } : c.range === '-1..1' ? { m: 0.5, s: 0.5 } : { m: 0, s: 1 };
  // A further per-channel normalisation (x' − mean')/std' after the range is folded in.
  const mean = [0, 1, 2].map((i) => base.m + base.s * (c.mean?.[i] ?? 0)) as [number, number, number];
  const std = [0, 1, 2].map((i) => base.s * (c.std?.[i] ?? 1)) as [number, number, number];
  return { mean, std };
}
