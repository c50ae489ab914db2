import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, useBackend } from '../../backend';
import { UnknownNameError } from '../../errors';
import { DIFFERENCES, getGroup, GROUP_NAMES, type Difference } from '../../groups';
import { JVP_METHODS, type JvpMethod } from '../../jvp';
import { DEFAULT_LEE_BATCH, lee, type LeeRow } from '../../lie/lee';
import { liederivVersion } from '../../version';
import { REDUCTIONS, type Reduction } from '../../lie/reductions';
import { loadModel, writeAtomic } from '../../models/load';
import { intOption, requireOption, UsageError, type CliIO, type Command } from '../command';
import { choice, loadImages } from '../options';

const FORMATS = ['csv', 'json'] as const;

const USAGE = `liederiv lee --model <model.json> --images <file.npy | image folder> --groups <g1,g2,... | all>
    [--output probs|logits] [--difference central|forward|gaussian] [--reduction mean-abs|l2|sq-l2]
    [--method forward|double-vjp|fd] [--batch N] [--backend auto|tensorflow|webgpu|wasm|cpu]
    [--vectors] [--format csv|json] [--out FILE]

  --model       TF.js LayersModel or GraphModel model.json (weights beside it; optional liederiv.json
                sidecar with {name, inputSize, preprocess, classNames})
  --images      .npy float32 [N, H, W, 3] RGB in [0, 1], or a folder of JPEG/PNG (resized to the model)
  --groups      comma-separated: ${GROUP_NAMES.join(', ')}; or 'all'
  --output      probs (default) | logits | a layer name (embedding)
  --difference  central (default) | forward (the paper's code) | gaussian
  --reduction   mean-abs (default) | l2 | sq-l2
  --method      forward (default) | double-vjp | fd
  --batch       images per batch (default ${DEFAULT_LEE_BATCH})
  --vectors     also output the Lie derivative vectors (lie / lie_0..lie_{K-1})
  --format      csv (default) | json
  --out         write to FILE instead of stdout (CSV is appended batch by batch)`;

function parseGroups(spec: string): string[] {
  if (spec === 'all') return [...GROUP_NAMES];
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--groups must list at least one group or be 'all'`);
  for (const n of names) {
    try {
      getGroup(n);
    } catch (err) {
      if (err instanceof UnknownNameError) throw new UsageError(`${err.message}, or 'all'`);
      throw err;
    }
  }
  return names;
}

function csvHeader(k: number | undefined): string {
  return ['image', 'group', 'lee', ...(k === undefined ? [] : Array.from({ length: k }, (_, i) => `lie_${i}`))].join(',') + '\n';
}

function csvLines(rows: LeeRow[], vectors: boolean): string {
  return rows.map((r) => [r.image, r.group, r.lee, ...(vectors ? (r.lie ?? []) : [])].join(',') + '\n').join('');
}

function jsonRow(r: LeeRow, vectors: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = { image: r.image, group: r.group, lee: r.lee };
  if (vectors) row.lie = r.lie;
  return row;
}

export const leeCommand: Command = {
  name: 'lee',
  summary: 'Local equivariance error (Lie derivative norms) of a TF.js model on images, per group',
  usage: USAGE,
  options: {
    model: { type: 'string' },
    images: { type: 'string' },
    groups: { type: 'string' },
    output: { type: 'string' },
    difference: { type: 'string' },
    reduction: { type: 'string' },
    method: { type: 'string' },
    batch: { type: 'string' },
    backend: { type: 'string' },
    vectors: { type: 'boolean' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
  async run(values, io: CliIO) {
    const modelPath = requireOption(values, 'model');
    const imagesPath = requireOption(values, 'images');
    const groups = parseGroups(requireOption(values, 'groups'));
    const output = typeof values.output === 'string' && values.output !== '' ? values.output : 'probs';
    const difference = choice<Difference>(values, 'difference', DIFFERENCES, 'central');
    const reduction = choice<Reduction>(values, 'reduction', REDUCTIONS, 'mean-abs');
    const method = choice<JvpMethod>(values, 'method', JVP_METHODS, 'forward');
    const format = choice(values, 'format', FORMATS, 'csv');
    const backendName = choice(values, 'backend', BACKEND_NAMES, (process.env.LIEDERIV_BACKEND as (typeof BACKEND_NAMES)[number]) || 'auto');
    const batchSize = intOption(values, 'batch', DEFAULT_LEE_BATCH);
    const vectors = values.vectors === true;
    const out = typeof values.out === 'string' ? values.out : undefined;

    const backend = await useBackend(backendName);
    io.stderr.write(backend.line + '\n');
    const model = await loadModel(modelPath);
    const data = await loadImages(imagesPath, model);
    const N = data.images.shape[0];
    io.stderr.write(`lee: ${N} images × ${groups.length} groups, model ${model.name} (${model.source}), output ${output}, ${reduction}\n`);

    let wroteHeader = false;
    const emit = (text: string) => (out ? fs.appendFileSync(out, text) : io.stdout.write(text));
    if (out && format === 'csv') fs.writeFileSync(out, '');
    try {
      const rows = await lee(model, data, {
        groups,
        output,
        difference,
        reduction,
        method,
        batchSize,
        vectors,
        onProgress: (done, total) => io.stderr.write(`lee: ${done}/${total} images\n`),
        onBatch: (batchRows) => {
          if (format !== 'csv') return;
          // One write per finished batch: the file only ever holds whole lines.
          const text = (wroteHeader ? '' : csvHeader(vectors ? batchRows[0]?.lie?.length : undefined)) + csvLines(batchRows, vectors);
          wroteHeader = true;
          emit(text);
        },
      });
      if (format === 'json') {
        const doc = {
          meta: {
            backend: backend.backend,
            backendDetail: backend.line,
            tfjs: tf.version.tfjs,
            liederiv: liederivVersion(),
            model: { name: model.name, source: model.source, inputSize: model.inputSize, preprocess: model.preprocess },
            images: { source: imagesPath, count: N },
            options: { groups, output, difference, reduction, method, batch: batchSize, vectors },
          },
          rows: rows.map((r) => jsonRow(r, vectors)),
        };
        const text = JSON.stringify(doc) + '\n';
        if (out) writeAtomic(out, text);
        else io.stdout.write(text);
      }
    } finally {
      data.images.dispose();
    }
  },
};
