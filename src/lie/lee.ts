import * as tf from '@tensorflow/tfjs';
import { assertFiniteRows, assertImages, assertPositiveInt } from '../checks';
import { checkName, InputError, UnsupportedLayerError } from '../errors';
import { GROUP_NAMES, type Group } from '../groups';
import type { ModelWrapper } from '../models/model';
import { fallbackText, measuredModel, methodSupport, workingFallbacks } from '../jvp';
import { asModelWrapper, contractOf, lieDerivative, type LieOptions } from './lieDerivative';
import { reduceAll, REDUCTIONS, type Reduction } from './reductions';

/** One result row: one image under one group (DESIGN §1), with every reduction. */
export interface LeeRow {
  image: number;
  label?: number;
  group: string;
  output: string;
  reduction: Reduction;
  /** The chosen reduction's value. */
  lee: number;
  'mean-abs': number;
  l2: number;
  'sq-l2': number;
  /** Mean of squares over the outputs: the paper's Eq. 4. */
  'mean-sq': number;
  /** The Lie derivative itself [K] (only with `vectors`). */
  lie?: number[];
}

export interface LeeOptions extends LieOptions {
  /** Groups by name or object, or 'all' (every spatial and colour group; the default). */
  groups?: Array<string | Group> | 'all';
  /** Which reduction fills `lee` (default 'mean-abs'); all three are in every row. */
  reduction?: Reduction;
  /** Images per batch (default 32). */
  batchSize?: number;
  /** Include the Lie derivative vectors in the rows. */
  vectors?: boolean;
  /** After each batch: images done so far, of the total. */
  onProgress?: (done: number, total: number) => void;
  /** The rows of each finished batch (for incremental output); awaited before the next batch. */
  onBatch?: (rows: LeeRow[], batchIndex: number) => void | Promise<void>;
  /** Skip batches before this index (resuming); their rows are not returned. */
  startBatch?: number;
}

export const DEFAULT_LEE_BATCH = 32;

/**
 * The local equivariance error of every image under every group, batch by batch (DESIGN §1).
 * Rows are image-major (each image's groups together), in image order.
 *
 * Convention:
 *  - data.images: [N, H, W, 3] float32 RGB in [0, 1]; data.labels: optional [N] class indices.
 *  - memory: holds one batch's tensors at a time and leaves none behind; returns plain rows.
 */
export async function lee(
  model: ModelWrapper | tf.LayersModel | tf.GraphModel,
  data: { images: tf.Tensor4D; labels?: number[] },
  opts: LeeOptions = {},
): Promise<LeeRow[]> {
  const images = data.images;
  assertImages(images, 'lee', 'data.images', [1, 3]); // once for the whole set: rank, channels, empty, range, NaN
  const N = images.shape[0];
  const startBatch = opts.startBatch ?? 0;
  if (!Number.isInteger(startBatch) || startBatch < 0)
    throw new InputError(`lee: startBatch must be a non-negative integer, got ${startBatch}`);
  if (data.labels && data.labels.length !== N)
    throw new InputError(`lee: ${data.labels.length} labels for ${N} images`);
  const reduction = checkName('reduction', opts.reduction ?? 'mean-abs', REDUCTIONS);
  const groups = opts.groups === undefined || opts.groups === 'all' ? [...GROUP_NAMES] : opts.groups;
  const batchSize = assertPositiveInt(opts.batchSize ?? DEFAULT_LEE_BATCH, 'batchSize');
  // The measured model is decided once (cached): its resolved output names the rows.
  const [, H, W] = images.shape;
  const m = measuredModel(asModelWrapper(model), contractOf(opts), [H, W]);
  const output = m.output.mode === 'tensor' ? m.output.tensor : m.output.mode;
  const batches = Math.ceil(N / batchSize);
  const rows: LeeRow[] = [];
  // A fallback engine asked for by name must run here, and give numbers tfjs is not known to get wrong.
  const method = opts.method ?? 'forward';
  if (method !== 'forward') {
    const support = await methodSupport(m.net, method);
    if (!support.ok) {
      throw new InputError(
        `lee: method '${method}' cannot measure model '${m.name}' on backend '${tf.getBackend()}': it needs ${support.missing.join('; ')}. ` +
          fallbackText(await workingFallbacks(m.net)),
      );
    }
  }
  for (let b = startBatch; b < batches; b++) {
    const start = b * batchSize;
    const n = Math.min(batchSize, N - start);
    const batch = images.slice([start, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D;
    let perGroup: Array<{ group: string; lie: tf.Tensor2D }> = [];
    const batchRows: LeeRow[] = [];
    try {
      try {
        perGroup = await lieDerivative(model, batch, groups, opts);
      } catch (err) {
        // Suggest only the fallbacks that were checked to run for this model here.
        if (err instanceof UnsupportedLayerError && method === 'forward')
          throw new UnsupportedLayerError(
            err.layerName,
            err.className,
            err.supported,
            err.kind,
            fallbackText(await workingFallbacks(m.net)),
          );
        throw err;
      }
      const host = await Promise.all(perGroup.map((r) => r.lie.data()));
      const K = perGroup[0].lie.shape[1];
      const reduced = host.map((vals) => reduceAll(vals, n, K));
      for (let i = 0; i < n; i++) {
        perGroup.forEach((r, g) => {
          const red = reduced[g];
          const row: LeeRow = {
            image: start + i,
            group: r.group,
            output,
            reduction,
            lee: red[reduction][i],
            'mean-abs': red['mean-abs'][i],
            l2: red.l2[i],
            'sq-l2': red['sq-l2'][i],
            'mean-sq': red['mean-sq'][i],
          };
          if (data.labels) row.label = data.labels[start + i];
          if (opts.vectors) row.lie = Array.from(host[g].subarray(i * K, (i + 1) * K));
          batchRows.push(row);
        });
      }
    } finally {
      batch.dispose();
      tf.dispose(perGroup.map((r) => r.lie));
    }
    assertFiniteRows(batchRows, ['lee'], 'lee', asModelWrapper(model).name);
    rows.push(...batchRows);
    if (opts.onBatch) await opts.onBatch(batchRows, b);
    opts.onProgress?.(start + n, N);
  }
  return rows;
}
