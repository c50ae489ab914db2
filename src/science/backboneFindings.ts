/**
 * Notebook 06's measurements and claims: the relative LEE ‖L f(x)‖ / ‖f(x)‖ of a backbone's pooled
 * features per photo and group, and which group the features are most / least invariant to, among
 * the spatial groups (per pixel of border displacement, src/science/scales.ts) and among the colour
 * groups (per unit t) — never across the two kinds. The claims are a pure function of the per-photo
 * values and of which photos are used, so test/science/findings.test.ts reruns them on other
 * subsets of the photos.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { getGroup } from '../groups';
import { lee } from '../lie/lee';
import { modelOutput } from '../lie/metrics/modelOutput';
import type { ModelWrapper } from '../models/model';
import { meanCI, medianCI, type Interval } from '../stats/bootstrap';
import { compareSamples, type Comparison } from './claims';
import { borderSpeed } from './scales';

export interface BackboneValues {
  groups: string[];
  /** Per group: one value per photo, relative LEE (÷ border speed for spatial groups). */
  perPhoto: Record<string, number[]>;
  /** The rows the notebook plots (raw relative LEE, not rescaled). */
  rows: Array<{ model: string; group: string; image: number; output: string; reduction: string; lee: number }>;
}

/** Measures every group on every photo (l2 of the feature Lie derivative over the feature norm). */
export async function backboneValues(
  backbone: ModelWrapper & { name: string; outputLayer: string },
  photos: { images: tf.Tensor4D; labels: number[] },
  groups: string[],
  batchSize = 4,
): Promise<BackboneValues> {
  const [, H, W] = photos.images.shape;
  const rows = await lee(backbone, photos, { groups, output: backbone.outputLayer, reduction: 'l2', batchSize });
  const fnorm = tf.tidy(() => tf.norm(modelOutput(backbone, photos.images, backbone.outputLayer), 2, 1));
  const norms = Array.from(await fnorm.data());
  fnorm.dispose();
  const rel = rows.map((r) => ({
    model: backbone.name,
    group: r.group,
    image: r.image,
    output: 'features',
    reduction: 'relative l2',
    lee: r.lee / norms[r.image],
  }));
  const perPhoto = Object.fromEntries(
    groups.map((g) => {
      const scale = getGroup(g).kind === 'spatial' ? borderSpeed(g, H, W) : 1;
      return [
        g,
        rel
          .filter((r) => r.group === g)
          .sort((a, b) => a.image - b.image)
          .map((r) => r.lee / scale),
      ];
    }),
  );
  return { groups, perPhoto, rows: rel };
}

export interface BackboneFindings {
  stats: Array<{ group: string; unit: string; mean: Interval; median: Interval; photos: number }>;
  /** Per kind (spatial, colour): the group with the highest mean vs the lowest, paired by photo. */
  comparisons: Array<{ kind: 'spatial' | 'colour'; comparison: Comparison }>;
  sentences: string[];
}

/** The claims on the photos `photos` (indices; default all) of `values`. */
export function backboneFindings(
  values: BackboneValues,
  { photos, seed = 0 }: { photos?: number[]; seed?: number } = {},
): BackboneFindings {
  const n = values.perPhoto[values.groups[0]].length;
  const idx = photos ?? Array.from({ length: n }, (_, i) => i);
  if (idx.length < 2 || idx.some((i) => !(Number.isInteger(i) && i >= 0 && i < n)))
    throw new InputError(`backboneFindings: photos must be ≥ 2 indices in [0, ${n}), got [${idx.join(', ')}]`);
  const pick = (g: string) => idx.map((i) => values.perPhoto[g][i]);
  const kindOf = (g: string) => (getGroup(g).kind === 'spatial' ? 'spatial' : 'colour');
  const stats = values.groups.map((g) => ({
    group: g,
    unit: kindOf(g) === 'spatial' ? 'per border px' : 'per unit t',
    mean: meanCI(pick(g), { seed }),
    median: medianCI(pick(g), { seed }),
    photos: idx.length,
  }));
  const comparisons: BackboneFindings['comparisons'] = [];
  const sentences: string[] = [];
  for (const kind of ['spatial', 'colour'] as const) {
    const ss = stats.filter((s) => kindOf(s.group) === kind).sort((a, b) => a.mean.estimate - b.mean.estimate);
    if (ss.length < 2) continue;
    const [lo, hi] = [ss[0], ss[ss.length - 1]];
    const c = compareSamples(
      pick(hi.group),
      pick(lo.group),
      { a: hi.group, b: lo.group, what: `relative feature LEE (${lo.unit})` },
      { paired: true, seed },
    );
    comparisons.push({ kind, comparison: c });
    sentences.push(`${kind === 'spatial' ? 'Spatial' : 'Colour'} groups: ${c.sentence}`);
  }
  return { stats, comparisons, sentences };
}
