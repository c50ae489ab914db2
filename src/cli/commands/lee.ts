import * as tf from '@tensorflow/tfjs';
import { UnknownNameError } from '../../errors';
import { getGroup, GROUP_NAMES, nonSquareWarning } from '../../groups';
import { JVP_METHODS, type JvpMethod } from '../../jvp';
import { DEFAULT_LEE_BATCH, lee, type LeeRow } from '../../lie/lee';
import { liederivVersion } from '../../version';
import { REDUCTIONS, type Reduction } from '../../lie/reductions';
import { writeAtomic } from '../../models/load';
import { requireOption, UsageError, type CliIO, type Command } from '../command';
import {
  contractMeta,
  CONTRACT_HELP,
  measuredForRun,
  translucentWarning,
  withNonFiniteDiagnosis,
  choice,
  imagesFingerprint,
  loadImages,
  loadModelForRun,
  preflightModel,
  MEASUREMENT_OPTIONS,
  modelFingerprint,
  parseMeasurementOptions,
  startBackend,
  THREADS_HELP,
} from '../options';
import { ResumableCsv } from '../output';
import {
  csvField,
  npyCompanionLabels,
  parseCsvLine,
  resizeWarning,
  summarize,
  summaryText,
  topOnePredictions,
  unitsLine,
} from '../traceable';
import * as fs from 'node:fs';

const USAGE = `liederiv lee --model <model.json | folder> --images <file.npy | image folder | image file> --groups <g1,g2,... | all>
    [--output probs|logits|NAME] [--input-range 0..1|0..255|-1..1] [--mean r,g,b] [--std r,g,b]
    [--layout auto|nhwc|nchw] [--difference central|forward|gaussian] [--reduction mean-abs|mean-sq|l2|sq-l2]
    [--method forward|double-vjp|fd] [--batch N] [--backend auto|tensorflow|webgpu|wasm|cpu] [--threads N]
    [--vectors] [--summary] [--format csv|json] [--out FILE [--resume]]

  --model       TF.js LayersModel or GraphModel model.json (weights beside it; optional liederiv.json
                sidecar, see below), or a folder holding one (also one below it); a Keras .h5/.keras,
                SavedModel, TF-Hub, ONNX or TFLite model is refused with the command that converts it
  --images      .npy float32 [N, H, W, 3] RGB (or [N, H, W, 1] grey) in [0, 1] (labels from a
                companion <stem>.labels.npy [N] if present), or a folder of JPEG/PNG, flat or one
                subfolder per class (labels), centre-cropped and resized to the model's input size
                (a warning says how many), or one PNG/JPEG file (a one-image set); repeat --images
                for several files (image files, or .npy files of one size)
  --groups      comma-separated: ${GROUP_NAMES.join(', ')}; or 'all'
  --output      probs (default when the model ends in a softmax or has classNames) | logits |
                a tensor: layer name, graph node name or signature key (embedding, features)
  --difference  central (default) | forward (the paper's code) | gaussian
  --reduction   mean-abs (default: what the paper's code reports) | mean-sq (mean of squares:
                the paper's Eq. 4) | l2 | sq-l2
  --method      forward (default) | double-vjp | fd
  --batch       images per batch (default ${DEFAULT_LEE_BATCH})
  --threads     ${THREADS_HELP}
  --vectors     also output the Lie derivative vectors (lie / lie_0..lie_{K-1})
  --summary     after the rows, print per model and group n, mean, median and a bootstrap 95% CI of
                the mean over images to stderr as a table (stdout keeps only the rows; JSON also
                gets a "summary" array)
  --format      csv (default) | json
  --out         write to FILE instead of stdout: CSV grows by whole batches (first batch with the
                header via a temporary file + rename, then one fsync'd append per batch), JSON is
                written once at the end (temporary file + rename); FILE.meta.json records the run
  --resume      continue a killed CSV run in --out: checks FILE.meta.json against this run (same
                options, backend, model and image files), drops a torn last line, and computes
                only the batches that are missing

Columns: image (index), file (folder input: path relative to the folder), label (where known),
pred (top-1 class of the model: its classNames, else the index; class-score outputs only), group,
lee, [lie_0..]. Units of t (the group parameter, DESIGN §2): normalized, t = 1 is (W−1)/2 pixels
for translate-x and (H−1)/2 for translate-y (13.5 px at 28×28, 111.5 px at 224×224); rotate and
hue in radians (t = 1 ≙ 57.3°). LEE is per unit of t, so multiply by e.g. 1/13.5 for "per pixel"
at 28×28. The run header on stderr prints the equivalents for the run's image size.
${CONTRACT_HELP}`;

