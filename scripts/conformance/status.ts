/**
 * The conformance suite's verdicts, as pure functions of what was measured (unit-tested in
 * test/conformance/status.test.ts): one per measured output, one per model, and the messages
 * made relative to the repository (a table must not carry the machine's cache path).
 */
import * as path from 'node:path';

export type Status = 'ok' | 'refused' | 'unchecked' | 'FAIL';

/** One output's measurement (measureOne.ts). */
export interface OutputResult {
  label: string;
  /** What lee was told. */
  output: string;
  /** lee crashed (untyped) or refused (typed): its message. */
  leeError?: { typed: boolean; message: string };
  /** lee on wasm against tf.grad on wasm (same forward kernels, so the same side of every kink). */
  wasm?: {
    relError: number;
    perImage?: number[];
    images: number;
    checked: number;
    of: number;
    coverage: number;
    probes: number;
    seconds: number;
  };
  wasmError?: string;
  /** lee on cpu against tf.grad on cpu (first image): the exactness check, where affordable. */
  cpu?: { relError: number; seconds: number };
  cpuError?: string;
  /** lee on wasm against the cpu oracle: the spread of the two backends' arithmetic (measured, not judged). */
  spread?: number;
  /** The wasm oracle against the cpu oracle on the first image, same cotangents: the oracle's own float32 reproducibility. */
  oracleSpread?: number;
  /** Why no cpu check ran (size cap, time). */
  cpuSkipped?: string;
  status?: Status;
  detail?: string;
}

/**
 * An output's verdict. FAIL: lee crashed, or lee disagrees with an oracle on the same backend
 * (wasm with wasm, cpu with cpu) by more than `tol`. ok: the wasm pair agrees (and the cpu pair
 * where it ran); or, when tf.grad cannot run on wasm, the cpu pair agrees and the wasm-vs-cpu
 * spread is within `tol` too. refused: the library's typed error. unchecked: no oracle ran.
 */
export function outputStatus(r: OutputResult, tol: number): { status: Status; detail?: string } {
  if (r.leeError)
    return r.leeError.typed
      ? { status: 'refused', detail: r.leeError.message }
      : { status: 'FAIL', detail: `lee crashed: ${r.leeError.message}` };
  const fmt = (e: number) => e.toExponential(2);
  // Where the two oracles themselves (tf.grad on wasm and on cpu, same image and cotangents) are further apart than
  // the tolerance, the output is ill-conditioned in float32 (a tiny L f left by cancellation): no oracle can hold
  // lee to the tolerance, and the row says so instead of failing or passing.
  const worst = Math.max(r.wasm?.relError ?? 0, r.cpu?.relError ?? 0);
  if (worst > tol && r.oracleSpread !== undefined && r.oracleSpread > tol)
    return {
      status: 'unchecked',
      detail: `${r.label}: ill-conditioned in float32: the wasm and cpu oracles disagree by ${fmt(r.oracleSpread)} (> ${tol}) on the same cotangents; lee is ${fmt(worst)} from them`,
    };
  if (r.wasm && !(r.wasm.relError <= tol))
    return {
      status: 'FAIL',
      detail: `${r.label}: lee (wasm) disagrees with the reverse-mode oracle on wasm: rel. error ${fmt(r.wasm.relError)} > ${tol}`,
    };
  if (r.cpu && !(r.cpu.relError <= tol))
    return {
      status: 'FAIL',
      detail: `${r.label}: lee (cpu) disagrees with the reverse-mode oracle on cpu: rel. error ${fmt(r.cpu.relError)} > ${tol}`,
    };
  if (r.wasm) return { status: 'ok' };
  if (r.cpu) {
    if (r.spread !== undefined && r.spread <= tol) return { status: 'ok' };
    return {
      status: 'unchecked',
      detail: `${r.label}: oracle on wasm failed (${r.wasmError ?? 'not run'}); lee on cpu agrees with the cpu oracle to ${fmt(r.cpu.relError)}, but wasm lee is ${r.spread === undefined ? 'not compared' : `${fmt(r.spread)} from it`}`,
    };
  }
  return {
    status: 'unchecked',
    detail: `${r.label}: no oracle ran (wasm: ${r.wasmError ?? 'not run'}; cpu: ${r.cpuError ?? r.cpuSkipped ?? 'not run'})`,
  };
}

/**
 * A model's verdict from its outputs' (the first is the contract's own output): FAIL if any output
 * FAILs; refused if the first is refused (the library refuses the model); unchecked if any output
 * could not be checked; else ok. A refusal of a further output (e.g. probs of a [B, 1] output) is
 * kept in the detail without failing the model. `expectRefusal`: the model must be refused.
 */
export function modelStatus(
  outs: OutputResult[],
  tol: number,
  expectRefusal?: string,
): { status: Status; detail?: string } {
  const v = outs.map((o) => ({ o, ...outputStatus(o, tol) }));
  if (expectRefusal) {
    const first = v[0];
    if (!first) return { status: 'FAIL', detail: 'nothing measured' };
    if (first.status === 'refused') return { status: 'refused', detail: first.detail };
    if (first.o.leeError)
      return {
        status: 'FAIL',
        detail: `lee crashed instead of refusing (${expectRefusal}): ${first.o.leeError.message}`,
      };
    return { status: 'FAIL', detail: `lee returned numbers for a model it cannot measure (${expectRefusal})` };
  }
  const fail = v.find((x) => x.status === 'FAIL');
  if (fail) return { status: 'FAIL', detail: fail.detail };
  if (v[0]?.status === 'refused') return { status: 'refused', detail: v[0].detail };
  const un = v.filter((x) => x.status === 'unchecked');
  if (un.length) return { status: 'unchecked', detail: un.map((x) => x.detail).join('; ') };
  const refusedMore = v.filter((x) => x.status === 'refused');
  return refusedMore.length
    ? {
        status: 'ok',
        detail: `refused further outputs: ${refusedMore.map((x) => `${x.o.label} (${x.detail})`).join('; ')}`,
      }
    : { status: 'ok' };
}

/**
 * A message with the repository's and the cache's absolute paths made relative (the cache to
 * `<cache>` when it lies outside the repository), so tables never carry a machine's paths.
 */
export function relativise(message: string, repoRoot: string, cacheDir?: string): string {
  let s = message;
  const sub = (abs: string, rel: string) => {
    const a = abs.replace(/[/\\]+$/, '');
    s = s
      .split(`${a}${path.sep}`)
      .join(rel ? `${rel}/` : '')
      .split(a)
      .join(rel || '.');
  };
  if (cacheDir && path.relative(repoRoot, cacheDir).startsWith('..')) sub(cacheDir, '<cache>');
  sub(repoRoot, '');
  return s;
}

/** Images lee measures: all `images` up to `bigPixels` input pixels, one above (the biggest models). */
export function imageCount(size: [number, number], images: number, bigPixels: number): number {
  return size[0] * size[1] > bigPixels ? 1 : images;
}
