/**
 * The measured model (DESIGN §10): which function of an image liederiv differentiates, decided
 * once per model and options, and compiled into one program (src/jvp/program.ts):
 *
 *     F(x) = select( net( layout( preprocess( channels(x) ) ) ) )
 *
 * - x: NHWC float32 images in [0, 1], RGB (or 1-channel, taken as is). Every group acts on x, so
 *   L x (DESIGN §3) is the same tangent whatever the model expects.
 * - channels: a 1-channel model sees luma = 0.299 R + 0.587 G + 0.114 B (Rec. 601) of RGB input; a
 *   3-channel model sees a 1-channel image repeated. Channel adaptation comes before `preprocess`
 *   because a model's mean/std are per *model* channel.
 * - preprocess: [0, 1] → the range the model expects (`0..1` identity, `0..255` 255x, `-1..1` 2x − 1),
 *   then (· − mean)/std per model channel.
 * - layout: NCHW models get a transpose; their image-like outputs are transposed back to NHWC.
 * - select: `probs` (the model's own softmax, found through Identity and other pass-through
 *   nodes, else a softmax added over class scores [B, K ≥ 2]), `logits` (the softmax's input, or
 *   the raw output), or a named tensor (layer name, graph node name or signature key).
 * - batch: a graph that runs only on batch 1 (a hard-coded Reshape) is run one image at a time.
 *
 * Detected from the model where it says so (input shape and dtype, a Transpose right after the
 * input, a Softmax at the output, a probe run at batch 2), overridable by options and the
 * liederiv.json sidecar; `describe` gives the one line the CLI prints in its run header.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError, LiederivError, UnknownNameError } from '../errors';
import {
  activationStep,
  cachedLayerGraph,
  compileLayersModel,
  layerOutputNames,
  layersFinalHead,
  layersFinalSoftmax,
} from './compileLayers';
import {
  compileGraphModel,
  executorOf,
  graphFinalHead,
  graphFinalSoftmax,
  graphInput,
  graphOutputs,
  parseNodeName,
  resolveGraphTensor,
  type GraphNode,
} from './compileGraph';
import { listOutputs, outputLines } from './outputList';
import { applyProgram, type Program, type Ref, type Step } from './program';
import { IDENTITY_PREPROCESS } from '../models/model';
import {
  checkContractValue,
  CONTRACT_FLAGS,
  type ContractField,
  type InputRange,
  type LayoutOption,
} from './contractValues';

export { INPUT_RANGES, LAYOUTS, type InputRange, type LayoutOption } from './contractValues';
/** Rec. 601 luma weights (the same as the saturation and contrast groups use). */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

type Net = tf.LayersModel | tf.GraphModel;

/** How the user (options, CLI flags, the liederiv.json sidecar) states the contract; unset fields are detected. */
export interface ContractOptions {
  /** 'probs' | 'logits' | a tensor name; default: 'probs' when the model ends in a softmax or has class names. */
  output?: string;
  /** The value range the model expects its input in (default '0..1'). */
  inputRange?: InputRange;
  /** Per model channel, subtracted after scaling to inputRange (default 0). */
  mean?: number[];
  /** Per model channel, divided by after subtracting mean (default 1). */
  std?: number[];
  /** 'auto' (default): detected from the input shape and a Transpose after the input. */
  layout?: LayoutOption;
}

/** What a loaded model carries (src/models/model.ts ModelWrapper), as this module reads it. */
export interface ModelLike {
  name: string;
  net: Net;
  inputSize?: [number, number];
  preprocess?: { mean: readonly number[]; std: readonly number[] };
  classNames?: string[];
  contract?: ContractOptions;
}

export interface InputContract {
  layout: 'nhwc' | 'nchw';
  /** Channels the net takes. */
  channels: 1 | 3;
  /** [height, width] the net takes; 0 where the net accepts any size. */
  size: [number, number];
  range: InputRange;
  mean: number[];
  std: number[];
  /** 'free', or 'one' for a graph that only runs at batch 1 (images go one at a time). */
  batch: 'free' | 'one';
}

export interface OutputContract {
  mode: 'probs' | 'logits' | 'tensor';
  /** The measured tensor: a layer name, or a graph 'node:index'. */
  tensor: string;
  /** 'model': the model's own softmax is (or precedes) the measured tensor; 'added': liederiv adds one; 'none'. */
  softmax: 'model' | 'added' | 'none';
  /**
   * The model's own probability head, where its output comes from one (through pass-through and
   * reshaping ops): 'softmax', or 'sigmoid' (multi-label or binary: 'probs' is then the sigmoid's
   * output itself, independent per-class probabilities, never a softmax over them).
   */
  head?: 'softmax' | 'sigmoid';
}

export interface MeasuredModel {
  name: string;
  net: Net;
  input: InputContract;
  output: OutputContract;
  /** How each contract field was decided ('detected: …', 'option', 'sidecar', 'default'). */
  provenance: Record<string, string>;
  /** e.g. 'softmax ∘ net ∘ (2x−1) on 128×128 RGB'. */
  formula: string;
  /** What a careful user should know about decisions taken by default (the CLI prints them). */
  notes: string[];
  /** The program for images of `channels` channels, built once each. */
  program(channels: 1 | 3, opts?: { splitActivations?: boolean }): Program;
}

const measuredCache = new WeakMap<Net, Map<string, MeasuredModel>>();

