import { PNG } from 'pngjs';
import { InputError } from '../errors';
import { formatNumber } from './formatNumber';
import { escapeHtml } from './html';

/**
 * A picture to display: row-major pixels, channels last.
 * Convention: RGB (3) or RGBA (4) values in [0, 1] (clamped); one channel (or `as: 'heatmap'`)
 * is a heat map scaled to its own range; `as: 'signed-rgb'` maps each channel's [−m, m] to
 * [0, 1] with m = max |value| (a tangent image L x, DESIGN §3).
 */
export interface PlainImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: ArrayLike<number>;
}

/** A tf.Tensor of shape [H, W], [H, W, C] or [1, H, W, C], duck-typed so this file imports no tfjs. */
export interface TensorLike {
  shape: number[];
  dataSync(): ArrayLike<number>;
}

export type ImageMode = 'rgb' | 'heatmap' | 'signed-rgb';

export interface ImageCell {
  image: PlainImage | TensorLike;
  label?: string;
  /** Default: 'heatmap' for one channel, 'rgb' otherwise. */
  as?: ImageMode;
}

export interface ImageGrid {
  kind: 'image-grid';
  rows: Array<{ label?: string; cells: ImageCell[] }>;
  title?: string;
  /** Integer upscaling (nearest neighbour); default makes the largest side ≥ 96 px. */
  scale?: number;
}

/** Builds an ImageGrid (show() displays it): e.g. original, transformed at several t, tangent heat maps. */
export function imageGrid(
  rows: ImageGrid['rows'],
  { title, scale }: { title?: string; scale?: number } = {},
): ImageGrid {
  if (!Array.isArray(rows) || rows.length === 0) throw new InputError('imageGrid needs at least one row of cells');
  return { kind: 'image-grid', rows, title, scale };
}

export function isImageGrid(x: unknown): x is ImageGrid {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as ImageGrid).kind === 'image-grid' &&
    Array.isArray((x as ImageGrid).rows)
  );
}

/** Tensor or plain image → PlainImage (copies the pixels; never disposes the caller's tensor). */
export function toPlainImage(x: PlainImage | TensorLike): PlainImage {
  if ('dataSync' in x && typeof x.dataSync === 'function') {
    let shape = x.shape;
    if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
    if (shape.length === 2) shape = [...shape, 1];
    if (shape.length !== 3 || ![1, 3, 4].includes(shape[2])) {
      throw new InputError(
        `an image tensor must have shape [H, W], [H, W, C] or [1, H, W, C] with C in {1, 3, 4}, got [${x.shape.join(', ')}]`,
      );
    }
    return {
      height: shape[0],
      width: shape[1],
      channels: shape[2] as 1 | 3 | 4,
      data: Float32Array.from(x.dataSync()),
    };
  }
  const img = x as PlainImage;
  if (
    !(img.width > 0 && img.height > 0) ||
    ![1, 3, 4].includes(img.channels) ||
    img.data?.length !== img.width * img.height * img.channels
  ) {
    throw new InputError(
      `an image needs width·height·channels values with channels in {1, 3, 4}, got ${img.data?.length} for ${img.width}×${img.height}×${img.channels}`,
    );
  }
  return img;
}

/** Five-stop viridis, enough for a readable sequential map. */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

function viridis(s: number): [number, number, number] {
  const p = Math.min(Math.max(s, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(p), VIRIDIS.length - 2);
  const f = p - i;
  return [0, 1, 2].map((c) => Math.round(VIRIDIS[i][c] + f * (VIRIDIS[i + 1][c] - VIRIDIS[i][c]))) as [
    number,
    number,
    number,
  ];
}

/** Blue (−m) → white (0) → red (+m). */
function diverging(s: number): [number, number, number] {
  const t = Math.min(Math.max(s, -1), 1);
  const w = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? [255, w, w] : [w, w, 255];
}

/** What a heat map's colours mean, for the caption. */
export interface ColourRange {
  min: number;
  max: number;
  signed: boolean;
}

/** Pixels → RGBA bytes at `scale`× (nearest neighbour), plus the value range a heat map used. */
export function renderRgba(
  image: PlainImage,
  as: ImageMode,
  scale = 1,
): { width: number; height: number; rgba: Uint8Array; range?: ColourRange } {
  const { width, height, channels, data } = image;
  const W = width * scale;
  const H = height * scale;
  const rgba = new Uint8Array(W * H * 4);
  let range: ColourRange | undefined;
  const pixel: (i: number) => [number, number, number, number] = (() => {
    if (as === 'heatmap') {
      const v = new Float64Array(width * height);
      for (let i = 0; i < v.length; i++) {
        let s = 0;
        for (let c = 0; c < Math.min(channels, 3); c++) s += data[i * channels + c];
        v[i] = s / Math.min(channels, 3); // several channels: their mean
      }
      let min = Infinity;
      let max = -Infinity;
      for (const x of v)
        if (Number.isFinite(x)) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
      if (!Number.isFinite(min)) {
        min = 0;
        max = 0;
      }
      const signed = min < 0;
      range = { min, max, signed };
      const m = Math.max(Math.abs(min), Math.abs(max)) || 1;
      return (i) =>
        [...(signed ? diverging(v[i] / m) : viridis(max > min ? (v[i] - min) / (max - min) : 0)), 255] as [
          number,
          number,
          number,
          number,
        ];
    }
    if (as === 'signed-rgb') {
      let m = 0;
      for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i])) m = Math.max(m, Math.abs(data[i]));
      range = { min: -m, max: m, signed: true };
      const k = m || 1;
      const byte = (x: number) => Math.round(255 * Math.min(Math.max(0.5 + x / (2 * k), 0), 1));
      return (i) => [
        byte(data[i * channels]),
        byte(data[i * channels + Math.min(1, channels - 1)]),
        byte(data[i * channels + Math.min(2, channels - 1)]),
        255,
      ];
    }
    const byte = (x: number) => Math.round(255 * Math.min(Math.max(Number.isFinite(x) ? x : 0, 0), 1));
    return (i) => {
      const g = (c: number) => byte(data[i * channels + Math.min(c, channels - 1)]);
      return [g(0), g(1), g(2), channels === 4 ? g(3) : 255];
    };
  })();
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = pixel(Math.floor(y / scale) * width + Math.floor(x / scale));
      rgba.set(p, (y * W + x) * 4);
    }
  }
  return { width: W, height: H, rgba, range };
}

