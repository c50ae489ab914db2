/** Markdown for docs/CONFORMANCE.md: the inventory of the suite's models and the measured table. */
import type { Inventory, TensorInfo } from './inventory';
import type { ModelEntry } from './manifest';
import type { OutputResult } from './status';

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
  layerwise?: {
    status: 'ok' | 'refused' | 'FAIL' | 'time-out';
    telescopingError?: number;
    detail?: string;
    output?: string;
  };
  /** Each measured output (the contract's own first): lee against the oracles. */
  outputs?: OutputResult[];
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
  const rows = [
    "| model | package | task · architecture | format | converter | inputs | outputs | ops | ops without a rule (on the measured path) | contract (from the package's code) |",
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const m of models) {
    const i = inv.get(m.id);
    if (!i || i instanceof Error) {
      rows.push(
        `| ${m.id} | ${m.package} | ${esc(m.task)} | — | — | — | — | — | — | unreadable: ${esc(String((i as Error)?.message ?? 'missing'))} |`,
      );
      continue;
    }
    const conv =
      [i.convertedBy, i.generatedBy, i.kerasVersion && `Keras ${i.kerasVersion}`].filter(Boolean).join(' / ') || '—';
    const ins = i.inputs.map((t) => `${t.name} ${shape(t)} ${t.dtype}`).join('; ');
    const outs =
      i.outputs.length > 3
        ? `${i.outputs.length} (${i.outputs
            .slice(0, 3)
            .map((t) => t.name + (t.node ? `=${t.node}` : ''))
            .join(', ')}, …)`
        : i.outputs.map((t) => `${t.name}${t.node ? `=${t.node}` : ''} ${shape(t)}`).join('; ');
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
  for (const [op, ids] of [...by].sort(
    (a, b) =>
      (onPath.get(b[0])?.length ?? 0) - (onPath.get(a[0])?.length ?? 0) ||
      b[1].length - a[1].length ||
      a[0].localeCompare(b[0]),
  )) {
    const path = onPath.get(op) ?? [];
    rows.push(
      `| ${op} | ${ids.length} | ${path.join(', ') || '—'} | ${ids.filter((id) => !path.includes(id)).join(', ') || '—'} |`,
    );
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
  return [...by]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([op, n]) => `${op} (${n})`)
    .join(', ');
}

function missingText(i: Inventory): string {
  if (!i.missing.length) return '—';
  if (!i.pathMissing) return esc(i.missing.join(', '));
  const off = i.missing.filter((op) => !i.pathMissing!.includes(op));
  return `${i.pathMissing.length ? `**${esc(i.pathMissing.join(', '))}**` : 'none on the path'}${off.length ? `; elsewhere: ${esc(off.join(', '))}` : ''}`;
}

const fmtErr = (e?: number) => (e === undefined ? '—' : e === 0 ? '0' : e.toExponential(1));

/** The per-model note on one output: its outputs, oracles, times and any failure of an oracle. */
export function outputNote(o: OutputResult): string {
  const parts = [`${o.label} '${o.output}'`];
  if (o.leeError) parts.push(o.leeError.message);
  if (o.wasm)
    parts.push(
      `wasm oracle ${o.wasm.relError.toExponential(1)} on ${o.wasm.images} img, ${o.wasm.checked} comp. + ${o.wasm.probes} probes of K = ${o.wasm.of}, ${o.wasm.seconds.toFixed(1)} s`,
    );
  if (o.wasmError) parts.push(`wasm oracle failed: ${o.wasmError}`);
  if (o.cpu) parts.push(`cpu lee vs cpu oracle ${o.cpu.relError.toExponential(1)} (${o.cpu.seconds.toFixed(1)} s)`);
  if (o.cpuError) parts.push(`cpu check failed: ${o.cpuError}`);
  if (o.spread !== undefined) parts.push(`wasm lee vs cpu oracle ${o.spread.toExponential(1)}`);
  return parts.join(', ');
}

/** The oracle that checked an output: wasm tf.grad, cpu tf.grad, both, or none. */
export function oracleOf(o: OutputResult): string {
  return o.wasm && o.cpu ? 'wasm+cpu' : o.wasm ? 'wasm' : o.cpu ? 'cpu' : '—';
}

/** One output's cell: its error against the wasm oracle (the cpu pair's after a slash), components checked. */
export function outputCell(o: OutputResult): string {
  const name =
    o.label === 'inner' || o.label === 'output'
      ? `${o.label} ${short(o.output.split('/').slice(-2).join('/'), 40)}`
      : o.label;
  if (o.leeError) return `${name}: ${o.leeError.typed ? 'refused' : 'crash'}`;
  const w = o.wasm ? fmtErr(o.wasm.relError) : '—';
  const c = o.cpu ? ` / cpu ${fmtErr(o.cpu.relError)}` : '';
  const comp =
    o.wasm && o.wasm.checked < o.wasm.of
      ? ` (${o.wasm.checked}/${o.wasm.of} comp. + ${o.wasm.probes} probes, ${(100 * o.wasm.coverage).toFixed(0)}%)`
      : '';
  return `${name} ${w}${c}${comp}`;
}

