import * as tf from '@tensorflow/tfjs';
import { UnknownNameError, UnsupportedLayerError } from '../../errors';
import { getGroup, GROUP_NAMES, nonSquareWarning } from '../../groups';
import {
  DEFAULT_EXACT_LIMIT,
  DEFAULT_LAYERWISE_BATCH,
  DEFAULT_PROBES,
  layerwise,
  type LayerwiseResult,
} from '../../lie/layerwise';
import { writeAtomic } from '../../models/load';
import { liederivVersion } from '../../version';
import { intOption, requireOption, UsageError, type CliIO, type Command } from '../command';
import {
  assertFiniteResult,
  contractMeta,
  CONTRACT_HELP,
  measuredForRun,
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

const USAGE = `liederiv layerwise --model <model.json> --images <file.npy | folder> --group <name>
    [--output probs|logits|NAME] [--input-range R] [--mean r,g,b] [--std r,g,b] [--layout L] [--difference central|forward|gaussian] [--probes P] [--exact]
    [--format csv|json] [--out FILE [--resume]] [--seed S] [--batch N] [--backend auto|tensorflow|webgpu|wasm|cpu] [--threads N]

  --model       TF.js LayersModel or GraphModel model.json (weights beside it; optional liederiv.json sidecar),
                or a folder holding one (a Keras .h5/.keras, SavedModel, TF-Hub or ONNX model is refused
                with the tensorflowjs_converter command that converts it)
  --images      .npy float32 [N, H, W, 3] RGB in [0, 1], a folder of JPEG/PNG or one PNG/JPEG file (resized
                to the model); repeat --images for several files
  --group       one of: ${GROUP_NAMES.join(', ')}
  --output      probs (default when the model ends in a softmax or has classNames) | logits | a tensor
                name; LayersModels and GraphModels (contributions per layer or per graph op)
  --difference  central (default) | forward (the paper's code) | gaussian
  --probes      Hutchinson probes for ‖C_i‖² when the output has more than ${DEFAULT_EXACT_LIMIT} components (default ${DEFAULT_PROBES})
  --exact       always compute ‖C_i‖² exactly
  --format      csv (default: image,index,layer,kind,sqnorm,projection,meanSq,meanSqShare) | json ({meta, layers, rows, totals})
  --out         write to FILE instead of stdout: CSV grows by whole batches (first batch with the
                header via a temporary file + rename, then one fsync'd append per batch), JSON is
                written once at the end (temporary file + rename); FILE.meta.json records the run
  --resume      continue a killed CSV run in --out (checks FILE.meta.json against this run, drops a
                torn last line, computes only the missing batches)
  --seed        seed of the Hutchinson probes (default 0)
  --batch       images per walk (default ${DEFAULT_LAYERWISE_BATCH})
  --threads     ${THREADS_HELP}

Per image and layer: sqnorm = ‖C_i‖², the layer's contribution to L f (DESIGN §5), and projection =
⟨C_i, L f⟩/‖L f‖, which sums over layers to ‖L f‖ (totals). Under mean-sq (the paper's Eq. 4):
meanSq = ‖C_i‖²/K (does not sum: the vectors C_i telescope, their squares do not) and
meanSqShare = ⟨C_i, L f⟩/K, which sums over layers to the image's mean-sq LEE (totals[].meanSq).
${CONTRACT_HELP}`;

const CSV_HEADER = 'image,index,layer,kind,sqnorm,projection,meanSq,meanSqShare\n';

/** RFC 4180 quoting for names that contain a separator, a quote or a line break. */
const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function csvLines(rows: LayerwiseResult['rows']): string {
  return rows
    .map(
      (r) =>
        [r.image, r.index, quote(r.layer), quote(r.kind), r.sqnorm, r.projection, r.meanSq, r.meanSqShare].join(',') +
        '\n',
    )
    .join('');
}

function toJson(res: LayerwiseResult, meta: Record<string, unknown>): string {
  return (
    JSON.stringify({
      meta: {
        ...meta,
        sqnormMethod: res.sqnormMethod,
        outputs: res.meta.outputs,
        telescopingError: res.meta.telescopingError,
      },
      layers: res.layers.map((l) => ({ index: l.index, name: l.name, kind: l.kind })),
      rows: res.rows.map((r) => ({
        image: r.image,
        layer: r.layer,
        sqnorm: r.sqnorm,
        projection: r.projection,
        meanSq: r.meanSq,
        meanSqShare: r.meanSqShare,
      })),
      totals: res.totals,
    }) + '\n'
  );
}

export const layerwiseCommand: Command = {
  name: 'layerwise',
  summary: 'Layer-wise decomposition of the Lie derivative: which layers break equivariance',
  usage: USAGE,
  options: {
    ...MEASUREMENT_OPTIONS,
    group: { type: 'string' },
    probes: { type: 'string' },
    exact: { type: 'boolean' },
    seed: { type: 'string' },
  },
  async run(values, io: CliIO) {
    const { modelPath, imagesPath, imagesList, difference, coordinates, format, batchSize, out, resume, contract } =
      parseMeasurementOptions(values, DEFAULT_LAYERWISE_BATCH);
    const group = requireOption(values, 'group');
    try {
      getGroup(group);
    } catch (err) {
      if (err instanceof UnknownNameError) throw new UsageError(err.message);
      throw err;
    }
    const outputOption = typeof values.output === 'string' && values.output !== '' ? values.output : undefined;
    const probes = intOption(values, 'probes', DEFAULT_PROBES);
    const seed = intOption(values, 'seed', 0, { min: 0 });
    const exact = values.exact === true;

    preflightModel(values, modelPath);
    const backend = await startBackend(values);
    io.stderr.write(backend.line + '\n');
    const model = await loadModelForRun(modelPath, io, 'layerwise');
    try {
      let measured = measuredForRun(model, outputOption, contract);
      const output = measured.output.mode === 'tensor' ? measured.output.tensor : measured.output.mode;
      const { images, files } = await loadImages(imagesList, model, measured, 'layerwise');
      measured = measuredForRun(model, outputOption, contract, images);
      const N = images.shape[0];
      io.stderr.write(
        `layerwise: ${N} images, group ${group}, model ${model.name} (${model.source}), output ${output}\n`,
      );
      io.stderr.write(`layerwise: measures ${measured.formula}\n`);
      for (const note of measured.notes) io.stderr.write(`layerwise: note: ${note}\n`);
      const nonSquare = nonSquareWarning(images.shape[1], images.shape[2], coordinates);
      if (nonSquare) io.stderr.write(`layerwise: warning: ${nonSquare}\n`);
      const started = Date.now();
      let csv: ResumableCsv | undefined;
      // Batch by batch here (not inside one layerwise call), so each finished batch can be written.
      // Identical to one call: the same batches, and batch b's probes are seeded seed + b·batch.
      // meta is set from the first batch's result below; LayerwiseResult requires it, so the placeholder is cast.
      const merged: LayerwiseResult = {
        layers: [],
        rows: [],
        totals: [],
        sqnormMethod: 'exact',
        meta: undefined as unknown as LayerwiseResult['meta'],
      };
      try {
        if (out && format === 'csv') {
          const identity = {
            command: 'layerwise',
            group,
            output,
            contract,
            measures: measured.formula,
            difference,
            coordinates,
            probes,
            exact,
            exactLimit: DEFAULT_EXACT_LIMIT,
            seed,
            backend: backend.backend,
            model: modelFingerprint(modelPath),
            images: imagesFingerprint(imagesList, files),
          };
          csv = ResumableCsv.open({ out, resume, identity, images: N, batchSize });
          if (csv.startBatch > 0)
            io.stderr.write(
              `layerwise: resuming ${out}: ${csv.keptRows} rows kept, continuing at batch ${csv.startBatch} of ${csv.batches}\n`,
            );
        }
        for (let b = csv?.startBatch ?? 0; b * batchSize < N; b++) {
          const start = b * batchSize;
          const n = Math.min(batchSize, N - start);
          const batch = tf.slice(images, [start], [n]) as tf.Tensor4D;
          let res: LayerwiseResult;
          try {
            res = await layerwise(model, batch, group, {
              output: outputOption,
              ...contract,
              difference,
              coordinates,
              probes,
              exact,
              seed: seed + start,
              batchSize,
            });
          } catch (err) {
            // The decomposition walks every layer: lee's fallback engines do not apply here.
            if (err instanceof UnsupportedLayerError) {
              throw new UnsupportedLayerError(
                err.layerName,
                err.className,
                err.supported,
                'layer',
                `The layer-wise decomposition needs a rule for every layer (no fallback); 'liederiv lee --method fd' still measures the whole model.`,
              );
            }
            throw err;
          } finally {
            batch.dispose();
          }
          for (const r of res.rows) r.image += start;
          for (const t of res.totals) t.image += start;
          assertFiniteResult(res.rows, 'sqnorm', 'layerwise', model, images, { ...contract, output: outputOption });
          assertFiniteResult(res.rows, 'projection', 'layerwise', model, images, { ...contract, output: outputOption });
          if (csv) csv.writeBatch(b, CSV_HEADER, csvLines(res.rows));
          else if (format === 'csv' && !out) io.stdout.write((b === 0 ? CSV_HEADER : '') + csvLines(res.rows));
          merged.layers = res.layers;
          merged.sqnormMethod = res.sqnormMethod;
          merged.meta = merged.meta
            ? {
                ...res.meta,
                images: N,
                telescopingError: Math.max(merged.meta.telescopingError, res.meta.telescopingError),
              }
            : { ...res.meta, images: N };
          if (format === 'json') {
            merged.rows.push(...res.rows);
            merged.totals.push(...res.totals);
          }
          io.stderr.write(`layerwise: ${start + n}/${N} images\n`);
        }
      } finally {
        csv?.close();
        images.dispose();
      }
      if (!merged.meta) {
        io.stderr.write(`layerwise: ${out} is already complete\n`);
        return;
      }
      const meta = {
        backend: backend.backend,
        backendDetail: backend.line,
        tfjs: tf.version.tfjs,
        liederiv: liederivVersion(),
        model: { name: model.name, source: model.source, inputSize: measured.input.size, ...contractMeta(measured) },
        images: { source: imagesPath, count: N },
        options: {
          group,
          output,
          ...contract,
          difference,
          probes,
          exact,
          exactLimit: DEFAULT_EXACT_LIMIT,
          seed,
          batch: batchSize,
        },
        seconds: (Date.now() - started) / 1000,
      };
      io.stderr.write(
        `layerwise: ${merged.layers.length} layers, ‖C_i‖² ${merged.sqnormMethod}, telescoping error ${merged.meta.telescopingError.toExponential(2)}\n`,
      );
      if (format === 'json') {
        const text = toJson(merged, meta);
        if (out) writeAtomic(out, text);
        else io.stdout.write(text);
      }
    } finally {
      model.net.dispose(); // the CLI owns the model it loaded (main() may run many commands in one process)
    }
  },
};