/** RGBA bytes → PNG file bytes (pngjs). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png);
}

function autoScale(grid: ImageGrid, images: PlainImage[]): number {
  if (grid.scale !== undefined) {
    if (!Number.isInteger(grid.scale) || grid.scale < 1)
      throw new InputError(`imageGrid scale must be a positive integer, got ${grid.scale}`);
    return grid.scale;
  }
  const largest = Math.max(...images.map((i) => Math.max(i.width, i.height)));
  return Math.max(1, Math.ceil(96 / largest));
}

function rangeText(r: ColourRange | undefined): string {
  if (!r) return '';
  return r.signed
    ? `±${formatNumber(Math.max(Math.abs(r.min), Math.abs(r.max)), 3)}`
    : `[${formatNumber(r.min, 3)}, ${formatNumber(r.max, 3)}]`;
}

/**
 * The grid as HTML (a table of PNG data URIs with labels and heat-map ranges), one composed PNG
 * of all cells (no labels), and a text summary.
 */
export function imageGridBundle(grid: ImageGrid): { html: string; png: Buffer; text: string } {
  const cells = grid.rows.map((row) =>
    row.cells.map((cell) => {
      const image = toPlainImage(cell.image);
      return { cell, image, as: cell.as ?? ((image.channels === 1 ? 'heatmap' : 'rgb') as ImageMode) };
    }),
  );
  const flat = cells.flat();
  if (flat.length === 0) throw new InputError('imageGrid has no images');
  const scale = autoScale(
    grid,
    flat.map((c) => c.image),
  );
  const rendered = cells.map((row) => row.map((c) => ({ ...c, out: renderRgba(c.image, c.as, scale) })));

  const pad = 4;
  const colW = Math.max(...rendered.flat().map((c) => c.out.width));
  const rowH = rendered.map((row) => Math.max(0, ...row.map((c) => c.out.height)));
  const nCols = Math.max(...rendered.map((r) => r.length));
  const W = nCols * (colW + pad) + pad;
  const H = rowH.reduce((a, h) => a + h + pad, pad);
  const canvas = new Uint8Array(W * H * 4).fill(255);
  let top = pad;
  rendered.forEach((row, r) => {
    row.forEach((c, k) => {
      const left = pad + k * (colW + pad);
      for (let y = 0; y < c.out.height; y++) {
        canvas.set(c.out.rgba.subarray(y * c.out.width * 4, (y + 1) * c.out.width * 4), ((top + y) * W + left) * 4);
      }
    });
    top += rowH[r] + pad;
  });
  const png = encodePng(W, H, canvas);

  const htmlRows = rendered.map((row, r) => {
    const label = grid.rows[r].label
      ? `<th style="text-align:right;padding-right:8px">${escapeHtml(grid.rows[r].label!)}</th>`
      : '';
    const tds = row.map((c) => {
      const uri = `data:image/png;base64,${encodePng(c.out.width, c.out.height, c.out.rgba).toString('base64')}`;
      const caption = [c.cell.label ?? '', rangeText(c.out.range)]
        .filter((s) => s !== '')
        .map(escapeHtml)
        .join('<br>');
      return `<td style="text-align:center;vertical-align:top;padding:2px"><img src="${uri}" width="${c.out.width}" height="${c.out.height}" style="image-rendering:pixelated" alt="${escapeHtml(c.cell.label ?? 'image')}"><div style="font-size:11px">${caption}</div></td>`;
    });
    return `<tr>${label}${tds.join('')}</tr>`;
  });
  const title = grid.title ? `<div style="font-weight:bold">${escapeHtml(grid.title)}</div>` : '';
  const html = `<div class="liederiv-image-grid">${title}<table>${htmlRows.join('\n')}</table></div>`;

  const sizes = [...new Set(flat.map((c) => `${c.image.width}×${c.image.height}`))].join(', ');
  const text = [
    `${grid.title ? `${grid.title}: ` : ''}image grid, ${grid.rows.length} row(s), ${flat.length} image(s) of ${sizes}`,
    ...rendered.map(
      (row, r) =>
        `  ${grid.rows[r].label ?? `row ${r + 1}`}: ${row.map((c) => `${c.cell.label ?? c.as}${c.out.range ? ` ${rangeText(c.out.range)}` : ''}`).join(' | ')}`,
    ),
  ].join('\n');
  return { html, png, text };
}
