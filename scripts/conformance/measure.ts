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

export const DEFAULT_MEASURE: MeasureOptions & { timeoutS: number } = {
  images: 3,
  smallPixels: 64 * 64,
  largePixels: 192 * 192,
  tolerance: 1e-3,
  components: 4,
  dither: 2 / 255,
  oracleBudgetS: 30,
  timeoutS: 100,
};

export function runOne(m: ModelEntry, file: string, o: typeof DEFAULT_MEASURE): Promise<ModelResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [path.join(__dirname, 'measureOne.js'), file, JSON.stringify(m), JSON.stringify(o)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let last: { phase?: string; partial?: ModelResult; result?: ModelResult; fatal?: string } = {};
    let stderr = '';
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
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - t0) / 1000;
      if (last.result) return resolve({ ...last.result, seconds });
      const base: ModelResult = last.partial ? { ...last.partial, seconds } : { id: m.id, status: 'FAIL', images: o.images, seconds, notes: [] };
      if (signal === 'SIGKILL') {
        // Past the lee phase only the (cpu) oracle or layerwise was still running: lee itself worked.
        if (last.phase === 'lee') return resolve({ ...base, status: 'unchecked', detail: `cpu oracle did not finish within the ${o.timeoutS} s limit per model` });
        if (last.phase === 'oracle') return resolve({ ...base, status: base.leeRelError !== undefined && base.leeRelError <= o.tolerance ? 'ok' : 'unchecked', layerwise: { status: 'FAIL', detail: `did not finish within the ${o.timeoutS} s limit` } });
        return resolve({ ...base, status: 'FAIL', detail: `timed out after ${o.timeoutS} s in ${last.phase ? `the phase after '${last.phase}'` : 'loadModel'}` });
      }
      const tail = stderr.trim().split('\n').filter((l) => l && !/TensorFlow\.js in Node|tfjs-node|====/.test(l)).slice(-1)[0] ?? '';
      resolve({ ...base, status: 'FAIL', detail: `process exited (code ${code}, signal ${signal}) after '${last.phase ?? 'start'}': ${last.fatal ?? tail}` });
    });
  });
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
      results.set(m.id, { id: m.id, status: 'FAIL', detail: `model.json unreadable: ${i.message}`, images: 0, seconds: 0, notes: [] });
      continue;
    }
    process.stderr.write(`[conformance] ${m.id} … `);
    const r = await runOne(m, modelFile(m, dirs), o);
    process.stderr.write(`${r.status}${r.leeRelError !== undefined ? ` (rel. error ${r.leeRelError.toExponential(1)})` : ''} ${r.seconds.toFixed(0)} s${r.detail ? `: ${r.detail.slice(0, 200)}` : ''}\n`);
    results.set(m.id, r);
    onResult?.(results);
  }
  return results;
}
