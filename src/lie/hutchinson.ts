/**
 * Hutchinson's estimator of squared norms, as the paper's layer-wise code uses it (DESIGN §5):
 * for z ~ N(0, I_K), E_z (zᵀc)² = cᵀ E[zzᵀ] c = ‖c‖², so the mean of (zᵀc)² over P probes is an
 * unbiased estimate with relative standard deviation √(2/P) (a χ²₁ variable has variance 2).
 */
import { assertPositiveInt } from '../checks';
import { InputError } from '../errors';
import { mulberry32 } from '../data/rng';

export interface HutchinsonOptions {
  /** Number of random probe vectors P (≥ 1). */
  probes: number;
  /** Seed of the probes (default 0): the same seed gives the same estimates. */
  seed?: number;
}

/** `count` standard normal numbers (Box–Muller on a seeded mulberry32 stream). */
export function gaussianProbes(count: number, seed = 0): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = 1 - rand(); // in (0, 1]: log(u1) is finite
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * rand();
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/**
 * Hutchinson estimates of ‖C_l[n]‖² for every layer l and image n.
 *
 * Convention:
 *  - contribs: host values of C, row-major [L, N, K] (layer, image, output component).
 *  - returns Float64Array [L, N] (row-major). Probe p for image n is the same vector for every
 *    layer, as one reverse sweep per probe gives zᵀJ_{>l} for all layers at once.
 */
export function hutchinsonSqNorms(
  contribs: ArrayLike<number>,
  shape: [number, number, number],
  opts: HutchinsonOptions,
): Float64Array {
  const [L, N, K] = shape;
  const P = assertPositiveInt(opts.probes, 'probes');
  if (contribs.length !== L * N * K)
    throw new InputError(
      `hutchinsonSqNorms: expected ${L}·${N}·${K} = ${L * N * K} values for shape [L, N, K] = [${shape.join(', ')}], got ${contribs.length}`,
    );
  const z = gaussianProbes(P * N * K, opts.seed ?? 0); // [P, N, K]
  const out = new Float64Array(L * N);
  for (let l = 0; l < L; l++) {
    for (let n = 0; n < N; n++) {
      const c = (l * N + n) * K;
      let sum = 0;
      for (let p = 0; p < P; p++) {
        const zp = (p * N + n) * K;
        let dot = 0;
        for (let j = 0; j < K; j++) dot += z[zp + j] * contribs[c + j];
        sum += dot * dot;
      }
      out[l * N + n] = sum / P;
    }
  }
  return out;
}
