/**
 * `liederiv report --sweep DIR`: the headline figures over a merged sweep (DIR/merged.csv and
 * DIR/merged.meta.json from `liederiv sweep merge`) — LEE per group per model, LEE against test
 * accuracy with its fit (zoo models, whose accuracy the manifest knows), the mean-LEE table, and
 * the layer kinds figure when the spec asked for layer-wise tasks (DIR/merged-layerwise.csv).
 * Reuses src/figures and src/report; computes nothing new.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileFormatError, InputError } from '../errors';
import { leeByGroup } from '../figures/leeByGroup';
import { layerwiseByKind } from '../figures/layerwiseByKind';
import { layerwiseCumulative } from '../figures/layerwiseCumulative';
import { leeVsAccuracy } from '../figures/leeVsAccuracy';
import type { LayerRow } from '../figures/types';
import { accuracyFits, summarizeLee, type ModelLeeRow } from '../report/headline';
import { summaryPivot } from '../report/headlineReport';
import type { ReportSection } from '../report/reportHtml';
import { writeReport, type WrittenReport } from '../report/writeReport';
import { mergedCsvPath, mergedLayersPath, mergedMetaPath, type MergeMeta } from './merge';

/** RFC 4180 text (as src/report/csv.ts writes it) → rows of strings, header first. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

/** The merged sweep's rows as the report's ModelLeeRow (accuracy NaN where the model has none). */
export function readMergedSweep(dir: string): { rows: ModelLeeRow[]; meta: MergeMeta } {
  const csvFile = mergedCsvPath(dir);
  const metaFile = mergedMetaPath(dir);
  if (!fs.existsSync(csvFile) || !fs.existsSync(metaFile))
    throw new InputError(
      `--sweep '${dir}' has no merged.csv and merged.meta.json; run 'liederiv sweep merge SPEC' first (--partial for an unfinished sweep)`,
    );
  let meta: MergeMeta;
  try {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  } catch (err) {
    throw new FileFormatError(metaFile, `not valid JSON (${(err as Error).message})`);
  }
  const [header, ...body] = parseCsv(fs.readFileSync(csvFile, 'utf8'));
  const col = (name: string) => {
    const i = header?.indexOf(name) ?? -1;
    if (i < 0)
      throw new FileFormatError(csvFile, `no '${name}' column; expected the table 'liederiv sweep merge' writes`);
    return i;
  };
  const c = {
    model: col('model'),
    family: col('family'),
    dataset: col('dataset'),
    accuracy: col('accuracy'),
    image: col('image'),
    label: col('label'),
    group: col('group'),
    output: col('output'),
    reduction: col('reduction'),
    lee: col('lee'),
  };
  const meanSqCol = header?.indexOf('mean-sq') ?? -1;
  const rows = body.map((r): ModelLeeRow => ({
    model: r[c.model],
    family: r[c.family] || 'other',
    dataset: r[c.dataset] || 'other',
    accuracy: r[c.accuracy] === '' ? NaN : Number(r[c.accuracy]),
    image: Number(r[c.image]),
    label: r[c.label] === '' ? undefined : Number(r[c.label]),
    group: r[c.group],
    output: r[c.output],
    reduction: r[c.reduction],
    lee: Number(r[c.lee]),
    // Eq. 4's reduction (DESIGN §1); merges written before it existed have no such column.
    ...(meanSqCol >= 0 && r[meanSqCol] !== '' ? { meanSq: Number(r[meanSqCol]) } : {}),
  }));
  return { rows, meta };
}

/** merged-layerwise.csv as LayerRow (figures' type), or [] when the sweep has no layer-wise tasks. */
export function readMergedLayers(dir: string): LayerRow[] {
  const file = mergedLayersPath(dir);
  if (!fs.existsSync(file)) return [];
  const [header, ...body] = parseCsv(fs.readFileSync(file, 'utf8'));
  const i = (c: string) => header.indexOf(c);
  return body.map((r) => ({
    model: r[i('model')],
    image: Number(r[i('image')]),
    index: Number(r[i('index')]),
    layer: r[i('layer')],
    kind: r[i('kind')],
    sqnorm: Number(r[i('sqnorm')]),
    projection: Number(r[i('projection')]),
    ...(i('meanSqShare') >= 0 ? { meanSq: Number(r[i('meanSq')]), meanSqShare: Number(r[i('meanSqShare')]) } : {}),
  }));
}

