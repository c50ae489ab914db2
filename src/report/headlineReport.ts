/**
 * The headline result → report sections (figures, tables, sentences computed from the numbers),
 * CSV files and the terminal summary. Pure: no tensors, no I/O.
 */
import { layerwiseByKind } from '../figures/layerwiseByKind';
import { layerwiseCumulative } from '../figures/layerwiseCumulative';
import { leeByGroup } from '../figures/leeByGroup';
import { leeVsAccuracy } from '../figures/leeVsAccuracy';
import { COLOR_GROUP_NAMES } from '../groups';
import { toCsv } from './csv';
import type { HeadlineResult, ModelGroupSummary, ModelLeeRow } from './headline';
import type { ReportSection } from './reportHtml';

const fmt = (x: number, digits = 3) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? Number(x.toPrecision(digits)).toString() : x.toExponential(digits - 1));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const isColourGroup = (g: string) => (COLOR_GROUP_NAMES as readonly string[]).includes(g);
/** Colour groups act trivially on grey images (their LEE is exactly 0): only coloured datasets show them. */
const isColourDataset = (d: string) => d.startsWith('colored');
const shown = (r: { group: string; dataset: string }) => !isColourGroup(r.group) || isColourDataset(r.dataset);

/** Models × groups pivot of the mean LEE, with accuracy, for tables and the terminal. */
export function summaryPivot(summary: ModelGroupSummary[]): Array<Record<string, string | number>> {
  const groups = [...new Set(summary.map((s) => s.group))];
  const models = [...new Set(summary.map((s) => s.model))];
  return models.map((model) => {
    const ss = summary.filter((s) => s.model === model);
    const row: Record<string, string | number> = { model, family: ss[0].family, dataset: ss[0].dataset, 'test accuracy': ss[0].accuracy };
    for (const g of groups) {
      const s = ss.find((x) => x.group === g);
      row[g] = s ? s.meanLee : '';
    }
    return row;
  });
}

function extremes(ss: ModelGroupSummary[]): { lo: ModelGroupSummary; hi: ModelGroupSummary } {
  const sorted = [...ss].sort((a, b) => a.meanLee - b.meanLee);
  return { lo: sorted[0], hi: sorted[sorted.length - 1] };
}

/** Sentences stating what the numbers show (nothing here is hard-coded but the wording). */
export function headlineFindings(r: HeadlineResult): string[] {
  const out: string[] = [];
  const spatial = r.summary.filter((s) => !isColourGroup(s.group));
  for (const g of [...new Set(spatial.map((s) => s.group))]) {
    const ss = spatial.filter((s) => s.group === g);
    if (ss.length < 2) continue;
    const { lo, hi } = extremes(ss);
    out.push(`${g}: the most equivariant model is ${lo.model} (mean LEE ${fmt(lo.meanLee)}), the least ${hi.model} (${fmt(hi.meanLee)}, ${fmt(hi.meanLee / lo.meanLee, 2)}× more).`);
  }
  for (const f of r.fits) {
    const dir = f.slope < 0 ? 'more accurate models are more equivariant (LEE falls' : 'more accurate models are less equivariant (LEE rises';
    const head = `LEE vs accuracy on ${f.dataset}, ${f.group}, ${f.models} models`;
    out.push(f.r2 < 0.1
      ? `${head}: no clear relation (R² = ${f.r2.toFixed(2)}, slope ${fmt(f.slope, 2)} decades per accuracy point).`
      : `${head}: ${dir} by ${fmt(Math.abs(f.slope) * 100, 2)}% of a decade per accuracy point), R² = ${f.r2.toFixed(2)}${f.r2 < 0.3 ? ' — a weak relation at this sample size' : ''}.`);
  }
  const lwModels = [...new Set(r.layerwise.map((x) => x.model))];
  for (const model of lwModels) {
    const rows = r.layerwise.filter((x) => x.model === model);
    const images = new Set(rows.map((x) => x.image)).size;
    const byKind = new Map<string, number>();
    for (const x of rows) byKind.set(x.kind, (byKind.get(x.kind) ?? 0) + x.projection / images);
    const total = [...byKind.values()].reduce((a, b) => a + b, 0);
    const [kind, value] = [...byKind].sort((a, b) => b[1] - a[1])[0];
    const role = r.layerwiseModels.find((m) => m.model === model)?.role ?? model;
    out.push(`Layer-wise (${r.meta.layerwiseGroup}), ${role} ${model}: ${kind} layers carry ${total > 0 ? pct(value / total) : 'n/a'} of ‖L f‖ (signed projections; Σ over layers = ‖L f‖ up to ${fmt(r.layerwiseModels.find((m) => m.model === model)?.telescopingError ?? NaN, 2)} relative).`);
  }
  const cnn = r.layerwiseModels.find((m) => m.role === 'CNN');
  const blur = r.layerwiseModels.find((m) => m.role === 'BlurPool CNN');
  if (cnn && blur) {
    const mean = (model: string) => {
      const s = r.summary.find((x) => x.model === model && x.group === r.meta.layerwiseGroup);
      return s?.meanLee;
    };
    const a = mean(cnn.model);
    const b = mean(blur.model);
    if (a !== undefined && b !== undefined) out.push(`BlurPool: ${blur.model} has ${b < a ? `${fmt(a / b, 2)}× lower` : `${fmt(b / a, 2)}× higher`} ${r.meta.layerwiseGroup} LEE than ${cnn.model} (${fmt(b)} vs ${fmt(a)}).`);
  }
  const hue = r.summary.filter((s) => s.group === 'hue' && isColourDataset(s.dataset));
  if (hue.length >= 1) {
    const parts = hue.map((s) => `${s.model} ${fmt(s.meanLee)} (test accuracy ${pct(s.accuracy)})`);
    let sentence = `Coloured MNIST, hue LEE: ${parts.join('; ')}.`;
    const random = hue.find((s) => s.dataset.endsWith('random-hue'));
    const label = hue.find((s) => s.dataset.endsWith('label-hue'));
    if (random && label) {
      sentence += random.meanLee < label.meanLee
        ? ` Trained where hue carries no label information, the model is ${fmt(label.meanLee / random.meanLee, 2)}× more hue-invariant than the one trained where hue predicts the digit.`
        : ` Unexpectedly, the model trained where hue predicts the digit is not less hue-invariant (${fmt(random.meanLee / label.meanLee, 2)}× ratio).`;
    }
    out.push(sentence);
  }
  return out;
}