/**
 * The measured model of `model` under `opts` (options over the model's sidecar contract over
 * detection). Cached per net object and options.
 *
 * Errors (InputError): an integer-typed input; several inputs; several outputs without
 * `output: NAME`; `probs` on an output that is not class scores; an unknown tensor name; a graph
 * that runs on neither batch 2 nor batch 1; mean/std of the wrong length.
 */
export function measuredModel(
  model: ModelLike,
  opts: ContractOptions = {},
  sizeHint?: [number, number],
): MeasuredModel {
  checkContractOptions(model.name, opts);
  const key = JSON.stringify([
    opts,
    model.contract ?? {},
    model.preprocess ?? null,
    model.inputSize ?? null,
    !!model.classNames,
    sizeHint ?? null,
  ]);
  let byKey = measuredCache.get(model.net);
  if (!byKey) measuredCache.set(model.net, (byKey = new Map()));
  let m = byKey.get(key);
  if (!m) byKey.set(key, (m = build(model, opts, sizeHint)));
  return { ...m, name: model.name };
}

/**
 * Library callers' options, checked by the one contract validator (src/jvp/contractValues.ts) that
 * the CLI (src/cli/options.ts) and the sidecar reader (src/models/load.ts) use too: an unknown
 * inputRange was otherwise measured as the default 0..1 while the provenance said "option" (a
 * wrong number with exit 0). Refused as InputError naming the option and its CLI flag.
 */
function checkContractOptions(name: string, opts: ContractOptions): void {
  for (const field of ['inputRange', 'layout', 'mean', 'std'] as const satisfies readonly ContractField[]) {
    if (opts[field] === undefined) continue;
    const r = checkContractValue(field, opts[field], field);
    if (r.ok === false)
      throw new InputError(`model '${name}': ${r.problem} (option ${field}, ${CONTRACT_FLAGS[field]})`);
  }
}

function netInput(net: Net): { shape: Array<number | null>; dtype: string; name: string } {
  if (net instanceof tf.GraphModel) {
    const node = graphInput(net);
    const info = net.inputs[0];
    return {
      shape: (info?.shape ?? []).map((d) => (d === -1 ? null : d)),
      dtype: declaredDtype(net, node.name) ?? String(info?.dtype ?? node.attrParams.dtype?.value ?? 'float32'),
      name: node.name,
    };
  }
  if (net.inputs.length !== 1)
    throw new InputError(
      `model '${net.name}' has ${net.inputs.length} inputs (${net.inputNames.join(', ')}); expected one image input; measure a version of the model with the other inputs frozen as constants (e.g. a Keras sub-model or a SavedModel signature that takes only the image), or name an inner tensor that depends on the image only`,
    );
  return { shape: net.inputs[0].shape, dtype: net.inputs[0].dtype, name: net.inputNames[0] };
}

/** The placeholder's dtype as model.json declares it ('uint8': tfjs itself reads DT_UINT8 as int32). */
function declaredDtype(net: tf.GraphModel, name: string): string | undefined {
  const topo = (
    net as unknown as {
      artifacts?: { modelTopology?: { node?: Array<{ name: string; attr?: { dtype?: { type?: string } } }> } };
    }
  ).artifacts?.modelTopology;
  const t = topo?.node?.find((n) => n.name === name)?.attr?.dtype?.type;
  // Only integer and boolean declarations are more precise than tfjs's own reading (float types all load as float32).
  return typeof t === 'string' && /^DT_(U?INT\d+|BOOL|STRING|QU?INT\d+)$/.test(t)
    ? t.slice(3).toLowerCase()
    : undefined;
}

/** Ops that pass a float image through unchanged on its way to a layout Transpose (Identity, a float→float Cast). */
const LAYOUT_PASS_OPS = new Set(['Identity', 'Cast', 'StopGradient', 'Snapshot', 'EnsureShape', 'CheckNumerics']);

/**
 * Whether a Transpose NCHW → NHWC follows the graph's input (onnx-tf writes one), directly or
 * behind Identity / float Cast nodes.
 */
function transposeAfterInput(net: tf.GraphModel, inputName: string): boolean {
  const nodes = Object.values(executorOf(net).graph.nodes) as GraphNode[];
  const reads = (n: GraphNode, name: string) => n.inputNames.length > 0 && parseNodeName(n.inputNames[0])[0] === name;
  let frontier = [inputName];
  for (let hops = 0; hops < 8 && frontier.length; hops++) {
    if (
      nodes.some(
        (n) => n.op === 'Transpose' && frontier.some((f) => reads(n, f)) && permOf(net, n)?.join() === '0,2,3,1',
      )
    )
      return true;
    frontier = nodes
      .filter(
        (n) =>
          LAYOUT_PASS_OPS.has(n.op) &&
          frontier.some((f) => reads(n, f)) &&
          (n.op !== 'Cast' || n.attrParams.dtype?.value === 'float32'),
      )
      .map((n) => n.name);
  }
  return false;
}

function permOf(net: tf.GraphModel, node: GraphNode): number[] | undefined {
  const ref = node.inputNames[1];
  const w = ref ? executorOf(net).weightMap[parseNodeName(ref)[0]] : undefined;
  return w ? Array.from(w[0].dataSync()) : undefined;
}

const isChannels = (d: number | null | undefined) => d === 1 || d === 3;