/** Report sections for a merged sweep (and its layer-wise rows, when the spec asked for them). */
export function sweepSections(rows: ModelLeeRow[], meta: MergeMeta, layers: LayerRow[] = []): ReportSection[] {
  if (!rows.length) throw new InputError(`the merged sweep '${meta.sweep}' has no rows`);
  const summary = summarizeLee(rows);
  const withAccuracy = summary.filter((s) => Number.isFinite(s.accuracy));
  const fits = accuracyFits(withAccuracy);
  const sections: ReportSection[] = [];
  sections.push({
    title: 'Sweep',
    text:
      `Sweep '${meta.sweep}' (${meta.spec}): ${meta.merged} of ${meta.tasks} tasks merged${meta.complete ? '' : ` — INCOMPLETE, ${meta.missing.length} tasks missing (merged with --partial)`}. ` +
      `${meta.models.length} models, groups ${meta.measure.groups.join(', ')}; ${meta.measure.reduction} of ${meta.measure.output}, ${meta.measure.difference} differences, method ${meta.measure.method}, ` +
      `backend ${meta.backends.join(', ')} on ${meta.hosts.length} host${meta.hosts.length === 1 ? '' : 's'}, ${meta.computeSeconds.toFixed(0)} s of computation.`,
    tables: [
      meta.models.map((m) => ({
        model: m.name,
        family: m.family ?? '',
        dataset: m.dataset ?? '',
        'test accuracy': m.accuracy ?? '',
        'model.json': m.modelJson,
      })),
    ],
  });
  sections.push({
    title: 'LEE per group per model',
    text:
      `Bars: mean over images ± standard error (log scale). Table: mean LEE [95% CI] per model and group (${meta.measure.reduction}).` +
      (summary.some((s) => Number.isFinite(s.meanSqLee))
        ? " Second table: the same images under mean-sq, the paper's Eq. 4 (mean over outputs of (L f)²; DESIGN §1)."
        : ''),
    figures: [leeByGroup(rows, { logY: rows.every((r) => r.lee > 0) })],
    tables: [
      summaryPivot(summary),
      ...(summary.some((s) => Number.isFinite(s.meanSqLee)) ? [summaryPivot(summary, 'mean-sq')] : []),
    ],
  });
  const accFigures = fits.map((f) => {
    const positive = new Set(
      withAccuracy.filter((s) => s.dataset === f.dataset && s.group === f.group && s.meanLee > 0).map((s) => s.model),
    );
    return leeVsAccuracy(
      rows.filter((r) => r.dataset === f.dataset && r.group === f.group && positive.has(r.model)),
      { title: `LEE (${f.group}) vs test accuracy, ${f.dataset} models` },
    );
  });
  sections.push({
    title: 'LEE vs test accuracy',
    text: fits.length
      ? 'One point per model (mean LEE over images); dashed: least-squares fit of log10 LEE against accuracy, with its R². Only models sharing a dataset are compared.'
      : 'Needs at least three zoo models (whose manifest gives a test accuracy) on one dataset with different accuracies.',
    figures: accFigures,
    tables: fits.length
      ? [
          fits.map((f) => ({
            group: f.group,
            dataset: f.dataset,
            models: f.models,
            'slope (log10 LEE per accuracy %)': f.slope,
            intercept: f.intercept,
            'R²': f.r2,
          })),
        ]
      : [],
  });
  if (layers.length) {
    const lw = meta.layerwise!;
    sections.push({
      title: `Which layers break equivariance (${lw.group})`,
      text: `Layer-wise decomposition L f = Σ_i C_i (DESIGN §5) on the first ${lw.images} images of each image set: cumulative share of ‖L f‖ along depth (signed projections ⟨C_i, L f⟩/‖L f‖, which add up exactly), and the same summed by layer kind.`,
      figures: [layerwiseCumulative(layers), layerwiseByKind(layers)],
    });
  }
  return sections;
}

/** Reads DIR's merged sweep and writes the report (default DIR/report.html). */
export function writeSweepReport(dir: string, file = path.join(dir, 'report.html')): WrittenReport {
  const { rows, meta } = readMergedSweep(dir);
  return writeReport(file, sweepSections(rows, meta, readMergedLayers(dir)), {
    title: `liederiv sweep — ${meta.sweep}`,
    subtitle: `liederiv ${meta.liederiv}, merged ${meta.mergedAt.slice(0, 19).replace('T', ' ')} UTC`,
  });
}