/** The report's sections: setup, LEE per group, LEE vs accuracy, layer-wise, hue, findings. */
export function headlineSections(r: HeadlineResult): ReportSection[] {
  const m = r.meta;
  const sections: ReportSection[] = [];
  sections.push({
    title: 'Setup',
    text:
      `Lie derivative of each model's class probabilities along each group, reduced per image by the mean absolute value over classes (mean-abs of probs, as the paper's code), ` +
      `on ${m.images} test images of the dataset each model was trained on (the same seeded subset for every model), backend ${m.backend}, ${fmt(m.seconds, 3)} s. ` +
      `Image tangents use central differences (DESIGN §3); t is in normalized units (DESIGN §2).\n\n` +
      `Colour groups act trivially on grey digits (their LEE is exactly 0), so hue is shown for the Coloured MNIST models only.`,
    tables: [r.models.map((x) => ({ model: x.name, family: x.family, architecture: x.architecture, dataset: x.dataset, augmentation: x.augmentation.join(', '), epochs: x.epochs, 'test accuracy': x.testAccuracy, 'test images': x.testCount }))],
  });
  const perGroup = r.lee.filter(shown);
  sections.push({
    title: 'LEE per group per model',
    text: 'Bars: mean over images ± standard error (log scale). Table: mean LEE per model and group.',
    figures: perGroup.length ? [leeByGroup(perGroup as ModelLeeRow[])] : [],
    tables: [summaryPivot(r.summary.filter(shown))],
  });
  const accFigures = [];
  for (const f of r.fits) {
    const rows = r.lee.filter((x) => x.dataset === f.dataset && x.group === f.group);
    // leeVsAccuracy plots mean LEE per model on a log axis: a model with zero mean LEE can't be placed.
    const positive = new Set(r.summary.filter((s) => s.dataset === f.dataset && s.group === f.group && s.meanLee > 0).map((s) => s.model));
    accFigures.push(leeVsAccuracy(rows.filter((x) => positive.has(x.model)), { title: `LEE (${f.group}) vs test accuracy, ${f.dataset} models` }));
  }
  sections.push({
    title: 'LEE vs test accuracy (paper Figure 1, right)',
    text: r.fits.length
      ? 'One point per model (mean LEE over images); dashed: least-squares fit of log10 LEE against accuracy, with its R². Only models sharing a test set are compared.'
      : 'Needs at least three trained models on one dataset with different accuracies; not enough are trained yet.',
    figures: accFigures,
    tables: r.fits.length ? [r.fits.map((f) => ({ group: f.group, dataset: f.dataset, models: f.models, 'slope (log10 LEE per accuracy %)': f.slope, intercept: f.intercept, 'R²': f.r2 }))] : [],
  });
  if (r.layerwise.length) {
    sections.push({
      title: `Which layers break equivariance (${m.layerwiseGroup}, paper Figure 1, centre)`,
      text:
        `Layer-wise decomposition L f = Σ_i C_i (DESIGN §5) on ${m.layerwiseImages} images: cumulative share of ‖L f‖ along depth (signed projections ⟨C_i, L f⟩/‖L f‖, which add up exactly), and the same summed by layer kind. ` +
        `Models: ${r.layerwiseModels.map((x) => `${x.role} = ${x.model}`).join(', ')}.`,
      figures: [layerwiseCumulative(r.layerwise), layerwiseByKind(r.layerwise)],
      tables: [layerKindTable(r)],
    });
  }
  const hueRows = r.lee.filter((x) => x.group === 'hue' && isColourDataset(x.dataset));
  if (hueRows.length) {
    sections.push({
      title: 'Coloured MNIST: is hue invariance learned?',
      text: 'Hue LEE of the models trained on Coloured MNIST with a random hue per image (hue carries no label information) and with a hue that encodes the digit.',
      figures: [leeByGroup(hueRows, { logY: false, title: 'Hue LEE on Coloured MNIST (mean-abs of probs)' })],
      tables: [r.summary.filter((s) => s.group === 'hue' && isColourDataset(s.dataset)).map((s) => ({ model: s.model, dataset: s.dataset, 'test accuracy': s.accuracy, 'mean hue LEE': s.meanLee, 's.e.': s.seLee }))],
    });
  }
  sections.push({ title: 'What we found', text: headlineFindings(r).join('\n\n') || 'Too few trained models for comparisons.' });
  return sections;
}