/**
 * The input as the net states it: layout (NHWC, or NCHW when the channels come second or a
 * Transpose NCHW→NHWC follows the input), channels (1 or 3) and [height, width] (0 where open).
 * `layout` forces the layout. Refuses integer inputs (not differentiable) and non-image inputs.
 */
export function detectInput(
  net: Net,
  name: string,
  layout?: 'nhwc' | 'nchw',
  layoutFrom = 'option --layout',
): {
  layout: 'nhwc' | 'nchw';
  how: string;
  channels: 1 | 3;
  channelsOpen: boolean;
  size: [number, number];
  shape: Array<number | null>;
} {
  const inp = netInput(net);
  if (inp.dtype !== 'float32') {
    throw new InputError(
      `model '${name}' takes ${inp.dtype} input '${inp.name}': integer pixels cannot be differentiated, so no Lie derivative exists at the input. ` +
        `Measure a float32 version of the model (re-export it with a float input and the cast inside, e.g. tensorflowjs_converter on a SavedModel with a float32 signature)`,
    );
  }
  const s = inp.shape;
  const shown = `[${s.map((d) => d ?? '?').join(', ')}]`;
  if (s.length !== 4) {
    throw new InputError(
      `model '${name}' takes input '${inp.name}' of shape ${shown}; expected an image input of rank 4, [B, H, W, C] or [B, C, H, W]` +
        `${s.length === 2 ? ' (a flattened image? re-export the model with the image shape as its input and a Reshape inside)' : s.length === 3 ? ' (no batch axis? re-export the model with a batch dimension)' : ''}`,
    );
  }
  let how = 'option';
  if (!layout) {
    const transposed = net instanceof tf.GraphModel && transposeAfterInput(net, inp.name);
    if (isChannels(s[1]) && !isChannels(s[3]))
      [layout, how] = ['nchw', `detected: input shape ${shown} has the channels second`];
    else if (transposed && !isChannels(s[3]))
      [layout, how] = ['nchw', 'detected: a Transpose NCHW→NHWC right after the input'];
    else [layout, how] = ['nhwc', s[3] === null ? 'default' : `detected: input shape ${shown}`];
  }
  const [cDim, hDim, wDim] = layout === 'nchw' ? [s[1], s[2], s[3]] : [s[3], s[1], s[2]];
  if (cDim !== null && !isChannels(cDim)) {
    const forced = how === 'option' ? ` (layout ${layout} from the ${layoutFrom})` : '';
    const other = layout === 'nhwc' ? s[1] : s[3];
    const fix =
      forced && isChannels(other)
        ? `. The shape has ${other} channels ${layout === 'nhwc' ? 'second' : 'last'}: use layout auto (--layout auto, or remove 'layout' from liederiv.json)`
        : layout === 'nhwc' && isChannels(s[1])
          ? '. Channels first? pass layout nchw (--layout nchw)'
          : cDim === 4
            ? '. An RGBA model? liederiv measures RGB images and has no alpha adapter: re-export the model with a 3-channel input (append an opaque alpha channel inside it)'
            : '';
    throw new InputError(
      `model '${name}' takes ${cDim} channels (input shape ${shown}, read as ${layout.toUpperCase()}${forced}); expected 1 (grey) or 3 (RGB) channels, the models liederiv measures${fix}`,
    );
  }
  return {
    layout,
    how,
    channels: (cDim ?? 3) as 1 | 3,
    channelsOpen: cDim === null,
    size: [hDim ?? 0, wDim ?? 0],
    shape: s,
  };
}

