/**
 * Runs measureOne.js for each model in its own process, one at a time, with a time limit per
 * model: a crash (wasm abort, out of memory) or a hang is that model's FAIL, not the suite's end.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { Inventory } from './inventory';
import { modelFile } from './inventoryDoc';
import type { ModelEntry } from './manifest';
import type { MeasureOptions } from './measureOne';
import type { ModelResult } from './report';

export interface RunLimits {
  /** Seconds for the lee phase (all outputs, oracles) of one model. */
  timeoutS: number;
  /** Seconds for the layerwise phase of one model (0: skip layerwise). */
  layerwiseTimeoutS: number;
}

export const DEFAULT_MEASURE: MeasureOptions & RunLimits = {
  images: 3,
  bigPixels: 128 * 128,
  cpuAllPixels: 64 * 64,
  cpuPixels: 64 * 64,
  tolerance: 1e-3,
  components: 4,
  dither: 2 / 255,
  oracleBudgetS: 8,
  cpuBudgetS: 8,
  timeoutS: 400,
  layerwiseTimeoutS: 90,
};

type Line = { phase?: string; partial?: ModelResult; result?: ModelResult; fatal?: string };

/** Runs one phase of measureOne.js in its own process; resolves with its last line, how it ended and its stderr tail. */
function spawnPhase(
  m: ModelEntry,
  file: string,
  o: MeasureOptions,
  limitS: number,
): Promise<{ last: Line; killed: boolean; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(__dirname, 'measureOne.js'), file, JSON.stringify(m), JSON.stringify(o)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let buf = '';
    let last: Line = {};
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const obj = JSON.parse(line);
          if (obj && typeof obj === 'object' && ('phase' in obj || 'result' in obj || 'fatal' in obj)) last = obj;
        } catch {
          /* tfjs prints banners on stdout; ignore them */
        }
      }
    });
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ last, killed, code, signal, stderr });
    });
  });
}

/**
 * Both phases of one model: lee with its oracles (limit timeoutS), then layerwise in a fresh
 * process (limit layerwiseTimeoutS), so a slow layerwise never costs the lee verdict.
 */
export async function runOne(m: ModelEntry, file: string, o: MeasureOptions & RunLimits): Promise<ModelResult> {
  const t0 = Date.now();
  const p = await spawnPhase(m, file, { ...o, phase: 'lee' }, o.timeoutS);
  const seconds = () => (Date.now() - t0) / 1000;
  let r: ModelResult;
  if (p.last.result) r = p.last.result;
  else {
    const base: ModelResult = p.last.partial ?? { id: m.id, status: 'FAIL', images: o.images, seconds: 0, notes: [] };
    if (p.killed)
      r = {
        ...base,
        status: 'FAIL',
        detail: `timed out after ${o.timeoutS} s in ${p.last.phase ? `the phase after '${p.last.phase}'` : 'loadModel'}`,
      };
    else {
      const tail =
        p.stderr
          .trim()
          .split('\n')
          .filter((l) => l && !/TensorFlow\.js in Node|tfjs-node|====/.test(l))
          .slice(-1)[0] ?? '';
      r = {
        ...base,
        status: 'FAIL',
        detail: `process exited (code ${p.code}, signal ${p.signal}) after '${p.last.phase ?? 'start'}': ${p.last.fatal ?? tail}`,
      };
    }
  }
  const leeSeconds = seconds();
  if (
    o.layerwiseTimeoutS > 0 &&
    (r.status === 'ok' || r.status === 'unchecked' || (r.status === 'FAIL' && r.outputs?.length))
  ) {
    const q = await spawnPhase(m, file, { ...o, phase: 'layerwise' }, o.layerwiseTimeoutS);
    if (q.last.result?.layerwise) r.layerwise = q.last.result.layerwise;
    else if (q.killed)
      r.layerwise = {
        status: 'time-out',
        detail: `did not finish within the ${o.layerwiseTimeoutS} s layerwise limit`,
        output: m.contract.output,
      };
    else
      r.layerwise = {
        status: 'FAIL',
        detail: `process exited (code ${q.code}, signal ${q.signal}): ${q.last.fatal ?? ''}`,
        output: m.contract.output,
      };
    if (r.layerwise.status === 'FAIL' && r.status !== 'FAIL') {
      r.status = 'FAIL';
      r.detail = `layerwise crashed: ${r.layerwise.detail}`;
    } else if (r.layerwise.status === 'ok' && !(r.layerwise.telescopingError! <= 1e-3) && r.status !== 'FAIL') {
      r.status = 'FAIL';
      r.detail = `layerwise telescoping error ${r.layerwise.telescopingError}`;
    }
  }
  r.notes.push(`lee phase ${leeSeconds.toFixed(0)} s, layerwise ${(seconds() - leeSeconds).toFixed(0)} s`);
  return { ...r, seconds: seconds() };
}

export async function measureAll(
  models: ModelEntry[],
  dirs: Map<string, string>,
  inv: Map<string, Inventory | Error>,
  o = DEFAULT_MEASURE,
  onResult?: (results: Map<string, ModelResult>) => void,
): Promise<Map<string, ModelResult>> {
  const results = new Map<string, ModelResult>();
  for (const m of models) {
    const i = inv.get(m.id);
    if (i instanceof Error) {
      results.set(m.id, {
        id: m.id,
        status: 'FAIL',
        detail: `model.json unreadable: ${i.message}`,
        images: 0,
        seconds: 0,
        notes: [],
      });
      continue;
    }
    process.stderr.write(`[conformance] ${m.id} … `);
    const r = await runOne(m, modelFile(m, dirs), o);
    process.stderr.write(
      `${r.status}${r.leeRelError !== undefined ? ` (rel. error ${r.leeRelError.toExponential(1)})` : ''} ${r.seconds.toFixed(0)} s${r.detail ? `: ${r.detail.slice(0, 200)}` : ''}\n`,
    );
    results.set(m.id, r);
    onResult?.(results);
  }
  return results;
}