function layerKindTable(r: HeadlineResult): Array<Record<string, string | number>> {
  const out: Array<Record<string, string | number>> = [];
  for (const model of [...new Set(r.layerwise.map((x) => x.model))]) {
    const rows = r.layerwise.filter((x) => x.model === model);
    const images = new Set(rows.map((x) => x.image)).size;
    const kinds = [...new Set(rows.map((x) => x.kind))];
    for (const kind of kinds) {
      const rs = rows.filter((x) => x.kind === kind);
      out.push({ model, kind, layers: new Set(rs.map((x) => x.index)).size, 'mean projection': rs.reduce((a, x) => a + x.projection, 0) / images, 'mean ‖C_i‖²': rs.reduce((a, x) => a + x.sqnorm, 0) / images });
    }
  }
  return out;
}

/** CSV files by name: per-image LEE, per-model summary, accuracy fits, layer-wise rows. */
export function headlineCsvs(r: HeadlineResult): Record<string, string> {
  return {
    'lee.csv': toCsv(r.lee, ['model', 'family', 'dataset', 'accuracy', 'image', 'label', 'group', 'output', 'reduction', 'lee']),
    'lee-summary.csv': toCsv(r.summary, ['model', 'family', 'dataset', 'accuracy', 'group', 'output', 'reduction', 'images', 'meanLee', 'seLee']),
    'accuracy-fit.csv': toCsv(r.fits, ['dataset', 'group', 'models', 'slope', 'intercept', 'r2']),
    'layerwise.csv': toCsv(r.layerwise, ['model', 'image', 'index', 'layer', 'kind', 'sqnorm', 'projection', 'defect', 'pushed']),
  };
}

/** A fixed-width table of mean LEE per model and group, for the terminal. */
export function headlineSummaryText(r: HeadlineResult): string {
  const groups = [...new Set(r.summary.map((s) => s.group))];
  const header = ['model', 'acc', ...groups];
  const body = [...new Set(r.summary.map((s) => s.model))].map((model) => {
    const ss = r.summary.filter((s) => s.model === model);
    return [model, pct(ss[0].accuracy), ...groups.map((g) => {
      const s = ss.find((x) => x.group === g);
      return !s ? '' : shown(s) ? s.meanLee.toExponential(2) : '(grey)';
    })];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`mean LEE (${r.meta.reduction} of ${r.meta.output}) on ${r.meta.images} test images per model`, line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}
