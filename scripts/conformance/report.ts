/** Markdown for docs/CONFORMANCE.md: the inventory of the suite's models and the measured table. */
import type { Inventory, TensorInfo } from './inventory';
import type { ModelEntry } from './manifest';

/** One model's measured outcome (run.ts). */
export interface ModelResult {
  id: string;
  /** ok: lee matches the oracle; refused: the library's typed error; unchecked: lee ran but the oracle was skipped or failed. */
  status: 'ok' | 'refused' | 'unchecked' | 'FAIL';
  /** The library's message (refused) or what went wrong (FAIL). */
  detail?: string;
  /** Worst relative error of L f against the oracle over groups and images. */
  leeRelError?: number;
  /** lee on the cpu backend (first image) against the same oracle: wasm-vs-cpu arithmetic vs engine error. */
  cpuLeeRelError?: number;
  /** ‖F_cpu(x) − F_wasm(x)‖/‖F_cpu(x)‖ of the measured output on the first image. */
  forwardWasmCpu?: number;
  /** Per group worst relative error. */
  perGroup?: Record<string, number>;
  /** Components the oracle checked, of K, and the share of ‖L f‖ they carry. */
  components?: { checked: number; of: number; coverage: number };
  layerwise?: { status: 'ok' | 'refused' | 'FAIL'; telescopingError?: number; detail?: string };
  images: number;
  /** Images the oracle checked. */
  oracleImages?: number;
  seconds: number;
  /** What the library detected or was told (input size, preprocess, output). */
  contract?: string;
  notes: string[];
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const shape = (t: TensorInfo) => (t.shape ? `[${t.shape.map((d) => d ?? '?').join(',')}]` : '[?]');
const short = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function contractText(m: ModelEntry): string {
  const c = m.contract;
  if (!c.inputSize) return `${c.range}; ${m.expectRefusal ?? ''}`;
  const parts = [`${c.inputSize[0]}×${c.inputSize[1]}×${c.channels}`, c.range, c.layout.toUpperCase()];
  if (c.batch !== 'free') parts.push('batch 1');
  parts.push(`out: ${c.output} (${c.outputKind})`);
  return parts.join(', ');
}

export function inventoryTable(models: ModelEntry[], inv: Map<string, Inventory | Error>): string {
  const rows = ['| model | package | task · architecture | format | converter | inputs | outputs | ops | ops without a rule (on the measured path) | contract (from the package\'s code) |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const m of models) {
    const i = inv.get(m.id);
    if (!i || i instanceof Error) {
      rows.push(`| ${m.id} | ${m.package} | ${esc(m.task)} | — | — | — | — | — | — | unreadable: ${esc(String((i as Error)?.message ?? 'missing'))} |`);
      continue;
    }
    const conv = [i.convertedBy, i.generatedBy, i.kerasVersion && `Keras ${i.kerasVersion}`].filter(Boolean).join(' / ') || '—';
    const ins = i.inputs.map((t) => `${t.name} ${shape(t)} ${t.dtype}`).join('; ');
    const outs = i.outputs.length > 3 ? `${i.outputs.length} (${i.outputs.slice(0, 3).map((t) => t.name + (t.node ? `=${t.node}` : '')).join(', ')}, …)` : i.outputs.map((t) => `${t.name}${t.node ? `=${t.node}` : ''} ${shape(t)}`).join('; ');
    const ops = Object.keys(i.ops).length;
    rows.push(
      `| ${m.id} | ${m.package} | ${esc(m.task)} · ${esc(m.architecture)} | ${i.format === 'graph-model' ? 'graph' : 'layers'} | ${esc(conv)} | ${esc(ins)} | ${esc(short(outs))}${i.signature ? '' : ' (no signature)'} | ${ops} | ${missingText(i)} | ${esc(contractText(m))} |`,
    );
  }
  return rows.join('\n');
}

/** Ops (or layer classes) without a rule, with the models that use them. */
export function missingOpsTable(models: ModelEntry[], inv: Map<string, Inventory | Error>): string {
  const by = new Map<string, string[]>();
  for (const m of models) {
    const i = inv.get(m.id);
    if (!i || i instanceof Error) continue;
    for (const op of i.missing) by.set(op, [...(by.get(op) ?? []), m.id]);
  }
  const onPath = new Map<string, string[]>();
  for (const m of models) {
    const i = inv.get(m.id);
    if (!i || i instanceof Error) continue;
    for (const op of i.pathMissing ?? i.missing) onPath.set(op, [...(onPath.get(op) ?? []), m.id]);
  }
  const rows = ['| op / layer class | models | on the measured path of | elsewhere in |', '|---|---|---|---|'];
  for (const [op, ids] of [...by].sort((a, b) => (onPath.get(b[0])?.length ?? 0) - (onPath.get(a[0])?.length ?? 0) || b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    const path = onPath.get(op) ?? [];
    rows.push(`| ${op} | ${ids.length} | ${path.join(', ') || '—'} | ${ids.filter((id) => !path.includes(id)).join(', ') || '—'} |`);
  }
  return rows.join('\n');
}

/** Every op used, with counts of models (for the ops engineer's priorities). */
export function opUsageTable(models: ModelEntry[], inv: Map<string, Inventory | Error>): string {
  const by = new Map<string, number>();
  for (const m of models) {
    const i = inv.get(m.id);
    if (!i || i instanceof Error) continue;
    for (const op of Object.keys(i.ops)) by.set(op, (by.get(op) ?? 0) + 1);
  }
  return [...by].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([op, n]) => `${op} (${n})`).join(', ');
}

function missingText(i: Inventory): string {
  if (!i.missing.length) return '—';
  if (!i.pathMissing) return esc(i.missing.join(', '));
  const off = i.missing.filter((op) => !i.pathMissing!.includes(op));
  return `${i.pathMissing.length ? `**${esc(i.pathMissing.join(', '))}**` : 'none on the path'}${off.length ? `; elsewhere: ${esc(off.join(', '))}` : ''}`;
}

const fmtErr = (e?: number) => (e === undefined ? '—' : e === 0 ? '0' : e.toExponential(1));

export function resultsTable(models: ModelEntry[], inv: Map<string, Inventory | Error>, results: Map<string, ModelResult>): string {
  const rows = ['| model | package | format | ops | contract | lee rel. error | layerwise error | time | status |', '|---|---|---|---|---|---|---|---|---|'];
  for (const m of models) {
    const r = results.get(m.id);
    const i = inv.get(m.id);
    const fmt = !i || i instanceof Error ? '—' : i.format === 'graph-model' ? 'graph' : 'layers';
    const ops = !i || i instanceof Error ? '—' : `${Object.keys(i.ops).length}${i.missing.length ? ` (${i.missing.length} without rule)` : ''}`;
    if (!r) {
      rows.push(`| ${m.id} | ${m.package} | ${fmt} | ${ops} | ${esc(contractText(m))} | — | — | — | not run |`);
      continue;
    }
    const lee = r.leeRelError === undefined ? '—' : `${fmtErr(r.leeRelError)}${r.cpuLeeRelError !== undefined ? ` (cpu lee ${fmtErr(r.cpuLeeRelError)})` : ''}${r.components && r.components.checked < r.components.of ? ` (${r.components.checked}/${r.components.of} comp., ${(100 * r.components.coverage).toFixed(0)}% of ‖Lf‖)` : ''}`;
    const lw = !r.layerwise ? '—' : r.layerwise.status === 'ok' ? fmtErr(r.layerwise.telescopingError) : `${r.layerwise.status}: ${esc(short(r.layerwise.detail ?? '', 90))}`;
    const status = r.status === 'ok' ? 'ok' : `${r.status}: ${esc(short(detailOf(r), 220))}`;
    rows.push(`| ${m.id} | ${m.package} | ${fmt} | ${ops} | ${esc(r.contract ?? contractText(m))} | ${lee} | ${lw} | ${r.seconds.toFixed(0)} s (${r.images} img${r.oracleImages !== undefined ? `, oracle ${r.oracleImages}` : ''}) | ${status} |`);
  }
  return rows.join('\n');
}

/** The outcome's message; a run killed after lee keeps only its notes (e.g. the oracle's size cap). */
export function detailOf(r: ModelResult): string {
  return r.detail || r.notes.filter((n) => n.startsWith('oracle')).join('; ') || (r.layerwise?.status === 'FAIL' ? `layerwise: ${r.layerwise.detail}` : '');
}

/** A short cause for each non-ok outcome, from the library's message (for the "by cause" list). */
export function causeOf(r: ModelResult): string {
  const d = detailOf(r);
  let m: RegExpExecArray | null;
  if ((m = /no forward-mode JVP rule for (?:op|layer) '.*?' \((?:op|class) (\w+)\)/.exec(d))) return `no forward rule for ${m[1]}`;
  if (/unknown node '.*' in this GraphModel/.test(d)) return 'signature output key looked up as a graph node name (output not found)';
  if (/depth of input \(3\) must match input depth for filter 1/.test(d)) return '1-channel model: raw tfjs crash (no luma adapter)';
  if (/depth of input \(\d+\) must match input depth for filter 3/.test(d)) return 'NCHW model fed NHWC: raw tfjs crash (no layout adapter)';
  if (/unknown graph node/.test(d)) return 'several inputs; the output signature key not found (refused)';
  if (/must match the product of shape 1,/.test(d)) return 'fixed batch 1 graph: raw tfjs crash (batch > 1 fed)';
  if (/cycle through|control flow/.test(d)) return 'control flow in the graph (refused)';
  if (/more than one input|with one input|has \d+ inputs/.test(d)) return 'several inputs (refused)';
  if (/int32|uint8|dtype/.test(d)) return 'integer input';
  if (/lee on cpu agrees/.test(d)) return 'wasm lee differs from the cpu oracle, cpu lee agrees (backend arithmetic, not a rule)';
  if (/disagrees/.test(d)) return 'lee disagrees with the oracle';
  if (r.status === 'unchecked') return /size cap/.test(d) ? 'input above the cpu oracle size cap' : 'cpu oracle too slow within the time limit';
  if (/timed out/.test(d)) return 'time-out';
  return d.slice(0, 80);
}

export function causesList(results: Map<string, ModelResult>): string {
  const by = new Map<string, string[]>();
  for (const r of results.values()) {
    if (r.status === 'ok') continue;
    const c = `${r.status === 'FAIL' ? 'FAIL' : r.status}: ${causeOf(r)}`;
    by.set(c, [...(by.get(c) ?? []), r.id]);
  }
  return [...by].sort((a, b) => b[1].length - a[1].length).map(([c, ids]) => `- ${c} — ${ids.length}: ${ids.join(', ')}`).join('\n');
}
