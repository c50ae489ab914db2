/**
 * The one table of numerical tolerances for the tests (issue 20 item 4). Every bound a test checks a
 * computed number against lives here, named for what it bounds, with the reason it is what it is and
 * where it was measured. test/tolerances.test.ts fails on a tolerance literal anywhere else in test/.
 *
 * Reading an entry: "measured" is the largest error seen on this machine (2 shared cores, Node 20,
 * tfjs 4.22.0 cpu and wasm backends) when the entry was written; the bound leaves headroom for
 * other inputs and backends, not for a different algorithm.
 */
export const TOL = {
  // ── EQ-R (src/lie/metrics/eqR.ts) ────────────────────────────────────────────────────────────
  /**
   * EQ-R in dB: liederiv (float32, cpu and wasm) vs scripts/eqr/eqr_reference.py (float64 torch
   * grid_sample). The PSNR is −10·log10(MSE): a relative MSE error ε moves it by 4.34·ε dB; float32
   * outputs and bilinear weights give ε ≈ 1e-6…1e-5. Measured: ≤ 9e-7 dB, cpu and wasm (test/lie/metrics/eqR.test.ts).
   */
  eqrVsTorchDb: 1e-3,
  /** EQ-R per-angle squared-error sums, relative, same comparison as eqrVsTorchDb. Measured ≤ 3.9e-6 (wasm, softmax model). */
  eqrVsTorchSseRel: 1e-4,
  /**
   * EQ-R of the identity model at 90°/180° (exact pixel permutations) vs the MSE summed by hand in
   * float64 from the same float32 pixels: only the float32 tensor sum's round-off, relative. Measured ≤ 3.5e-7 (wasm).
   */
  eqrHandMseRel: 1e-5,
  /**
   * EQ-R at θ = 3e-3 vs 1e-3 rad must differ by 20·log10(3) dB (MSE ∝ θ²): the rotation's
   * second-order term is O(θ) relative (≈ 0.3 % in the MSE at 3e-3, 0.013 dB), float32 differences
   * of size θ·|∇x| ≈ 1e-4 add ~1e-3 relative. Measured 0.0128 dB (cpu and wasm, eqR.test.ts).
   */
  eqrSmallAngleScalingDb: 0.05,
  /**
   * mean-sq((R_θ x − R_−θ x)/2θ − L f) / mean-sq(L f) at θ = 1e-3 (bilinear rotation vs the central
   * Lie derivative of 'rotate'): exact for bilinear within a pixel but for the O(θ²) curvature of the
   * rotation; float32 rounding of a difference of size 2θ·|∇x| gives ~(6e-8/2e-4)² ≈ 1e-7. Measured 1.4e-6 (cpu and wasm).
   */
  rotationQuotientVsLeeRelSq: 1e-4,

  // ── Reductions and telescoping (src/lie/reductions.ts, src/lie/layerwise.ts) ───────────────────
  /**
   * Two numbers derived from one float64 sum (mean-sq = sq-l2/K) and printed at full precision
   * (shortest round-trip decimal): only the division's and the decimal round trip's ulp. Exact in
   * practice; the bound is a few ulp.
   */
  float64RoundOffRel: 1e-12,
  /**
   * A layer-wise task's Σ_i meanSqShare (one float32 walk) vs the LEE task's mean-sq of the same
   * image (another walk, other batching): the two float32 L f agree to ~1e-4 relative on MNIST CNNs
   * (the 1e-3 bound on Σ projection = ‖L f‖ in test/sweep/report.test.ts), squared doubles it.
   */
  layerwiseVsLeeTaskSqRel: 2e-3,
} as const;
