/**
 * The headline result → report sections (figures, tables, sentences computed from the numbers),
 * CSV files and the terminal summary. Pure: no tensors, no I/O.
 */
import { layerwiseByKind } from '../figures/layerwiseByKind';
import { layerwiseCumulative } from '../figures/layerwiseCumulative';
import { leeByGroup } from '../figures/leeByGroup';
import { leeVsAccuracy } from '../figures/leeVsAccuracy';
import { COLOR_GROUP_NAMES } from '../groups';
import { fromNormalized } from '../groups/units';
import { compareMeans, formatInterval, meanCI, verdict } from '../stats/bootstrap';
import { toCsv } from './csv';
import type { HeadlineResult, ModelGroupSummary, ModelLeeRow } from './headline';
import type { ReportSection } from './reportHtml';

const fmt = (x: number, digits = 3) =>
  x === 0
    ? '0'
    : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4
      ? Number(x.toPrecision(digits)).toString()
      : x.toExponential(digits - 1);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const isColourGroup = (g: string) => (COLOR_GROUP_NAMES as readonly string[]).includes(g);
/** Colour groups act trivially on grey images (their LEE is exactly 0): only coloured datasets show them. */
const isColourDataset = (d: string) => d.startsWith('colored');
const shown = (r: { group: string; dataset: string }) => !isColourGroup(r.group) || isColourDataset(r.dataset);

/** Input size of the report's models (all bundled datasets are 28×28). */
const unitsSize = (r: HeadlineResult) => {
  const [h, w] = inputSizeOf(r);
  return `${w}×${h}`;
};
const inputSizeOf = (r: HeadlineResult): [number, number] =>
  (r.models[0] as { inputSize?: [number, number] } | undefined)?.inputSize ?? [28, 28];
const unitsText = (r: HeadlineResult) => {
  const [h, w] = inputSizeOf(r);
  const px = (n: number) => `${Number(fromNormalized(1, 'pixels', n).toFixed(2))} px`;
  return `${h === w ? px(w) : `${px(w)} (x), ${px(h)} (y)`} for translations and ${fromNormalized(1, 'degrees', 0).toFixed(1)}° (1 radian) for rotate and hue`;
};

/** Models × groups pivot of the mean LEE, with accuracy, for tables and the terminal. */
export function summaryPivot(
  summary: ModelGroupSummary[],
  measure: 'lee' | 'mean-sq' = 'lee',
): Array<Record<string, string | number>> {
  const groups = [...new Set(summary.map((s) => s.group))];
  const models = [...new Set(summary.map((s) => s.model))];
  return models.map((model) => {
    const ss = summary.filter((s) => s.model === model);
    const row: Record<string, string | number> = { model, dataset: ss[0].dataset, 'test accuracy': ss[0].accuracy };
    for (const g of groups) {
      const s = ss.find((x) => x.group === g);
      // A no-break space inside the interval: a narrow column wraps only between the mean and its CI.
      // Plain decimals (JS uses an exponent only below 1e-6): "3.5e-4" would break at its hyphen.
      const d = (x: number, n: number) => Number(x.toPrecision(n)).toString();
      const [mean, lo, hi] = !s
        ? []
        : measure === 'lee'
          ? [s.meanLee, s.ciLo, s.ciHi]
          : [s.meanSqLee, s.meanSqCiLo, s.meanSqCiHi];
      row[g] = s ? `${d(mean!, 3)} [${d(lo!, 2)},\u00a0${d(hi!, 2)}]` : '';
    }
    return row;
  });
}

const ci = (s: ModelGroupSummary) => `${fmt(s.meanLee)} [${fmt(s.ciLo)}, ${fmt(s.ciHi)}]`;

/** Per-image LEE of one model under one group, keyed by image index. */
function perImage(r: HeadlineResult, model: string, group: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const x of r.lee) if (x.model === model && x.group === group) out.set(x.image, x.lee);
  return out;
}

/**
 * "a vs b" as a bootstrap comparison of means over images (src/stats/bootstrap.ts): paired when
 * both models saw the same images (same dataset, same indices), else unpaired. A difference is
 * claimed only when the 95% CI of mean(a) − mean(b) excludes zero.
 */
