import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, useBackend } from '../../backend';
import { UnknownNameError } from '../../errors';
import { DIFFERENCES, getGroup, GROUP_NAMES, type Difference } from '../../groups';
import { DEFAULT_EXACT_LIMIT, DEFAULT_LAYERWISE_BATCH, DEFAULT_PROBES, LAYERWISE_OUTPUTS, layerwise, type LayerwiseOutput, type LayerwiseResult } from '../../lie/layerwise';
import { loadModel, writeAtomic } from '../../models/load';
import { intOption, requireOption, UsageError, type CliIO, type Command } from '../command';
import { choice, loadImages } from '../options';

const FORMATS = ['csv', 'json'] as const;

const USAGE = `liederiv layerwise --model <model.json> --images <file.npy | folder> --group <name>
    [--output probs|logits] [--difference central|forward|gaussian] [--probes P] [--exact]
    [--format csv|json] [--out FILE] [--seed S] [--batch N] [--backend auto|tensorflow|webgpu|wasm|cpu]

  --model       TF.js LayersModel model.json (weights beside it; optional liederiv.json sidecar)
  --images      .npy float32 [N, H, W, 3] RGB in [0, 1], or a folder of JPEG/PNG (resized to the model)
  --group       one of: ${GROUP_NAMES.join(', ')}
  --output      probs (default) | logits
  --difference  central (default) | forward (the paper's code) | gaussian
  --probes      Hutchinson probes for ‖C_i‖² when the output has more than ${DEFAULT_EXACT_LIMIT} components (default ${DEFAULT_PROBES})
  --exact       always compute ‖C_i‖² exactly
  --format      csv (default: image,index,layer,kind,sqnorm,projection) | json ({meta, layers, rows, totals})
  --out         write to FILE (atomically: temporary file, then rename) instead of stdout
  --seed        seed of the Hutchinson probes (default 0)
  --batch       images per walk (default ${DEFAULT_LAYERWISE_BATCH})

Per image and layer: sqnorm = ‖C_i‖², the layer's contribution to L f (DESIGN §5), and projection =
⟨C_i, L f⟩/‖L f‖, which sums over layers to ‖L f‖ (totals).`;

function toCsv(res: LayerwiseResult): string {
  const lines = ['image,index,layer,kind,sqnorm,projection'];
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  for (const r of res.rows) lines.push([r.image, r.index, quote(r.layer), quote(r.kind), r.sqnorm, r.projection].join(','));
  return lines.join('\n') + '\n';
}

function toJson(res: LayerwiseResult, meta: Record<string, unknown>): string {
  return (
    JSON.stringify({
      meta: { ...meta, sqnormMethod: res.sqnormMethod, outputs: res.meta.outputs, telescopingError: res.meta.telescopingError },
      layers: res.layers.map((l) => ({ index: l.index, name: l.name, kind: l.kind })),
      rows: res.rows.map((r) => ({ image: r.image, layer: r.layer, sqnorm: r.sqnorm, projection: r.projection })),
      totals: res.totals,
    }) + '\n'
  );
}

export const layerwiseCommand: Command = {
  name: 'layerwise',
  summary: 'Layer-wise decomposition of the Lie derivative: which layers break equivariance',
  usage: USAGE,
  options: {
    model: { type: 'string' },
    images: { type: 'string' },
    group: { type: 'string' },
    output: { type: 'string' },
    difference: { type: 'string' },
    probes: { type: 'string' },
    exact: { type: 'boolean' },
    format: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    backend: { type: 'string' },
  },
  async run(values, io: CliIO) {
    const modelPath = requireOption(values, 'model');
    const imagesPath = requireOption(values, 'images');
    const group = requireOption(values, 'group');
    try {
      getGroup(group);
    } catch (err) {
      if (err instanceof UnknownNameError) throw new UsageError(err.message);
      throw err;
    }
    const output = choice<LayerwiseOutput>(values, 'output', LAYERWISE_OUTPUTS, 'probs');
    const difference = choice<Difference>(values, 'difference', DIFFERENCES, 'central');
    const format = choice(values, 'format', FORMATS, 'csv');
    const backendName = choice(values, 'backend', BACKEND_NAMES, (process.env.LIEDERIV_BACKEND as (typeof BACKEND_NAMES)[number]) || 'auto');
    const probes = intOption(values, 'probes', DEFAULT_PROBES);
    const seed = intOption(values, 'seed', 0, { min: 0 });
    const batchSize = intOption(values, 'batch', DEFAULT_LAYERWISE_BATCH);
    const exact = values.exact === true;
    const out = typeof values.out === 'string' && values.out !== '' ? values.out : undefined;

    const backend = await useBackend(backendName);
    io.stderr.write(backend.line + '\n');
    const model = await loadModel(modelPath);
    const { images } = await loadImages(imagesPath, model);
    const N = images.shape[0];
    io.stderr.write(`layerwise: ${N} images, group ${group}, model ${model.name} (${model.source}), output ${output}\n`);
    const started = Date.now();
    let res: LayerwiseResult;
    try {
      res = await layerwise(model, images, group, {
        output,
        difference,
        probes,
        exact,
        seed,
        batchSize,
        onProgress: (done, total) => io.stderr.write(`layerwise: ${done}/${total} images\n`),
      });
    } finally {
      images.dispose();
    }
    const meta = {
      backend: backend.backend,
      backendDetail: backend.line,
      tfjs: tf.version.tfjs,
      liederiv: String(require('../../../../package.json').version),
      model: { name: model.name, source: model.source, inputSize: model.inputSize, preprocess: model.preprocess },
      images: { source: imagesPath, count: N },
      options: { group, output, difference, probes, exact, exactLimit: DEFAULT_EXACT_LIMIT, seed, batch: batchSize },
      seconds: (Date.now() - started) / 1000,
    };
    io.stderr.write(`layerwise: ${res.layers.length} layers, ‖C_i‖² ${res.sqnormMethod}, telescoping error ${res.meta.telescopingError.toExponential(2)}\n`);
    const text = format === 'json' ? toJson(res, meta) : toCsv(res);
    if (out) writeAtomic(out, text);
    else io.stdout.write(text);
  },
};
