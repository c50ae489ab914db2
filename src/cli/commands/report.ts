import * as fs from 'node:fs';
import * as path from 'node:path';
import { LiederivError, UnknownNameError } from '../../errors';
import { describeProblems, renderReportFigures } from '../../report/renderedFigures';
import { getGroup, GROUP_NAMES, SPATIAL_GROUP_NAMES } from '../../groups';
import { writeAtomic } from '../../models/load';
import {
  computeHeadline,
  DEFAULT_HEADLINE_IMAGES,
  DEFAULT_LAYERWISE_GROUP,
  DEFAULT_LAYERWISE_IMAGES,
  HEADLINE_GROUPS,
  type HeadlineProgress,
} from '../../report/headline';
import { headlineCsvs, headlineSections, headlineSummaryText } from '../../report/headlineReport';
import { trainedModelsDir } from '../../models/trainedModels';
import { writeReport } from '../../report/writeReport';
import { liederivVersion } from '../../version';
import { intOption, UsageError, type Command } from '../command';
import { startBackend, THREADS_HELP } from '../options';
import { sweepReportCommand } from './sweep';

const USAGE = `liederiv report [--out DIR] [--images N] [--groups g1,g2,... | spatial | all] [--models m1,m2,...]
    [--layerwise-images N] [--layerwise-group G] [--models-dir DIR] [--backend auto|tensorflow|webgpu|wasm|cpu] [--threads N] [--no-export]

  Computes the headline results on the trained models (datasets/models/manifest.json) and their
  test images, and writes DIR/report.html (self-contained, offline, interactive) and DIR/*.csv.
  Progress goes to stderr, a summary table to stdout. What \`npm start\` runs.

  --out               output folder (default out)
  --images            test images per model (default ${DEFAULT_HEADLINE_IMAGES})
  --groups            default ${HEADLINE_GROUPS.join(',')}; 'spatial' = every spatial group + hue; 'all'
  --models            only these trained models (default: every model in the manifest)
  --layerwise-images  images for the layer-wise decomposition (default ${DEFAULT_LAYERWISE_IMAGES})
  --layerwise-group   group of the layer-wise decomposition (default ${DEFAULT_LAYERWISE_GROUP})
  --models-dir        folder with manifest.json (default datasets/models, or $LIEDERIV_MODELS)
  --backend           default $LIEDERIV_BACKEND or auto
  --threads           ${THREADS_HELP}
  --sweep DIR         instead: the figures of a merged sweep (liederiv sweep merge) → DIR/report.html, or --out DIR2/report.html
  --no-export         skip the SVG and PNG copy of each figure (written beside report.html with
                      headless Chromium, which also checks that no labels overlap or are clipped)`;

function parseGroups(spec: string | undefined): string[] {
  if (spec === undefined) return HEADLINE_GROUPS;
  if (spec === 'all') return [...GROUP_NAMES];
  if (spec === 'spatial') return [...SPATIAL_GROUP_NAMES, 'hue'];
  const names = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) throw new UsageError(`--groups must list at least one group, 'spatial' or 'all'`);
  for (const n of names) {
    try {
      getGroup(n);
    } catch (err) {
      if (err instanceof UnknownNameError) throw new UsageError(`${err.message}, 'spatial' or 'all'`);
      throw err;
    }
  }
  return names;
}

/**
 * Each figure as SVG and PNG beside report.html, drawn by Plotly in headless Chromium (the same
 * renderer as the page), plus the layout check. Without Chromium the report is still complete:
 * a line says what is missing and how to get it.
 */
async function exportFigures(report: string, outDir: string, stderr: NodeJS.WritableStream): Promise<void> {
  const t0 = Date.now();
  try {
    const r = await renderReportFigures(report, { exportDir: outDir });
    stderr.write(
      `report: exported ${r.exported.length / 2} figures as SVG and PNG to ${outDir} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
    );
    for (const e of r.errors) stderr.write(`report: warning: ${e}\n`);
    if (r.problems.length)
      stderr.write(`report: warning: ${r.problems.length} label layout problem(s):\n${describeProblems(r.problems)}\n`);
  } catch (err) {
    if (!(err instanceof LiederivError) || err.code !== 'E_NO_CHROMIUM') throw err;
    stderr.write(`report: figures not exported as SVG/PNG (report.html is complete): ${err.message}\n`);
  }
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'The headline results on the bundled models → out/report.html and out/*.csv (npm start)',
  usage: USAGE,
  options: {
    out: { type: 'string' },
    images: { type: 'string' },
    groups: { type: 'string' },
    models: { type: 'string' },
    'layerwise-images': { type: 'string' },
    'layerwise-group': { type: 'string' },
    'models-dir': { type: 'string' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    sweep: { type: 'string' },
    'no-export': { type: 'boolean' },
  },
  async run(values, io) {
    if (values.sweep !== undefined) return sweepReportCommand(values, io); // liederiv report --sweep DIR (src/sweep/report.ts)
    const started = Date.now();
    const outDir = typeof values.out === 'string' && values.out !== '' ? values.out : 'out';
    const images = intOption(values, 'images', DEFAULT_HEADLINE_IMAGES);
    const layerwiseImages = intOption(values, 'layerwise-images', DEFAULT_LAYERWISE_IMAGES);
    const groups = parseGroups(values.groups as string | undefined);
    const layerwiseGroup =
      values['layerwise-group'] === undefined
        ? DEFAULT_LAYERWISE_GROUP
        : parseGroups(String(values['layerwise-group']))[0];
    const models =
      typeof values.models === 'string'
        ? values.models
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
    const modelsDir =
      typeof values['models-dir'] === 'string' ? path.resolve(values['models-dir']) : trainedModelsDir();
    const backend = await startBackend(values);
    io.stderr.write(backend.line + '\n');
    io.stderr.write(`report: models from ${modelsDir}, ${images} images per model, groups ${groups.join(', ')}\n`);
    const onProgress = (p: HeadlineProgress) => {
      const secs = ((Date.now() - started) / 1000).toFixed(0);
      io.stderr.write(
        `report: ${p.stage === 'lee' ? 'LEE' : 'layer-wise'} ${p.done}/${p.total} models (${p.model}) ${secs}s\n`,
      );
    };
    const result = await computeHeadline({
      modelsDir,
      models,
      images,
      groups,
      layerwiseImages,
      layerwiseGroup,
      onProgress,
    });

    fs.mkdirSync(outDir, { recursive: true });
    const csvs = headlineCsvs(result);
    for (const [name, text] of Object.entries(csvs)) writeAtomic(path.join(outDir, name), text);
    const seconds = (Date.now() - started) / 1000;
    const written = writeReport(path.join(outDir, 'report.html'), headlineSections(result), {
      title: 'liederiv — learned equivariance of the bundled models',
      subtitle: `liederiv ${liederivVersion()}, backend ${result.meta.backend}, ${result.models.length} models, ${images} images each, ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC, ${seconds.toFixed(0)} s`,
    });
    io.stderr.write(
      `report: wrote ${written.path} (${written.figures} figures, ${written.tables} tables, ${(written.bytes / 1e6).toFixed(1)} MB) and ${Object.keys(
        csvs,
      )
        .map((n) => path.join(outDir, n))
        .join(', ')} in ${seconds.toFixed(0)} s\n`,
    );
    if (values['no-export'] !== true && written.figures > 0) await exportFigures(written.path, outDir, io.stderr);
    io.stdout.write(headlineSummaryText(result));
  },
};