function parseGroups(spec: string): string[] {
  if (spec === 'all') return [...GROUP_NAMES];
  const names = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError(`--groups must list at least one group or be 'all'`);
  for (const n of names) {
    try {
      getGroup(n);
    } catch (err) {
      if (err instanceof UnknownNameError) throw new UsageError(`${err.message}, or 'all'`);
      throw err;
    }
  }
  // A group named twice would give every image two identical rows (and count twice in --summary).
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UsageError(`--groups names '${twice}' twice; expected each group once, got '${spec}'`);
  return names;
}

/** What identifies an image in the output, beside its index: file, label, prediction (each only where known). */
interface ImageColumns {
  /** Path relative to the image folder (folders only). */
  files?: string[];
  /** Class name (subfolder) or index (.labels.npy companion) per image. */
  labels?: string[];
  /** Top-1 class of the model per image, filled batch by batch (models with class-score outputs only). */
  preds?: Array<string | undefined>;
}

/** The identifying columns in order, for the header and every row: image, file, label, pred. */
function idColumns(c: ImageColumns): Array<'file' | 'label' | 'pred'> {
  return [
    ...(c.files ? ['file' as const] : []),
    ...(c.labels ? ['label' as const] : []),
    ...(c.preds ? ['pred' as const] : []),
  ];
}

function idValue(c: ImageColumns, col: 'file' | 'label' | 'pred', image: number): string {
  return (col === 'file' ? c.files![image] : col === 'label' ? c.labels![image] : c.preds![image]) ?? '';
}

function csvHeader(c: ImageColumns, k: number | undefined): string {
  return (
    [
      'image',
      ...idColumns(c),
      'group',
      'lee',
      ...(k === undefined ? [] : Array.from({ length: k }, (_, i) => `lie_${i}`)),
    ].join(',') + '\n'
  );
}

function csvLines(rows: LeeRow[], c: ImageColumns, vectors: boolean): string {
  const cols = idColumns(c);
  return rows
    .map(
      (r) =>
        [
          r.image,
          ...cols.map((col) => csvField(idValue(c, col, r.image))),
          r.group,
          r.lee,
          ...(vectors ? (r.lie ?? []) : []),
        ].join(',') + '\n',
    )
    .join('');
}

function jsonRow(r: LeeRow, c: ImageColumns, vectors: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = { image: r.image };
  for (const col of idColumns(c)) row[col] = idValue(c, col, r.image);
  Object.assign(row, { group: r.group, lee: r.lee });
  if (vectors) row.lie = r.lie;
  return row;
}

