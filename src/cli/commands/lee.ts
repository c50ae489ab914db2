import * as tf from '@tensorflow/tfjs';
import { UnknownNameError } from '../../errors';
import { getGroup, GROUP_NAMES } from '../../groups';
import { JVP_METHODS, type JvpMethod } from '../../jvp';
import { DEFAULT_LEE_BATCH, lee, type LeeRow } from '../../lie/lee';
import { liederivVersion } from '../../version';
import { REDUCTIONS, type Reduction } from '../../lie/reductions';
import { loadModel, writeAtomic } from '../../models/load';
import { requireOption, UsageError, type CliIO, type Command } from '../command';
import { contractMeta, CONTRACT_HELP, measuredForRun, withNonFiniteDiagnosis, choice, imagesFingerprint, loadImages, MEASUREMENT_OPTIONS, modelFingerprint, parseMeasurementOptions, startBackend, THREADS_HELP } from '../options';
import { ResumableCsv } from '../output';

const USAGE = `liederiv lee --model <model.json> --images <file.npy | image folder> --groups <g1,g2,... | all>
    [--output probs|logits|NAME] [--input-range 0..1|0..255|-1..1] [--mean r,g,b] [--std r,g,b]
    [--layout auto|nhwc|nchw] [--difference central|forward|gaussian] [--reduction mean-abs|l2|sq-l2]
    [--method forward|double-vjp|fd] [--batch N] [--backend auto|tensorflow|webgpu|wasm|cpu] [--threads N]
    [--vectors] [--format csv|json] [--out FILE [--resume]]

  --model       TF.js LayersModel or GraphModel model.json (weights beside it; optional liederiv.json
                sidecar, see below)
  --images      .npy float32 [N, H, W, 3] RGB (or [N, H, W, 1] grey) in [0, 1], or a folder of
                JPEG/PNG (resized to the model)
  --groups      comma-separated: ${GROUP_NAMES.join(', ')}; or 'all'
  --output      probs (default when the model ends in a softmax or has classNames) | logits |
                a tensor: layer name, graph node name or signature key (embedding, features)
  --difference  central (default) | forward (the paper's code) | gaussian
  --reduction   mean-abs (default) | l2 | sq-l2
  --method      forward (default) | double-vjp | fd
  --batch       images per batch (default ${DEFAULT_LEE_BATCH})
  --threads     ${THREADS_HELP}
  --vectors     also output the Lie derivative vectors (lie / lie_0..lie_{K-1})
  --format      csv (default) | json
  --out         write to FILE instead of stdout: CSV grows by whole batches (first batch with the
                header via a temporary file + rename, then one fsync'd append per batch), JSON is
                written once at the end (temporary file + rename); FILE.meta.json records the run
  --resume      continue a killed CSV run in --out: checks FILE.meta.json against this run (same
                options, backend, model and image files), drops a torn last line, and computes
                only the batches that are missing
${CONTRACT_HELP}`;

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
    ...MEASUREMENT_OPTIONS,
    groups: { type: 'string' },
    reduction: { type: 'string' },
    method: { type: 'string' },
    vectors: { type: 'boolean' },
  },
  async run(values, io: CliIO) {
    const { modelPath, imagesPath, difference, format, batchSize, out, resume, contract } = parseMeasurementOptions(values, DEFAULT_LEE_BATCH);
    const groups = parseGroups(requireOption(values, 'groups'));
    const outputOption = typeof values.output === 'string' && values.output !== '' ? values.output : undefined;
    const reduction = choice<Reduction>(values, 'reduction', REDUCTIONS, 'mean-abs');
    const method = choice<JvpMethod>(values, 'method', JVP_METHODS, 'forward');
    const vectors = values.vectors === true;

    const backend = await startBackend(values);
    io.stderr.write(backend.line + '\n');
    const model = await loadModel(modelPath);
    try {
      const measured = measuredForRun(model, outputOption, contract);
      const output = measured.output.mode === 'tensor' ? measured.output.tensor : measured.output.mode;
      const data = await loadImages(imagesPath, model, measured);
      const N = data.images.shape[0];
      io.stderr.write(`lee: ${N} images × ${groups.length} groups, model ${model.name} (${model.source}), output ${output}, ${reduction}\n`);
      io.stderr.write(`lee: measures ${measured.formula}\n`);
      for (const note of measured.notes) io.stderr.write(`lee: note: ${note}\n`);

      let csv: ResumableCsv | undefined;
      try {
        if (out && format === 'csv') {
          const identity = {
            command: 'lee',
            groups,
            output,
            contract,
            measures: measured.formula,
            difference,
            reduction,
            method,
            vectors,
            backend: backend.backend,
            model: modelFingerprint(modelPath),
            images: imagesFingerprint(imagesPath, data.files),
          };
          csv = ResumableCsv.open({ out, resume, identity, images: N, batchSize });
          if (csv.startBatch > 0) io.stderr.write(`lee: resuming ${out}: ${csv.keptRows} rows kept, continuing at batch ${csv.startBatch} of ${csv.batches}\n`);
        }
        let wroteHeader = false;
        const rows = await lee(model, data, {
          groups,
          output: outputOption,
          ...contract,
          difference,
          reduction,
          method,
          batchSize,
          vectors,
          startBatch: csv?.startBatch ?? 0,
          onProgress: (done, total) => io.stderr.write(`lee: ${done}/${total} images\n`),
          onBatch: (batchRows, b) => {
            // (lee itself refuses non-finite rows before a batch reaches here.)
            if (format !== 'csv') return;
            const header = csvHeader(vectors ? batchRows[0]?.lie?.length : undefined);
            if (csv) return csv.writeBatch(b, header, csvLines(batchRows, vectors));
            // stdout: one write per finished batch, so the stream only ever holds whole lines.
            io.stdout.write((wroteHeader ? '' : header) + csvLines(batchRows, vectors));
            wroteHeader = true;
          },
        }).catch((err) => {
          throw withNonFiniteDiagnosis(err, model, data.images, { ...contract, output: outputOption });
        });
        if (format === 'json') {
          const doc = {
            meta: {
              backend: backend.backend,
              backendDetail: backend.line,
              tfjs: tf.version.tfjs,
              liederiv: liederivVersion(),
              model: { name: model.name, source: model.source, inputSize: measured.input.size, ...contractMeta(measured) },
              images: { source: imagesPath, count: N },
              options: { groups, output, ...contract, difference, reduction, method, batch: batchSize, vectors },
            },
            rows: rows.map((r) => jsonRow(r, vectors)),
          };
          const text = JSON.stringify(doc) + '\n';
          if (out) writeAtomic(out, text);
          else io.stdout.write(text);
        }
      } finally {
        csv?.close();
        data.images.dispose();
      }
    } finally {
      model.net.dispose(); // the CLI owns the model it loaded (main() may run many commands in one process)
    }
  },
};