export function resultsTable(
  models: ModelEntry[],
  inv: Map<string, Inventory | Error>,
  results: Map<string, ModelResult>,
): string {
  const rows = [
    '| model | package | format | ops | contract | lee rel. error per output (wasm oracle / cpu oracle) | oracle | wasm − cpu spread | layerwise error | time | status |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const m of models) {
    const r = results.get(m.id);
    const i = inv.get(m.id);
    const fmt = !i || i instanceof Error ? '—' : i.format === 'graph-model' ? 'graph' : 'layers';
    const ops =
      !i || i instanceof Error
        ? '—'
        : `${Object.keys(i.ops).length}${i.missing.length ? ` (${i.missing.length} without rule)` : ''}`;
    if (!r) {
      rows.push(`| ${m.id} | ${m.package} | ${fmt} | ${ops} | ${esc(contractText(m))} | — | — | — | — | — | not run |`);
      continue;
    }
    const outs = (r.outputs ?? []).filter((o) => !o.leeError || r.status !== 'refused');
    const lee = outs.length ? outs.map(outputCell).map(esc).join(' · ') : '—';
    const oracle = outs.length ? [...new Set(outs.map(oracleOf))].join(', ') : '—';
    const spreads = outs.filter((o) => o.spread !== undefined);
    const spread = spreads.length ? fmtErr(Math.max(...spreads.map((o) => o.spread!))) : '—';
    const lw = !r.layerwise
      ? '—'
      : r.layerwise.status === 'ok'
        ? fmtErr(r.layerwise.telescopingError)
        : `${r.layerwise.status}: ${esc(short(r.layerwise.detail ?? '', 90))}`;
    const status =
      r.status === 'ok'
        ? r.detail
          ? `ok (${esc(short(r.detail, 120))})`
          : 'ok'
        : `${r.status}: ${esc(short(detailOf(r), 220))}`;
    const wImgs = Math.max(0, ...outs.map((o) => o.wasm?.images ?? 0));
    rows.push(
      `| ${m.id} | ${m.package} | ${fmt} | ${ops} | ${esc(r.contract ?? contractText(m))} | ${lee} | ${oracle} | ${spread} | ${lw} | ${r.seconds.toFixed(0)} s (${r.images} img${wImgs ? `, oracle ${wImgs}` : ''}) | ${status} |`,
    );
  }
  return rows.join('\n');
}

/** The outcome's message; a run killed after lee keeps only its notes (e.g. the oracle's size cap). */
export function detailOf(r: ModelResult): string {
  return (
    r.detail ||
    r.notes.filter((n) => n.startsWith('oracle')).join('; ') ||
    (r.layerwise?.status === 'FAIL' ? `layerwise: ${r.layerwise.detail}` : '')
  );
}

/** A short cause for each non-ok outcome, from the library's message (for the "by cause" list). */
export function causeOf(r: ModelResult): string {
  const d = detailOf(r);
  let m: RegExpExecArray | null;
  if ((m = /no forward-mode JVP rule for (?:op|layer) '.*?' \((?:op|class) (\w+)\)/.exec(d)))
    return `no forward rule for ${m[1]}`;
  if (/unknown node '.*' in this GraphModel/.test(d))
    return 'signature output key looked up as a graph node name (output not found)';
  if (/depth of input \(3\) must match input depth for filter 1/.test(d))
    return '1-channel model: raw tfjs crash (no luma adapter)';
  if (/depth of input \(\d+\) must match input depth for filter 3/.test(d))
    return 'NCHW model fed NHWC: raw tfjs crash (no layout adapter)';
  if (/unknown graph node/.test(d)) return 'several inputs; the output signature key not found (refused)';
  if (/must match the product of shape 1,/.test(d)) return 'fixed batch 1 graph: raw tfjs crash (batch > 1 fed)';
  if (/cycle through|control flow/.test(d)) return 'control flow in the graph (refused)';
  if (/more than one input|with one input|has \d+ inputs/.test(d)) return 'several inputs (refused)';
  if (/int32|uint8/.test(d)) return 'integer input';
  if (/disagrees with the reverse-mode oracle on wasm/.test(d)) return 'lee (wasm) disagrees with the wasm oracle';
  if (/disagrees with the reverse-mode oracle on cpu/.test(d)) return 'lee (cpu) disagrees with the cpu oracle';
  if (r.status === 'unchecked')
    return /oracle on wasm failed/.test(d)
      ? 'wasm oracle failed, cpu pair agrees, spread above tolerance'
      : 'no oracle could run';
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
  return [...by]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([c, ids]) => `- ${c} — ${ids.length}: ${ids.join(', ')}`)
    .join('\n');
}