function build(model: ModelLike, opts: ContractOptions, sizeHint?: [number, number]): MeasuredModel {
  const net = model.net;
  const side = model.contract ?? {};
  const prov: Record<string, string> = {};
  const pick = <T>(field: string, option: T | undefined, sidecar: T | undefined, detected: () => [T, string]): T => {
    if (option !== undefined) return ((prov[field] = 'option'), option);
    if (sidecar !== undefined) return ((prov[field] = 'sidecar'), sidecar);
    const [v, how] = detected();
    prov[field] = how;
    return v;
  };

  // Input: dtype, layout, channels, size, batch.
  const forcedBy = opts.layout && opts.layout !== 'auto' ? 'option --layout' : 'liederiv.json sidecar';
  const det = detectInput(
    net,
    model.name,
    opts.layout && opts.layout !== 'auto'
      ? opts.layout
      : side.layout && side.layout !== 'auto'
        ? side.layout
        : undefined,
    forcedBy,
  );
  prov.layout =
    opts.layout && opts.layout !== 'auto' ? 'option' : side.layout && side.layout !== 'auto' ? 'sidecar' : det.how;
  const { layout, channels, shape: s } = det;
  prov.channels = det.channelsOpen ? 'default (the input shape leaves it open)' : 'detected: input shape';
  const stated = model.inputSize;
  if (
    stated &&
    ((det.size[0] && stated[0] && stated[0] !== det.size[0]) || (det.size[1] && stated[1] && stated[1] !== det.size[1]))
  ) {
    throw new InputError(
      `model '${model.name}' takes ${det.size[0] || 'any'}×${det.size[1] || 'any'} images (input shape [${s.map((d) => d ?? '?').join(', ')}], ${layout.toUpperCase()}), ` +
        `but inputSize says ${stated[0]}×${stated[1]}; expected the size the model states: set inputSize to [${det.size[0] || stated[0]}, ${det.size[1] || stated[1]}] in liederiv.json (or loadModel's inputSize), or remove it`,
    );
  }
  const size: [number, number] = [
    stated?.[0] || det.size[0] || sizeHint?.[0] || 0,
    stated?.[1] || det.size[1] || sizeHint?.[1] || 0,
  ];
  const range = pick<InputRange>(
    'inputRange',
    opts.inputRange,
    side.inputRange,
    () =>
      statedByPreprocess(model) ??
      detectRange(net) ?? [
        '0..1',
        'default (assumed: say inputRange / --input-range if the model expects 0..255 or -1..1)',
      ],
  );
  const mean = channelVector(model.name, 'mean', opts.mean ?? side.mean ?? model.preprocess?.mean ?? [0], channels, 0);
  const std = channelVector(model.name, 'std', opts.std ?? side.std ?? model.preprocess?.std ?? [1], channels, 1);
  if (std.some((v) => !(v > 0)))
    throw new InputError(
      `model '${model.name}': std must be positive, got [${std.join(', ')}] (${said(prov.std ?? (opts.std ? 'option' : side.std ? 'sidecar' : 'model'), '--std', 'std')}); expected the per-channel std of the model's inputs (--std, liederiv.json 'std')`,
    );
  prov.mean = opts.mean ? 'option' : side.mean ? 'sidecar' : model.preprocess ? 'model' : 'default';
  prov.std = opts.std ? 'option' : side.std ? 'sidecar' : model.preprocess ? 'model' : 'default';
  checkStatsInRange(model.name, range, prov.inputRange, mean, std, prov.mean, prov.std);

  const input: InputContract = { layout, channels, size, range, mean, std, batch: s[0] === 1 ? 'one' : 'free' };
  prov.batch = s[0] === 1 ? 'detected: input shape has batch 1' : 'default';

  // Output.
  const output = resolveOutput(model, opts.output ?? side.output);
  prov.output = opts.output !== undefined ? 'option' : side.output !== undefined ? 'sidecar' : 'default';

  const programs = new Map<string, Program>();
  const program = (imageChannels: 1 | 3, { splitActivations = false } = {}): Program => {
    const k = `${imageChannels}:${splitActivations}`;
    let p = programs.get(k);
    if (!p) programs.set(k, (p = compile(model.name, net, input, output, imageChannels, splitActivations)));
    return p;
  };
  const notes: string[] = [];
  if (
    output.mode === 'probs' &&
    output.softmax === 'added' &&
    !model.classNames &&
    opts.output === undefined &&
    side.output === undefined
  ) {
    notes.push(
      `model '${model.name}' ends in no softmax and has no class names: its output is measured as class scores with a softmax added; if it is an embedding or a regression, use output 'logits' (--output logits)`,
    );
  }
  if (prov.inputRange?.startsWith('detected'))
    notes.push(
      `the input range ${range} was ${prov.inputRange} (images in [0, 1] are scaled to it); if the model expects another, say so (--input-range, or inputRange in liederiv.json)`,
    );
  if (prov.inputRange?.startsWith('default'))
    notes.push(
      `the input range the model expects is assumed to be 0..1; if it expects 0..255 or -1..1 (or mean/std), say so (--input-range, --mean, --std, or the liederiv.json sidecar)`,
    );
  const m: MeasuredModel = { name: model.name, net, input, output, provenance: prov, formula: '', notes, program };
  probe(m, model.classNames);
  m.formula = describe(m);
  return m;
}

/**
 * A wrapper's own `preprocess` is defined on [0, 1] pixels (DESIGN §10): given by the caller (even
 * the identity), it states the range and nothing is detected. loadModel's default for a model
 * without a sidecar is the shared IDENTITY_PREPROCESS object: that states nothing.
 */