export function compareModels(
  r: HeadlineResult,
  a: string,
  b: string,
  group: string,
): { text: string; verdict: ReturnType<typeof verdict>; paired: boolean } {
  const va = perImage(r, a, group);
  const vb = perImage(r, b, group);
  const da = r.summary.find((s) => s.model === a)?.dataset;
  const db = r.summary.find((s) => s.model === b)?.dataset;
  const paired = da === db && va.size === vb.size && [...va.keys()].every((k) => vb.has(k));
  const keys = [...va.keys()].sort((x, y) => x - y);
  const xa = paired ? keys.map((k) => va.get(k)!) : [...va.values()];
  const xb = paired ? keys.map((k) => vb.get(k)!) : [...vb.values()];
  const c = compareMeans(xa, xb, { paired });
  const v = verdict(c.diff);
  const how = paired
    ? `paired bootstrap over the same ${xa.length} images`
    : `unpaired bootstrap, ${xa.length} and ${xb.length} images of different test sets`;
  const diff = `difference ${formatInterval(c.diff)}${mb(c) ? `, ratio ${formatInterval(c.ratio)}` : ''} (${how}, 95% CI)`;
  const text =
    v === 'no difference shown'
      ? `no difference shown: ${diff} includes 0`
      : `${a} is ${v} than ${b}: ${diff} excludes 0`;
  return { text, verdict: v, paired };
}

/** The ratio is only meaningful when b's mean is clearly positive. */
const mb = (c: ReturnType<typeof compareMeans>) =>
  Number.isFinite(c.ratio.lo) && Number.isFinite(c.ratio.hi) && c.ratio.lo > 0;

/**
 * Sentences stating what the numbers show, each comparison with its bootstrap CI over images
 * (nothing here is hard-coded but the wording). Models are ranked only against models evaluated
 * on the same dataset; colour groups only on colour datasets (they act trivially on grey digits).
 */