/** Group and lee of every row of a finished CSV (a resumed run's summary covers the whole file, not just this run's batches). */
function leeFromCsv(file: string): Array<{ group: string; lee: number }> {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const header = parseCsvLine(lines[0]);
  const g = header.indexOf('group');
  const v = header.indexOf('lee');
  return lines.slice(1).map((l) => {
    const cells = parseCsvLine(l);
    return { group: cells[g], lee: Number(cells[v]) };
  });
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
    summary: { type: 'boolean' },
  },
  async run(values, io: CliIO) {
    const { modelPath, imagesPath, imagesList, difference, coordinates, format, batchSize, out, resume, contract } =
      parseMeasurementOptions(values, DEFAULT_LEE_BATCH);
    const groups = parseGroups(requireOption(values, 'groups'));
    const outputOption = typeof values.output === 'string' && values.output !== '' ? values.output : undefined;
    const reduction = choice<Reduction>(values, 'reduction', REDUCTIONS, 'mean-abs');
    const method = choice<JvpMethod>(values, 'method', JVP_METHODS, 'forward');
    const vectors = values.vectors === true;
    const wantSummary = values.summary === true;

    preflightModel(values, modelPath);
    const backend = await startBackend(values);
    io.stderr.write(backend.line + '\n');
    const model = await loadModelForRun(modelPath, io, 'lee');
    try {
      let measured = measuredForRun(model, outputOption, contract);
      const output = measured.output.mode === 'tensor' ? measured.output.tensor : measured.output.mode;
      const data = await loadImages(imagesList, model, measured);
      measured = measuredForRun(model, outputOption, contract, data.images);
      const N = data.images.shape[0];
      const [H, W] = [data.images.shape[1], data.images.shape[2]];
      io.stderr.write(
        `lee: ${N} images × ${groups.length} groups, model ${model.name} (${model.source}), output ${output}, ${reduction}\n`,
      );
      io.stderr.write(`lee: measures ${measured.formula}\n`);
      for (const note of measured.notes) io.stderr.write(`lee: note: ${note}\n`);
      const nonSquare = nonSquareWarning(data.images.shape[1], data.images.shape[2], coordinates);
      if (nonSquare) io.stderr.write(`lee: warning: ${nonSquare}\n`);
      io.stderr.write(`lee: units: ${unitsLine(H, W)}\n`);
      const resized = resizeWarning(data.sourceSizes, [H, W]);
      if (resized) io.stderr.write(`lee: ${resized}\n`);
      const translucent = translucentWarning(data.translucent);
      if (translucent) io.stderr.write(`lee: ${translucent}\n`);
      // Companion labels belong to one .npy (<stem>.labels.npy), not to image files or several .npy.
      const companion = data.files || imagesList.length !== 1 ? undefined : npyCompanionLabels(imagesPath, N);
      if (companion) io.stderr.write(`lee: labels from ${companion.file}\n`);
      const columns: ImageColumns = {
        files: data.files,
        labels:
          data.labels && data.classNames
            ? data.labels.map((l) => data.classNames![l])
            : companion
              ? companion.labels.map(String)
              : undefined,
      };
      // Filled from the first finished batch (lee has validated the images by then): a model whose
      // output is not class scores gets no pred column.
      let predsProbed = false;
      const predictBatch = (batchRows: LeeRow[]) => {
        if (batchRows.length === 0) return;
        const first = batchRows[0].image;
        const count = batchRows[batchRows.length - 1].image - first + 1;
        if (predsProbed && !columns.preds) return;
        const preds =
          measured.input.batch === 'one'
            ? undefined
            : topOnePredictions(model, data.images, first, count, { ...contract, output: outputOption });
        if (!predsProbed) {
          predsProbed = true;
          if (preds) columns.preds = new Array<string | undefined>(N);
        }
        preds?.forEach((p, i) => (columns.preds![first + i] = p));
      };

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
            coordinates,
            reduction,
            method,
            vectors,
            backend: backend.backend,
            model: modelFingerprint(modelPath),
            images: imagesFingerprint(imagesList, data.files),
          };
          csv = ResumableCsv.open({ out, resume, identity, images: N, batchSize });
          if (csv.startBatch > 0)
            io.stderr.write(
              `lee: resuming ${out}: ${csv.keptRows} rows kept, continuing at batch ${csv.startBatch} of ${csv.batches}\n`,
            );
        }
        let wroteHeader = false;
        const rows = await lee(model, data, {
          groups,
          output: outputOption,
          ...contract,
          difference,
          coordinates,
          reduction,
          method,
          batchSize,
          vectors,
          startBatch: csv?.startBatch ?? 0,
          onProgress: (done, total) => io.stderr.write(`lee: ${done}/${total} images\n`),
          onBatch: (batchRows, b) => {
            // (lee itself refuses non-finite rows before a batch reaches here.)
            predictBatch(batchRows);
            if (format !== 'csv') return;
            const header = csvHeader(columns, vectors ? batchRows[0]?.lie?.length : undefined);
            if (csv) return csv.writeBatch(b, header, csvLines(batchRows, columns, vectors));
            // stdout: one write per finished batch, so the stream only ever holds whole lines.
            io.stdout.write((wroteHeader ? '' : header) + csvLines(batchRows, columns, vectors));
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
              model: {
                name: model.name,
                source: model.source,
                inputSize: measured.input.size,
                ...contractMeta(measured),
              },
              images: {
                source: imagesPath,
                count: N,
                height: H,
                width: W,
                ...(resized ? { resized } : {}),
                ...(companion ? { labels: companion.file } : {}),
              },
              units: unitsLine(H, W),
              options: { groups, output, ...contract, difference, reduction, method, batch: batchSize, vectors },
            },
            rows: rows.map((r) => jsonRow(r, columns, vectors)),
            ...(wantSummary
              ? { summary: summarize(rows.map((r) => ({ model: model.name, group: r.group, lee: r.lee }))) }
              : {}),
          };
          const text = JSON.stringify(doc) + '\n';
          if (out) writeAtomic(out, text);
          else io.stdout.write(text);
        }
        if (wantSummary) {
          const all = csv && csv.startBatch > 0 ? leeFromCsv(out!) : rows;
          io.stderr.write(
            summaryText(
              summarize(all.map((r) => ({ model: model.name, group: r.group, lee: r.lee }))),
              `LEE (${reduction} of ${output})`,
            ),
          );
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
