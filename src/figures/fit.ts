import { InputError } from '../errors';

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination 1 − SS_res / SS_tot of the fitted points. */
  r2: number;
}

/** Ordinary least squares y ≈ intercept + slope·x, in closed form. Needs ≥ 2 distinct x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit {
  if (xs.length !== ys.length || xs.length < 2)
    throw new InputError(`linearFit needs ≥ 2 paired points, got ${xs.length} x and ${ys.length} y`);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0) throw new InputError('linearFit needs at least two distinct x values');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  // SS_res = syy − slope·sxy for the least-squares line; a constant y fits perfectly.
  const r2 = syy === 0 ? 1 : 1 - (syy - slope * sxy) / syy;
  return { slope, intercept, r2 };
}