export function headlineFindings(r: HeadlineResult): string[] {
  const out: string[] = [];
  for (const dataset of [...new Set(r.summary.map((s) => s.dataset))]) {
    for (const g of [...new Set(r.summary.filter((s) => s.dataset === dataset).map((s) => s.group))]) {
      if (isColourGroup(g) && !isColourDataset(dataset)) continue;
      const ss = r.summary.filter((s) => s.dataset === dataset && s.group === g).sort((a, b) => a.meanLee - b.meanLee);
      if (ss.length < 2) continue;
      const lo = ss[0];
      const hi = ss[ss.length - 1];
      const cmp = compareModels(r, hi.model, lo.model, g);
      out.push(
        `${g} on ${dataset} (${ss.length} models, mean LEE [95% CI]): lowest ${lo.model} ${ci(lo)}, highest ${hi.model} ${ci(hi)}; ${cmp.text}.`,
      );
    }
  }
  for (const f of r.fits) {
    const dir =
      f.slope < 0
        ? 'more accurate models have lower LEE (log10 LEE falls'
        : 'more accurate models have higher LEE (log10 LEE rises';
    const head = `LEE vs accuracy on ${f.dataset}, ${f.group}, ${f.models} models (a fit across models; no CI, so read it as a trend)`;
    out.push(
      f.r2 < 0.1
        ? `${head}: no clear relation (R² = ${f.r2.toFixed(2)}, slope ${fmt(f.slope, 2)} decades per accuracy point).`
        : `${head}: ${dir} by ${fmt(Math.abs(f.slope), 2)} per accuracy point), R² = ${f.r2.toFixed(2)}${f.r2 < 0.3 ? ' — a weak relation at this sample size' : ''}.`,
    );
  }
  const lwModels = [...new Set(r.layerwise.map((x) => x.model))];
  for (const model of lwModels) {
    const rows = r.layerwise.filter((x) => x.model === model);
    const images = [...new Set(rows.map((x) => x.image))];
    const kinds = [...new Set(rows.map((x) => x.kind))];
    // Per image, each kind's summed projection: a mean over images with a bootstrap CI.
    const perKind = kinds.map((kind) => ({
      kind,
      values: images.map((im) =>
        rows.filter((x) => x.image === im && x.kind === kind).reduce((a, x) => a + x.projection, 0),
      ),
    }));
    const totals = images.map((im) => rows.filter((x) => x.image === im).reduce((a, x) => a + x.projection, 0));
    const total = totals.reduce((a, b) => a + b, 0) / images.length;
    const top = perKind
      .map((k) => ({ ...k, mean: k.values.reduce((a, b) => a + b, 0) / images.length }))
      .sort((a, b) => b.mean - a.mean)[0];
    const role = r.layerwiseModels.find((m) => m.model === model)?.role ?? model;
    const kci = images.length > 1 ? meanCI(top.values) : undefined;
    const telescoping = fmt(r.layerwiseModels.find((m) => m.model === model)?.telescopingError ?? NaN, 2);
    const unclear = kci && kci.lo <= 0 ? '; its CI includes 0, so these images do not show a clear contribution' : '';
    out.push(
      `Layer-wise (${r.meta.layerwiseGroup}), ${role} ${model}, ${images.length} images: the largest mean contribution is from ${top.kind} layers, projection ${kci ? `${formatInterval(kci)} (95% CI over images)` : fmt(top.mean)} of ‖L f‖ = ${fmt(total)} (${total > 0 ? pct(top.mean / total) : 'n/a'}${unclear}; signed projections, Σ over layers = ‖L f‖ up to ${telescoping} relative).`,
    );
  }
  const cnn = r.layerwiseModels.find((m) => m.role === 'CNN');
  const blur = r.layerwiseModels.find((m) => m.role === 'BlurPool CNN');
  const g = r.meta.layerwiseGroup;
  if (
    cnn &&
    blur &&
    r.summary.some((s) => s.model === cnn.model && s.group === g) &&
    r.summary.some((s) => s.model === blur.model && s.group === g)
  ) {
    const s = (m: string) => r.summary.find((x) => x.model === m && x.group === g)!;
    out.push(
      `BlurPool, ${g}: ${blur.model} ${ci(s(blur.model))} vs ${cnn.model} ${ci(s(cnn.model))}; ${compareModels(r, blur.model, cnn.model, g).text}.`,
    );
  }
  const random = r.summary.find((s) => s.group === 'hue' && s.dataset.endsWith('random-hue'));
  const label = r.summary.find((s) => s.group === 'hue' && s.dataset.endsWith('label-hue'));
  if (random && label) {
    const cmp = compareModels(r, random.model, label.model, 'hue');
    const meaning =
      cmp.verdict === 'lower'
        ? ' Trained where hue carries no label information, the model is more hue-invariant than the one trained where hue predicts the digit.'
        : cmp.verdict === 'higher'
          ? ' Unexpectedly, the model trained with random hues is less hue-invariant.'
          : ' These images show no difference in hue LEE between the two (which is not evidence that there is none).';
    out.push(
      `Coloured MNIST (colour images only), hue LEE: ${random.model} ${ci(random)} (random hue, test accuracy ${pct(random.accuracy)}) vs ${label.model} ${ci(label)} (hue encodes the digit, ${pct(label.accuracy)}); each on its own test set; ${cmp.text}.${meaning}`,
    );
  } else {
    for (const s of r.summary.filter((x) => x.group === 'hue' && isColourDataset(x.dataset)))
      out.push(
        `Coloured MNIST (colour images only), hue LEE of ${s.model}: ${ci(s)} (test accuracy ${pct(s.accuracy)}).`,
      );
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
      `Image tangents use central differences (DESIGN §3). Units: t is normalized (DESIGN §2) — for these ${unitsSize(r)} images t = 1 ≙ ${unitsText(r)}; LEE is per unit of t.\n\n` +
      `Colour groups act trivially on grey digits (their LEE is exactly 0), so hue is shown for the Coloured MNIST models only.`,
    tables: [
      r.models.map((x) => ({
        model: x.name,
        family: x.family,
        architecture: x.architecture,
        dataset: x.dataset,
        augmentation: x.augmentation.join(', '),
        epochs: x.epochs,
        'test accuracy': x.testAccuracy,
        'test images': x.testCount,
      })),
    ],
  });
  const perGroup = r.lee.filter(shown);
  sections.push({
    title: 'LEE per group per model',
    text: "Bars: mean over images with its 95% bootstrap confidence interval (percentile, 2000 resamples; log scale, ticks at full values). Table: mean LEE [95% CI] per model and group. Second table: the same images under mean-sq, the mean over classes of (L f)², which is the paper's Eq. 4 (its code reports mean-abs; DESIGN §1) — squaring weights the images and classes with large derivatives more, so the two can rank models differently. Each model is measured on test images of its own dataset: the Coloured MNIST bars are not comparable with the MNIST ones, and the findings compare models only within a dataset.",
    figures: perGroup.length ? [leeByGroup(perGroup as ModelLeeRow[])] : [],
    tables: [
      summaryPivot(r.summary.filter(shown)),
      ...(r.summary.some((s) => Number.isFinite(s.meanSqLee))
        ? [summaryPivot(r.summary.filter(shown), 'mean-sq')]
        : []),
    ],
  });
  const accFigures = [];
  for (const f of r.fits) {
    const rows = r.lee.filter((x) => x.dataset === f.dataset && x.group === f.group);
    // leeVsAccuracy plots mean LEE per model on a log axis: a model with zero mean LEE can't be placed.
    const positive = new Set(
      r.summary.filter((s) => s.dataset === f.dataset && s.group === f.group && s.meanLee > 0).map((s) => s.model),
    );
    accFigures.push(
      leeVsAccuracy(
        rows.filter((x) => positive.has(x.model)),
        { title: `LEE (${f.group}) vs test accuracy, ${f.dataset} models` },
      ),
    );
  }
  sections.push({
    title: 'LEE vs test accuracy (paper Figure 1, right)',
    text: r.fits.length
      ? 'One point per model (mean LEE over images); dashed: least-squares fit of log10 LEE against accuracy, with its R². Only models sharing a test set are compared.'
      : 'Needs at least three trained models on one dataset with different accuracies; not enough are trained yet.',
    figures: accFigures,
    tables: r.fits.length
      ? [
          r.fits.map((f) => ({
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
      tables: [
        r.summary
          .filter((s) => s.group === 'hue' && isColourDataset(s.dataset))
          .map((s) => ({
            model: s.model,
            dataset: s.dataset,
            'test accuracy': s.accuracy,
            'mean hue LEE': s.meanLee,
            '95% CI': `[${fmt(s.ciLo)}, ${fmt(s.ciHi)}]`,
            images: s.images,
          })),
      ],
    });
  }
  sections.push({
    title: 'What we found',
    text: headlineFindings(r).join('\n\n') || 'Too few trained models for comparisons.',
  });
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
      out.push({
        model,
        kind,
        layers: new Set(rs.map((x) => x.index)).size,
        'mean projection': rs.reduce((a, x) => a + x.projection, 0) / images,
        'mean ‖C_i‖²': rs.reduce((a, x) => a + x.sqnorm, 0) / images,
      });
    }
  }
  return out;
}