function statedByPreprocess(model: ModelLike): [InputRange, string] | undefined {
  const p = model.preprocess;
  if (!p || p === IDENTITY_PREPROCESS) return undefined;
  return ['0..1', 'model: its preprocess {mean, std} is defined on [0, 1] pixels'];
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.abs(b);

/**
 * The range a model states by rescaling its input first: a Keras `Rescaling(1/255)` or
 * `Rescaling(1/127.5, offset: -1)` layer (what Keras 3 puts in front of image models), or a graph
 * Mul by 1/255 or RealDiv by 255 (or 127.5) reading the input: the model then takes 0..255 pixels.
 */
function detectRange(net: Net): [InputRange, string] | undefined {
  if (net instanceof tf.GraphModel) {
    const ex = executorOf(net);
    const input = graphInput(net).name;
    const nodes = Object.values(ex.graph.nodes) as GraphNode[];
    for (const n of nodes) {
      if (n.inputNames.length !== 2) continue;
      const names = n.inputNames.map((r) => parseNodeName(r)[0]);
      const at = names.indexOf(input);
      const w = at >= 0 ? ex.weightMap[names[1 - at]]?.[0] : undefined;
      // A mean subtracted at the input (x − 127.5, x − [123.68, 116.78, 103.94]) beyond [0, 1]: 0..255 pixels.
      if (
        w &&
        (n.op === 'Sub' || n.op === 'AddV2' || n.op === 'Add' || n.op === 'BiasAdd') &&
        w.size <= 4 &&
        (n.op === 'Sub' ? at === 0 : true)
      ) {
        const v = Array.from(w.dataSync()).map((c) => (n.op === 'Sub' ? c : -c));
        if (v.every((c) => c > 1.5 && c <= 255))
          return [
            '0..255',
            `detected: a mean of [${v.map((c) => +c.toPrecision(6)).join(', ')}] subtracted from the input ('${n.name}')`,
          ];
      }
      if (n.op !== 'Mul' && n.op !== 'RealDiv' && n.op !== 'Div') continue;
      if (!w || w.size !== 1 || (n.op !== 'Mul' && at !== 0)) continue;
      const c = w.dataSync()[0];
      const factor = n.op === 'Mul' ? c : 1 / c;
      if (near(factor, 1 / 255) || near(factor, 1 / 127.5))
        return ['0..255', `detected: ${n.op} by ${+c.toPrecision(6)} after the input ('${n.name}')`];
    }
    return undefined;
  }
  const graph = cachedLayerGraph(net);
  const first = graph.nodes.find((n) => n.inputs.some((r) => !('node' in r)));
  if (first?.layer.getClassName() !== 'Rescaling') return undefined;
  const { scale, offset } = first.layer.getConfig() as { scale: number; offset: number };
  if (near(scale, 1 / 255) || near(scale, 1 / 127.5))
    return [
      '0..255',
      `detected: Rescaling(scale ${+scale.toPrecision(6)}, offset ${offset}) after the input ('${first.layer.name}')`,
    ];
  return undefined;
}

const RANGE_BOUNDS: Record<InputRange, [number, number]> = { '0..1': [0, 1], '0..255': [0, 255], '-1..1': [-1, 1] };
const said = (how: string | undefined, flag: string, field: string) =>
  how === 'option'
    ? `option ${flag}`
    : how === 'sidecar'
      ? `liederiv.json '${field}'`
      : how === 'model'
        ? "liederiv.json 'preprocess'"
        : how?.startsWith('default')
          ? 'default'
          : (how ?? 'default');

/**
 * The mean of a model's inputs lies inside the range they come in, and their std is at most its
 * width: a mean of 123.68 with the range 0..1 is ImageNet's 0..255 statistics applied to [0, 1]
 * pixels (the whole image then sits ~120 std below the mean: a silent wrong number), a mean of
 * 0.485 with 0..255 the other way round. Refused, naming the field that fixes it.
 */
function checkStatsInRange(
  name: string,
  range: InputRange,
  rangeHow: string | undefined,
  mean: number[],
  std: number[],
  meanHow: string,
  stdHow: string,
): void {
  const [lo, hi] = RANGE_BOUNDS[range];
  const rangeSaid = `input range ${range} (${said(rangeHow, '--input-range', 'inputRange')})`;
  const big = mean.some((m) => m > 1.5) || std.some((v) => v > 2);
  const hint =
    range !== '0..255' && big
      ? `: statistics of 0..255 pixels? say inputRange '0..255' (--input-range 0..255), the mean and std stay as they are`
      : '';
  if (mean.some((m) => m < lo || m > hi)) {
    throw new InputError(
      `model '${name}': mean [${mean.join(', ')}] (${said(meanHow, '--mean', 'mean')}) lies outside the ${rangeSaid}; expected a mean of the model's inputs, inside their range${hint || `: give the mean in the ${range} scale, or the range the mean belongs to (--input-range, liederiv.json 'inputRange')`}`,
    );
  }
  if (std.some((v) => v > hi - lo)) {
    throw new InputError(
      `model '${name}': std [${std.join(', ')}] (${said(stdHow, '--std', 'std')}) is wider than the ${rangeSaid}; expected the std of the model's inputs, at most ${hi - lo}${hint || `: give the std in the ${range} scale (--std, liederiv.json 'std')`}`,
    );
  }
  if (
    range === '0..255' &&
    mean.some((m) => m !== 0) &&
    mean.every((m) => Math.abs(m) <= 1) &&
    std.every((v) => v <= 1) &&
    std.some((v) => v !== 1)
  ) {
    throw new InputError(
      `model '${name}': mean [${mean.join(', ')}] and std [${std.join(', ')}] look like statistics of [0, 1] pixels, but the ${rangeSaid} scales pixels to 0..255 first; expected both in the 0..255 scale (e.g. ×255), or inputRange '0..1' (--input-range 0..1) if the model normalises [0, 1] pixels`,
    );
  }
}

function channelVector(name: string, what: string, v: readonly number[], channels: number, neutral: number): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new InputError(
      `model '${name}': ${what} must be finite numbers, one per model channel or one for all, got ${JSON.stringify(v)} (--${what}, liederiv.json '${what}')`,
    );
  if (v.length === channels) return [...v];
  if (v.length === 1) return new Array(channels).fill(v[0]);
  // A 3-vector of equal values (or the neutral one) fits a 1-channel model.
  if (channels === 1 && v.length === 3 && v.every((x) => x === v[0])) return [v[0]];
  if (channels === 1 && v.length === 3 && v.every((x) => x === neutral)) return [neutral];
  throw new InputError(
    `model '${name}' takes ${channels} channel(s); ${what} has ${v.length} values [${v.join(', ')}]; expected ${channels} values or 1 (--${what}, liederiv.json '${what}')`,
  );
}

/**
 * `--output Probs` / `LOGITS` naming no tensor: the refusal says first that the modes are written
 * in lower case (the list of tensor names alone does not say what was meant).
 */
