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
  // ── Floating-point arithmetic: what one computation's round-off allows ──────────────────────────
  // Inherited values: these bounds were set by the tests' authors before this table; where a test's
  // own comment gave a measurement it is quoted, otherwise "not re-measured" says so. The grouping
  // is by the error source the bound covers, so a reader can check a new use against the reason.
  /** float64 closed forms (fits, bootstrap on fixed data, flows, unit round trips, CSV round trips): a few ulp of 1e-16 over ≤ 1e3 terms. Not re-measured (exact in practice). */
  float64ClosedForm: 1e-12,
  /** float64 results of a handful of operations compared with the same formula (standard error, commutator entries, a schedule's last rate). Not re-measured. */
  float64FewOps: 1e-15,
  /** float64 least-squares intercept on exact power-law data (test/report/headline.test.ts): the intercept is extrapolated to accuracy 0, which amplifies round-off ~100×. Not re-measured. */
  float64ClosedFormLoose: 1e-10,
  /** float64 means and ratios of decimal data (10.99, 1000/10.99, border speeds; test/science/claims.test.ts): decimal inputs are not exact binary. Not re-measured. */
  float64Accumulated: 1e-9,
  /** Central difference of expm(tG) in float64 at a small step vs the generator G (test/groups/generators.test.ts): O(h²) truncation plus ε/h cancellation. Not re-measured. */
  float64CentralDifference: 1e-8,
  /** A zero guard added to a relative bound's denominator (values that may be exactly 0): not a tolerance on a difference. */
  zeroGuard: 1e-12,
  /** float32: one or two roundings (a ratio, an exact-in-real-arithmetic tangent), relative; float32 ε = 6e-8. */
  float32Ulp: 1e-7,
  /** float32 vs float64 evaluation of the same short formula (resampling weights, colour maps, a decoded pixel, one layer), relative or absolute on O(1) values: ~10 roundings. Comments at the sites measure 3 ulp … 2e-7. */
  float32FewOps: 1e-6,
  /** float32 over all groups of the reference tangents at once (test/groups/referenceTangents.test.ts): the largest of many few-op errors. Not re-measured. */
  float32FewOpsAllGroups: 5e-6,
  /** An absolute floor beside a relative bound on float32 values that may be ~0 (bench JSON, test/bench/bench.test.ts). */
  absFloorFloat32: 1e-6,
  /** The same float32 computation in another order, batching, chunking, engine or kernel (together vs alone, stacked directions, double-vjp vs forward, wasm threads): reassociation of sums of O(100) terms. Not re-measured in bulk. */
  float32Reordered: 1e-5,
  /** float32 quantities through a whole network or a long chain compared with an independent float32 computation (FD/quotient limits on linear models, sample invariance's closed form, the bench's two engines). Not re-measured. */
  float32DeepRel: 1e-4,

  // ── The paper's quantities against independent oracles ───────────────────────────────────────
  /**
   * float32 JVP (forward engine, double-vjp, GraphModel rules) vs the float64 / reverse-mode oracle
   * (tf.grad on cpu dotted with the tangent, ⟨u, Jv⟩ = ⟨Jᵀu, v⟩, third-party models in conformance).
   * Deep nets accumulate ~1e-6 relative per layer; measured ≤ 2e-5 on the zoo (docs/CONFORMANCE.md
   * runs at 1e-3 for third-party models).
   */
  jvpVsOracle: 1e-4,
  /** The JVP vs the reverse-mode oracle on NCHW-adapted inputs (test/jvp/measured.test.ts): the layout adapter adds a transpose and a second float32 walk. Not re-measured. */
  jvpVsOracleNchw: 1e-3,
  /** Absolute floor beside a relative LEE bound (Σ projection vs ‖L f‖ for an image whose L f may be ~0). */
  absFloorLee: 1e-9,
  /**
   * liederiv's LEE vs numbers computed with the paper's code (test/fixtures/reference, README's
   * values, cli metric_trans_x): float32 on both sides, different summation orders and softmax forms.
   * Measured ~1e-6 … 2e-5 when the fixtures were made.
   */
  papersCodeParity: 1e-4,
  /** Σ_i C_i = L f (layer-wise telescoping), relative: both sides float32 walks summing the same terms in another order; measured 2e-7 … 2e-6 on cpu and wasm (test/lie/layerwise.test.ts). */
  telescopingSum: 1e-4,
  /** Σ projection of a layer-wise sweep task vs ‖L f‖ from the LEE task (two walks, other batching), test/sweep/report.test.ts. Not re-measured. */
  layerwiseVsLeeTaskRel: 1e-3,
  /** The same measurement on wasm and on cpu (test/reliability/determinism.test.ts): different kernels (SIMD, FMA) through a whole network. Not re-measured. */
  wasmVsCpu: 1e-4,
  /** A float32 LEE pinned to the value recorded when the Keras-3 fixture was made (test/models/keras3.test.ts): same backend, same kernels, so bit-for-bit up to printing. */
  pinnedFloat32Value: 1e-9,

  // ── Finite differences at step h (test/helpers/jvpCheck.ts, assertGraphJvp) ──────────────────
  /** Step for linear ops (conv, matmul, pooling by averaging, shape ops): FD is exact up to round-off, so a large step keeps cancellation small. */
  fdStepLinear: 1e-2,
  /** Step for non-linear and kinked ops: small enough that O(h²) curvature (smooth) or crossing a kink (ReLU, max) stays below the tolerance. */
  fdStepSmooth: 1e-3,
  /** FD vs JVP, relative, for linear ops at fdStepLinear and smooth ops at fdStepSmooth: float32 cancellation ε/h ≈ 6e-5 … 6e-4. */
  fdRel: 1e-3,
  /** FD vs JVP for non-linear rules (softmax, attention, fused activations): curvature O(h²) plus cancellation. Not re-measured. */
  fdRelNonlinear: 2e-3,
  /** FD vs JVP for BlurPool (a linear layer) at fdStepLinear (test/jvp/rules/layers/custom/blurPool2d.test.ts). Not re-measured. */
  fdRelLinear: 1e-4,
  /** FD vs JVP through a whole zoo model, logits (test/jvp/layersModel.test.ts FD_TOL). Not re-measured. */
  fdRelDeepNet: 5e-3,
  /** FD vs JVP through a whole model on probabilities (test/jvp/layersModel.test.ts): softmax saturates, so the FD difference is tiny and cancellation dominates. Not re-measured. */
  fdRelDeepNetProbs: 5e-2,
  /** method 'fd' (its own step) vs the forward engine, per image LEE (test/jvp/methodSupport.test.ts): FD truncation at the CLI's default step. Not re-measured. */
  fdMethodVsForward: 0.05,

  // ── Image tangents and finite transformations (src/groups) ───────────────────────────────────
  /** Bilinear resampling vs the exact flow on a smooth image (test/groups/apply.test.ts): interpolation error O(pixel²·curvature). Not re-measured. */
  bilinearVsExactFlow: 1e-2,
  /** Discrete image tangent vs the analytic one on smooth images (central differences: O(pixel²) truncation). Not re-measured. */
  discreteTangentSmoothImage: 2e-3,
  /** The finest grid's discrete-tangent error in the convergence test (test/groups/tangent.test.ts). Not re-measured. */
  discreteTangentFinestGrid: 0.02,
  /** Colour-group tangents vs their quotient limit (exact maps, float32 only) in the convergence test. Not re-measured. */
  colourTangentVsQuotient: 1e-4,
  /** The one-sided quotient of translate-x vs the forward-difference tangent at small t (bilinear is linear within a pixel). Not re-measured. */
  oneSidedQuotientVsForward: 1e-3,
  /** A value quoted to 3 significant digits in test/fixtures/cases/README.md. */
  casesReadme3Digits: 1e-3,
  /** A value quoted to 2 significant digits in test/fixtures/cases/README.md. */
  casesReadme2Digits: 2e-4,
  /** EQ-T of the identity model vs PSNR summed over the pixels by hand, dB (test/lie/metrics/metrics.test.ts): float32 MSE, 4.34·ε dB. Not re-measured. */
  eqtVsPixelLoopsDb: 1e-3,

  // ── Sensitivity: differences a test requires to be large (the test could fail) ─────────────────
  /** Two things that must differ (probs vs logits, one-sided vs central, half-pixel vs legacy resize), relative: they differ by O(0.1…1). */
  mustDiffer: 1e-2,
  /** As mustDiffer where the expected difference is smaller (a perturbed component, a naive softmax tangent, align-corners resize). */
  mustDifferSmall: 1e-3,
  /** As mustDiffer for the forward vs central tangent of translate-x (differ by O(1) on pixel-scale content). */
  mustDifferLarge: 0.05,
  /** The conformance harness's score of an answer 10% off must be 0.1 (test/conformance/harness.test.ts): float32 relative error of that answer. */
  relErrorScoreAbs: 1e-3,

  // ── Data and statistics ──────────────────────────────────────────────────────────────────────
  /** A decoded JPEG's red channel vs the PNG's 250/255 (test/data/imageFolder.test.ts): JPEG quantisation. */
  jpegRedChannel: 0.02,
  /** A decoded JPEG's green channel in a pure-red image: chroma subsampling bleeds a little. */
  jpegGreenLeak: 0.07,
  /** Mean of N(0, 1) Hutchinson probes (test/lie/hutchinson.test.ts): about 3.5 standard errors at the test's sample size. */
  gaussianProbeMean: 0.012,
  /** Variance of N(0, 1) Hutchinson probes: about 3.5 standard errors at the test's sample size. */
  gaussianProbeVariance: 0.016,
  /** A trained model's recomputed test accuracy vs the manifest (test/models/trained.test.ts): backend differences flip a few borderline images. */
  manifestAccuracy: 0.005,
  /** The cosine schedule's last-but-one rate must be near 0 (test/models/train.test.ts): 1e-3·(1 − cos(π/10))/2 = 2.4e-5. */
  cosineScheduleEnd: 3e-5,
  /** The paired bootstrap interval's width on the test's synthetic pairs (test/stats/bootstrap.test.ts). */
  pairedBootstrapWidth: 0.05,
  /** The paired bootstrap estimate vs the true difference 0.2 on the test's synthetic pairs. */
  pairedBootstrapEstimate: 0.03,
  /** The edge the claim test's interval must straddle (test/science/claims.test.ts): a difference of 0.05 built into its data. */
  claimsIntervalEdge: 0.05,
  // ── Added when the explorer, user-input, perf and science work of 2026-12-02 merged ─────────────
  /** The explorer page's LEE per group vs the library's `lee` on the same model and image (issue 18 asks 1e-4 relative). Measured 0 (bit-identical on wasm: the page runs the same code). */
  pageVsLibraryRel: 1e-4,
  /** The explorer's slope L f at t = 0 vs the symmetric difference quotient at the explorer's smallest t (O(t²) truncation plus float32 cancellation). Not re-measured. */
  slopeVsSymmetricQuotient: 2e-2,
  /** Share of a figure's pixels that differ from the background for it to count as drawn (test/explorer/page.test.ts): an empty Plotly frame draws only axes, well under 2%. */
  figureInkFraction: 0.02,
  /** The telescoping error a notebook's layer-wise decomposition may print while claiming "the decomposition is exact" (test/science/findings.test.ts): float32 over ResNet-sized sums. Not re-measured. */
  notebookTelescopingError: 1e-3,
  /** The one-sided difference quotient vs the upwind tangent away from the border (test/science/mathFindings.test.ts): first-order truncation at the test's t. Not re-measured. */
  oneSidedVsUpwindInterior: 0.01,
  /** The conformance suite's pass bound: lee vs the reverse-mode oracle on a third-party model, relative (issue 14 asks 1e-3). */
  conformanceLeeVsOracle: 1e-3,
  /** The notebook 08 checks (test/notebooks/outputChecks.ts): telescoping and Keras-3-vs-zoo lines printed by the notebook, relative (issue 13 asks 1e-4). */
  notebookPrintedTelescoping: 1e-4,
};