/** CSV files by name: per-image LEE, per-model summary, accuracy fits, layer-wise rows. */
export function headlineCsvs(r: HeadlineResult): Record<string, string> {
  return {
    'lee.csv': toCsv(r.lee, [
      'model',
      'family',
      'dataset',
      'accuracy',
      'image',
      'label',
      'group',
      'output',
      'reduction',
      'lee',
      'meanSq',
    ]),
    'lee-summary.csv': toCsv(r.summary, [
      'model',
      'family',
      'dataset',
      'accuracy',
      'group',
      'output',
      'reduction',
      'images',
      'meanLee',
      'seLee',
      'ciLo',
      'ciHi',
      'meanSqLee',
      'meanSqCiLo',
      'meanSqCiHi',
    ]),
    'accuracy-fit.csv': toCsv(r.fits, ['dataset', 'group', 'models', 'slope', 'intercept', 'r2']),
    'layerwise.csv': toCsv(r.layerwise, [
      'model',
      'image',
      'index',
      'layer',
      'kind',
      'sqnorm',
      'projection',
      'meanSq',
      'meanSqShare',
      'defect',
      'pushed',
    ]),
  };
}

/** A fixed-width table of mean LEE per model and group, for the terminal. */
export function headlineSummaryText(r: HeadlineResult): string {
  const groups = [...new Set(r.summary.map((s) => s.group))];
  const header = ['model', 'acc', ...groups];
  const body = [...new Set(r.summary.map((s) => s.model))].map((model) => {
    const ss = r.summary.filter((s) => s.model === model);
    return [
      model,
      pct(ss[0].accuracy),
      ...groups.map((g) => {
        const s = ss.find((x) => x.group === g);
        return !s ? '' : shown(s) ? s.meanLee.toExponential(2) : '(grey)';
      }),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return (
    [
      `mean LEE (${r.meta.reduction} of ${r.meta.output}) on ${r.meta.images} test images per model (bootstrap 95% CIs: lee-summary.csv and the report)`,
      line(header),
      line(widths.map((w) => '-'.repeat(w))),
      ...body.map(line),
    ].join('\n') + '\n'
  );
}
