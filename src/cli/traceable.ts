/**
 * What makes a `liederiv lee` row traceable to the researcher's files: the image's file name, its
 * label (class subfolder, or a `.labels.npy` companion of a `.npy`), the model's top-1 prediction,
 * what the run's t means in pixels and degrees, which images were resized, and a per-group summary
 * with bootstrap confidence intervals (src/stats/bootstrap.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { applyProgram, measuredModel, type ContractOptions } from '../jvp';
import { readNpy } from '../data/npy';
import { FileFormatError, LiederivError } from '../errors';
import { fromNormalized } from '../groups/units';
import type { ModelWrapper } from '../models/model';
import { mean, meanCI, median, type Interval } from '../stats/bootstrap';

/** `t = 1 ≙ 13.5 px (translate-x, W = 28), 13.5 px (translate-y, H = 28), 57.3° (rotate, hue)` for an H×W input (DESIGN §2). */
export function unitsLine(H: number, W: number): string {
  const px = (n: number) => `${Number(fromNormalized(1, 'pixels', n).toFixed(2))} px`;
  const deg = `${fromNormalized(1, 'degrees', 0).toFixed(1)}°`;
  const translate =
    H === W
      ? `${px(W)} (translate-x, translate-y; ${W - 1} px / 2)`
      : `${px(W)} (translate-x, W = ${W}), ${px(H)} (translate-y, H = ${H})`;
  return `t = 1 ≙ ${translate}, ${deg} (rotate, hue: radians); shear, stretch, scale, colour groups: dimensionless (normalized coordinates u, v ∈ [−1, 1])`;
}

/**
 * One line saying how many images were resized to the model's input, from which sizes (most
 * frequent first), or undefined when none was. Sizes are [height, width].
 */
export function resizeWarning(
  sourceSizes: ReadonlyArray<readonly [number, number]> | undefined,
  target: readonly [number, number],
  {
    centerCrop = true,
    to = "the model's",
    hint = 'LEE depends on resolution: measure at the size the model was trained on',
  } = {},
): string | undefined {
  if (!sourceSizes) return undefined;
  const [H, W] = target;
  const counts = new Map<string, number>();
  let aspect = 0;
  for (const [h, w] of sourceSizes) {
    if (h === H && w === W) continue;
    const key = `${w}×${h}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (Math.abs(h / w - H / W) > 1e-3) aspect++;
  }
  const resized = [...counts.values()].reduce((a, b) => a + b, 0);
  if (resized === 0) return undefined;
  const sizes = [...counts].sort((a, b) => b[1] - a[1]);
  const listed =
    sizes
      .slice(0, 4)
      .map(([k, n]) => `${k}${n > 1 ? ` (${n})` : ''}`)
      .join(', ') + (sizes.length > 4 ? `, ${sizes.length - 4} other sizes` : '');
  const how = aspect
    ? `; ${aspect} with another aspect ratio ${centerCrop ? 'were centre-cropped to it first' : 'were stretched'}`
    : '';
  return `warning: ${resized} of ${sourceSizes.length} images resized to ${to} ${W}×${H} (width×height) from ${listed}${how}${hint ? `. ${hint}` : ''}`;
}

/**
 * Labels of a `.npy` image file from its companion `<stem>.labels.npy` (or `<stem>_labels.npy`),
 * [N] class indices stored as uint8, float32 or float64; undefined when there is none.
 * A companion that exists but does not fit is an error naming it.
 */
export function npyCompanionLabels(npy: string, n: number): { file: string; labels: number[] } | undefined {
  const stem = npy.replace(/\.npy$/i, '');
  const file = [`${stem}.labels.npy`, `${stem}_labels.npy`].find((f) => fs.existsSync(f));
  if (!file) return undefined;
  const arr = readNpy(file);
  const labels = Array.from(arr.data);
  if (arr.shape.length !== 1 || arr.shape[0] !== n)
    throw labelsError(
      file,
      `has shape (${arr.shape.join(', ')}), expected (${n},): one class index per image of ${path.basename(npy)}`,
    );
  const bad = labels.findIndex((v) => !Number.isInteger(v) || v < 0);
  if (bad >= 0) throw labelsError(file, `entry ${bad} is ${labels[bad]}, expected a non-negative integer class index`);
  return { file, labels };
}

const labelsError = (file: string, what: string) =>
  new FileFormatError(file, `labels companion ${what}; fix it, or rename it so it is not read`);

/**
 * Top-1 class of `net ∘ preprocess` for images [start, start + count), named by `classNames`
 * where given, else the index. Undefined when the model's output is not class scores [B, K ≥ 2]
 * (an embedding or an image-like map has no top-1 class). Leaves no tensors behind.
 */
export function topOnePredictions(
  model: ModelWrapper,
  images: tf.Tensor4D,
  start: number,
  count: number,
  contract: ContractOptions = {},
): string[] | undefined {
  // Class scores are the measured model's logits (its own preprocessing, layout and channels);
  // a named tensor (an embedding, a feature map) has no top-1 class.
  if (contract.output !== undefined && contract.output !== 'probs' && contract.output !== 'logits') return undefined;
  const m = measuredModel(model, { ...contract, output: 'logits' }, [images.shape[1], images.shape[2]]);
  const idx = tf.tidy(() => {
    const y = applyProgram(m.program(images.shape[3] as 1 | 3), tf.slice(images, [start], [count]));
    if (y.rank !== 2 || y.shape[1]! < 2) return undefined;
    return tf.argMax(y, 1);
  });
  if (!idx) return undefined;
  const k = Array.from(idx.dataSync());
  idx.dispose();
  return k.map((c) => model.classNames?.[c] ?? String(c));
}

/** A CSV field: quoted (RFC 4180) when it holds a comma, quote or line break. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Splits one RFC 4180 CSV line (quoted fields with "" escapes). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new LiederivError(`unterminated quoted CSV field in '${line.slice(0, 80)}'`, 'E_FILE_FORMAT');
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

export interface SummaryRow {
  model: string;
  group: string;
  n: number;
  mean: number;
  median: number;
  /** Percentile-bootstrap 95% CI of the mean over images. */
  ci: Interval;
}

/** Per (model, group), in first-seen order: n, mean, median and the bootstrap 95% CI of the mean over images. */
export function summarize(rows: ReadonlyArray<{ model: string; group: string; lee: number }>): SummaryRow[] {
  const by = new Map<string, { model: string; group: string; values: number[] }>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.group}`;
    if (!by.has(key)) by.set(key, { model: r.model, group: r.group, values: [] });
    by.get(key)!.values.push(r.lee);
  }
  return [...by.values()].map(({ model, group, values }) => ({
    model,
    group,
    n: values.length,
    mean: mean(values),
    median: median(values),
    ci: meanCI(values),
  }));
}

const num = (x: number) =>
  x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? Number(x.toPrecision(3)).toString() : x.toExponential(2);

/** The summary as an aligned text table (a heading line naming the measure, then one line per model and group). */
export function summaryText(rows: SummaryRow[], measure: string): string {
  const header = ['model', 'group', 'n', 'mean', 'median', '95% CI of mean'];
  const body = rows.map((r) => [
    r.model,
    r.group,
    String(r.n),
    num(r.mean),
    num(r.median),
    `[${num(r.ci.lo)}, ${num(r.ci.hi)}]`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return (
    [
      `summary: ${measure} per image; 95% CI: percentile bootstrap over images (2000 resamples, seed 0)`,
      line(header),
      line(widths.map((w) => '-'.repeat(w))),
      ...body.map(line),
    ].join('\n') + '\n'
  );
}