function caseHint<T>(output: string, resolve: () => T): T {
  try {
    return resolve();
  } catch (err) {
    const lower = output.toLowerCase();
    if (err instanceof UnknownNameError && (lower === 'probs' || lower === 'logits'))
      throw new UnknownNameError(err.what, output, [`${lower} (the mode, in lower case)`, ...err.valid]);
    throw err;
  }
}

/** The output contract for an output option: mode, tensor, and where the softmax comes from. */
function resolveOutput(model: ModelLike, output: string | undefined): OutputContract {
  const net = model.net;
  if (net instanceof tf.GraphModel) {
    const outs = graphOutputs(net);
    const list = () => outs.map((o) => (o.key && o.key !== o.node ? `${o.key} (node ${o.node})` : o.node)).join(', ');
    if (output !== undefined && output !== 'probs' && output !== 'logits')
      return { mode: 'tensor', tensor: caseHint(output, () => resolveGraphTensor(net, output)), softmax: 'none' };
    if (outs.length !== 1)
      throw new InputError(
        `model '${model.name}' has ${outs.length} outputs (${list()}); say which one to measure with output: NAME (--output NAME); copy one of:\n${outputLines(listOutputs(net)).join('\n')}`,
      );
    const node = outs[0].node.includes(':') ? outs[0].node : `${outs[0].node}:0`;
    const head = graphFinalHead(net, node);
    const mode = defaultMode(output);
    const softmax = head ? (head.kind === 'softmax' ? 'model' : 'none') : mode === 'probs' ? 'added' : 'none';
    const headInput = head
      ? head.node.inputNames[0].includes(':')
        ? head.node.inputNames[0]
        : `${head.node.inputNames[0]}:0`
      : node;
    return { mode, tensor: mode === 'logits' ? headInput : node, softmax, ...(head ? { head: head.kind } : {}) };
  }
  if (output !== undefined && output !== 'probs' && output !== 'logits') {
    const graph = cachedLayerGraph(net);
    const names = graph.nodes.map((n) => n.layer.name);
    const nested = graph.nodes.flatMap((n) => n.endsModels ?? []);
    if (!names.includes(output) && !nested.includes(output))
      caseHint(output, () => {
        throw new UnknownNameError('layer', output, names);
      });
    return { mode: 'tensor', tensor: output, softmax: 'none' };
  }
  const outs = layerOutputNames(net);
  if (outs.length !== 1)
    throw new InputError(
      `model '${model.name}' has ${outs.length} outputs (${outs.join(', ')}); say which one to measure with output: NAME (--output NAME); copy one of:\n${outputLines(listOutputs(net)).join('\n')}`,
    );
  const head = layersFinalHead(net);
  const mode = defaultMode(output);
  const softmax = head ? (head.kind === 'softmax' ? 'model' : 'none') : mode === 'probs' ? 'added' : 'none';
  return { mode, tensor: outs[0], softmax, ...(head ? { head: head.kind } : {}) };
}

/**
 * 'probs' or 'logits'; unset means 'probs' (DESIGN §1, §10): the model's own softmax, or one added
 * over class scores. A model with neither a softmax nor class names might output an embedding;
 * `notes` then says so (the CLI prints it), and checkOutputFits refuses non-vector outputs.
 */
function defaultMode(output: string | undefined): 'probs' | 'logits' {
  return output === 'logits' ? 'logits' : 'probs';
}

/** Runs the program once at batch 2 (then 1) on grey images: fixed-batch graphs and the output's shape. */
function probe(m: MeasuredModel, classNames?: string[]): void {
  const [h, w] = m.input.size;
  if (!h || !w) return; // free size: checked when images arrive (checkOutputFits)
  const run = (b: number) =>
    tf.tidy(() => {
      const y = applyProgram(m.program(3), tf.fill([b, h, w, 3], 0.5));
      return y.shape;
    });
  let shape: number[];
  if (m.input.batch === 'one') shape = run(1);
  else {
    try {
      shape = run(2);
      if (shape[0] !== 2) throw new Error(`output batch ${shape[0]} for input batch 2`);
    } catch (err2) {
      try {
        shape = run(1);
      } catch (err1) {
        if (err1 instanceof LiederivError) throw err1;
        const hints = [
          m.input.layout === 'nhwc'
            ? 'channels first: layout nchw (--layout nchw)'
            : 'channels last: layout nhwc (--layout nhwc)',
          `another image size: inputSize [h, w] in liederiv.json`,
        ];
        throw new InputError(
          `model '${m.name}' does not run on a [1, ${h}, ${w}, 3] image (as measured: ${describeInput(m)}): ${firstLine(err1)}. Expected the input the model states; if it takes another one, say so: ${hints.join('; ')}`,
        );
      }
      m.input.batch = 'one';
      m.provenance.batch = `detected: batch 2 fails (${firstLine(err2)}), batch 1 runs`;
    }
  }
  checkOutputFits(m, shape);
  // Class names label the output's components: a count that differs labels the wrong classes.
  if (classNames && m.output.mode !== 'tensor' && shape.length === 2 && shape[1] !== classNames.length) {
    throw new InputError(
      `model '${m.name}' outputs ${shape[1]} class scores, but classNames (liederiv.json) has ${classNames.length} names [${classNames.slice(0, 5).join(', ')}${classNames.length > 5 ? ', …' : ''}]; expected one name per output component: fix classNames in liederiv.json, or remove it`,
    );
  }
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

/**
 * 'probs' needs class scores: a vector of K ≥ 2 per image when liederiv adds the softmax, K ≥ 2
 * components when it is the model's own (softmax of one value is constantly 1: LEE 0 always).
 */
export function checkOutputFits(m: Pick<MeasuredModel, 'name' | 'output'>, shape: number[]): void {
  if (m.output.mode !== 'probs') return;
  // A sigmoid head's outputs are probabilities each (one for a binary classifier): measured as they are.
  if (m.output.head === 'sigmoid') return;
  const per = shape.slice(1);
  const comps = per.reduce((a, b) => a * b, 1);
  const vector = per.length === 1;
  if (comps >= 2 && (vector || m.output.softmax === 'model')) return;
  throw new InputError(
    `model '${m.name}': output 'probs' needs class scores (a vector of K ≥ 2 per image), but output '${m.output.tensor}' is [B, ${per.join(', ')}]` +
      `${per.length === 3 ? ' (image-like)' : comps < 2 ? ' (one value: a softmax over it is constantly 1)' : ''}. ` +
      `Use output 'logits' (--output logits: the raw output${per.length === 3 ? ', measured as an equivariant map' : ''}) or a tensor name (--output NAME)`,
  );
}

function preprocessFormula(inp: InputContract): string {
  const scale = inp.range === '0..255' ? '255x' : inp.range === '-1..1' ? '2x−1' : 'x';
  const fmt = (v: number[]) =>
    v.every((x) => x === v[0]) ? `${+v[0].toPrecision(4)}` : `[${v.map((x) => +x.toPrecision(4)).join(', ')}]`;
  const centred = inp.mean.every((x) => x === 0) ? scale : `${scale} − ${fmt(inp.mean)}`;
  const scaled = inp.std.every((x) => x === 1) ? centred : `(${centred})/${fmt(inp.std)}`;
  return scaled === 'x' ? '' : scaled.startsWith('(') ? scaled : `(${scaled})`;
}

function describeInput(m: Pick<MeasuredModel, 'input'>): string {
  const { layout, channels, size } = m.input;
  return `${size[0] || 'H'}×${size[1] || 'W'}×${channels} ${layout.toUpperCase()}`;
}

/** 'softmax ∘ net ∘ (2x−1) on 128×128 RGB' (the run header's line). */
export function describe(m: Pick<MeasuredModel, 'input' | 'output'>): string {
  const { input, output } = m;
  const own = output.head ?? 'softmax';
  const head =
    output.mode === 'probs'
      ? output.softmax === 'added'
        ? 'softmax (added) ∘ net'
        : `net (its ${own}${own === 'sigmoid' ? ': per-class probabilities, no softmax' : ''})`
      : output.mode === 'logits'
        ? output.head
          ? `net up to its ${own}'s input (logits)`
          : 'net (raw output)'
        : `net[${output.tensor}]`;
  const parts = [head];
  if (input.layout === 'nchw') parts.push('NCHW');
  const pre = preprocessFormula(input);
  if (pre) parts.push(pre);
  if (input.channels === 1) parts.push('luma');
  const batch = input.batch === 'one' ? ', one image at a time' : '';
  return `${parts.join(' ∘ ')} on ${input.size[0] || 'H'}×${input.size[1] || 'W'} RGB${batch}`;
}

// ---- the program ----

function affineStep(input: Ref, scale: number[], offset: number[], name: string): Step {
  const a = () => tf.tensor1d(scale);
  const b = () => tf.tensor1d(offset);
  return {
    info: { name, className: 'Preprocess', source: 'adapter' },
    inputs: [input],
    transportsColour: true,
    jvp: ([x]) => {
      const d = x as { primal: tf.Tensor; tangent: tf.Tensor };
      return [{ primal: tf.add(tf.mul(d.primal, a()), b()), tangent: tf.mul(d.tangent, a()) }];
    },
    apply: ([x]) => [tf.add(tf.mul(x, a()), b())],
  };
}

function linearStep(input: Ref, name: string, className: string, f: (t: tf.Tensor) => tf.Tensor, colour = true): Step {
  return {
    info: { name, className, source: 'adapter' },
    inputs: [input],
    transportsColour: colour,
    jvp: ([x]) => {
      const d = x as { primal: tf.Tensor; tangent: tf.Tensor };
      return [{ primal: f(d.primal), tangent: f(d.tangent) }];
    },
    apply: ([x]) => [f(x)],
  };
}

const luma = (t: tf.Tensor) => tf.sum(tf.mul(t, tf.tensor1d([...LUMA_WEIGHTS])), -1, true);
const toRgb = (t: tf.Tensor) => tf.tile(t, [1, 1, 1, 3]);
const toNchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
const toNhwc = (t: tf.Tensor) => tf.transpose(t, [0, 2, 3, 1]);

function compile(
  name: string,
  net: Net,
  input: InputContract,
  output: OutputContract,
  imageChannels: 1 | 3,
  splitActivations: boolean,
): Program {
  const steps: Step[] = [];
  let ref: Ref = { input: true };
  const push = (s: Step): Ref => {
    steps.push(s);
    return { step: steps.length - 1, output: 0 };
  };
  if (input.channels === 1 && imageChannels === 3) ref = push(linearStep(ref, 'luma', 'Luma', luma));
  if (input.channels === 3 && imageChannels === 1) ref = push(linearStep(ref, 'grey → RGB', 'Tile', toRgb));
  const k = input.range === '0..255' ? 255 : input.range === '-1..1' ? 2 : 1;
  const c0 = input.range === '-1..1' ? -1 : 0;
  const scale = input.std.map((s) => k / s);
  const offset = input.mean.map((m, i) => (c0 - m) / input.std[i]);
  if (scale.some((v) => v !== 1) || offset.some((v) => v !== 0))
    ref = push(affineStep(ref, scale, offset, 'preprocess'));
  if (input.layout === 'nchw') ref = push({ ...linearStep(ref, 'nchw', 'Layout', toNchw), transportsAll: true });
  let result: Ref;
  let weights: tf.Tensor[] = [];
  if (net instanceof tf.GraphModel) {
    ({ result, weights } = compileGraphModel(net, steps, ref, output.tensor));
  } else {
    result = compileLayersModel(
      net,
      steps,
      ref,
      output.mode === 'tensor' ? { layer: output.tensor } : { stripHead: output.mode === 'logits' },
      { splitActivations },
    );
  }
  if (output.mode === 'probs' && output.softmax === 'added') {
    steps.push(activationStep('softmax', result, 'softmax (added)', `${name}: softmax (added)`, 'Softmax'));
    result = { step: steps.length - 1, output: 0 };
  }
  // An NCHW model's image-like output goes back to NHWC, where the groups act on it — unless the
  // tensor is already NHWC (behind the model's own NCHW→NHWC transpose: onnx-tf graphs, a Permute).
  if (input.layout === 'nchw' && tensorLayout(net, output.tensor) !== 'nhwc') {
    const inner = result;
    const back: Step = {
      info: { name: 'nhwc (output)', className: 'Layout', source: 'adapter' },
      inputs: [inner],
      transportsAll: true,
      jvp: ([x]) => {
        const d = x as { primal: tf.Tensor; tangent: tf.Tensor };
        return d.primal.rank === 4
          ? [{ primal: toNhwc(d.primal), tangent: toNhwc(d.tangent) }]
          : [{ primal: d.primal.clone(), tangent: d.tangent.clone() }];
      },
      apply: ([x]) => [x.rank === 4 ? toNhwc(x) : x.clone()],
    };
    steps.push(back);
    result = { step: steps.length - 1, output: 0 };
  }
  return { steps, result, protect: new Set(weights) };
}

/**
 * The layout of a 4-d tensor inside an NCHW model: the input is NCHW, a Transpose (graph) or
 * Permute (layers) by (0, 2, 3, 1) makes it NHWC, one by (0, 3, 1, 2) NCHW again; every other op
 * or layer keeps the layout of its first image-dependent input. 'unknown' for other permutations.
 */
export function tensorLayout(net: Net, tensor: string): 'nchw' | 'nhwc' | 'unknown' {
  if (net instanceof tf.GraphModel) {
    const ex = executorOf(net);
    const inputName = graphInput(net).name;
    const memo = new Map<string, 'nchw' | 'nhwc' | 'unknown' | 'const'>();
    const of = (name: string, depth = 0): 'nchw' | 'nhwc' | 'unknown' | 'const' => {
      if (name === inputName) return 'nchw';
      if (ex.weightMap[name]) return 'const';
      const known = memo.get(name);
      if (known) return known;
      const node = ex.graph.nodes[name];
      let out: 'nchw' | 'nhwc' | 'unknown' | 'const' = 'const';
      if (!node || depth > 5000) out = 'unknown';
      else if (node.op === 'Transpose') {
        const from = of(parseNodeName(node.inputNames[0])[0], depth + 1);
        const p = permOf(net, node)?.join();
        out =
          from === 'nchw' && p === '0,2,3,1'
            ? 'nhwc'
            : from === 'nhwc' && p === '0,3,1,2'
              ? 'nchw'
              : from === 'const'
                ? 'const'
                : 'unknown';
      } else {
        for (const ref of node.inputNames) {
          const l = of(parseNodeName(ref)[0], depth + 1);
          if (l !== 'const') {
            out = l;
            break;
          }
        }
      }
      memo.set(name, out);
      return out;
    };
    const l = of(parseNodeName(tensor)[0]);
    return l === 'const' ? 'unknown' : l;
  }
  const graph = cachedLayerGraph(net);
  const target = graph.nodes.find((n) => n.layer.name === tensor || n.endsModels?.includes(tensor));
  if (!target) return 'unknown';
  const layouts: Array<'nchw' | 'nhwc' | 'unknown'> = [];
  for (const node of graph.nodes) {
    const first = node.inputs[0];
    const from = !first || !('node' in first) ? 'nchw' : layouts[first.node];
    let l = from;
    if (node.layer.getClassName() === 'Permute') {
      const dims = (node.layer.getConfig().dims as number[]).join();
      l = from === 'nchw' && dims === '2,3,1' ? 'nhwc' : from === 'nhwc' && dims === '3,1,2' ? 'nchw' : 'unknown';
    }
    layouts[node.index] = l;
    if (node === target) return l;
  }
  return 'unknown';
}

/** Whether the net's (single) output is its own softmax, through pass-through nodes (DESIGN §1: then 'probs' is its output). */
export function endsInSoftmax(net: Net): boolean {
  if (net instanceof tf.GraphModel) {
    const outs = graphOutputs(net);
    return outs.length === 1 && graphFinalSoftmax(net, outs[0].node) !== undefined;
  }
  return layersFinalSoftmax(net) !== undefined;
}
