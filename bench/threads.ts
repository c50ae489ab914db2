/**
 * Speed against wasm threads (issue 16: the default thread count's cap): our side of the benchmark
 * (bench/ours.ts) on SmallCNN 32² batch 64 (or --model), once per thread count per round, rounds
 * interleaved so that a change of load hits every count; prints a Markdown table of medians and
 * IQR (ms per image) with the 1-minute load around each process.
 *   node dist/bench/threads.js [--threads 1,2,4] [--rounds 2] [--reps 3] [--model smallcnn]
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { lastJson, runMeasured } from './child';
import { MODEL_SHAPES, type BenchModel } from './models';
import type { OursConfig, OursResult } from './ours';
import { MEASURES, type Measure } from './results';
import { spread } from './stats';

const SPATIAL = [
  'translate-x',
  'translate-y',
  'rotate',
  'shear-x',
  'shear-y',
  'stretch-x',
  'stretch-y',
  'scale',
  'hyperbolic-rotate',
];

function main(): void {
  const argv = process.argv.slice(2);
  const get = (n: string, d: string) => (argv.includes(n) ? argv[argv.indexOf(n) + 1] : d);
  const counts = get('--threads', `1,2,${Math.max(4, os.availableParallelism())}`)
    .split(',')
    .map(Number);
  const rounds = Number(get('--rounds', '2'));
  const reps = Number(get('--reps', '3'));
  const model = get('--model', 'smallcnn') as BenchModel;
  const samples = new Map<number, Record<Measure, number[]>>(counts.map((t) => [t, { forward: [], one: [], all: [] }]));
  const loads = new Map<number, number[]>(counts.map((t) => [t, []]));
  for (let r = 0; r < rounds; r++) {
    for (const t of counts) {
      const cfg: OursConfig = {
        model,
        batch: MODEL_SHAPES[model].batch,
        reps,
        backend: 'wasm',
        wasmThreads: t,
        group: 'translate-x',
        groups: SPATIAL,
        difference: 'forward',
      };
      loads.get(t)!.push(os.loadavg()[0]);
      const p = runMeasured([process.execPath, path.join(__dirname, 'ours.js'), JSON.stringify(cfg)], 1_800_000);
      loads.get(t)!.push(os.loadavg()[0]);
      if (p.status !== 0) throw new Error(`ours.js with ${t} threads: ${p.stderr.slice(-2000)}`);
      const o = lastJson<OursResult>(p.stdout, 'ours.js');
      for (const m of MEASURES) samples.get(t)![m].push(...o.samples[m]);
      process.stderr.write(`threads ${t}, round ${r + 1}: ${o.backend}\n`);
    }
  }
  const f = (x: number) => x.toFixed(2);
  const out = [
    `${model}, wasm, ${rounds} round(s) × ${reps} reps per thread count, ms per image: median (IQR/median); ${os.cpus().length} CPUs, ${os.availableParallelism()} available`,
    '',
    '| threads | forward | one group (translate-x) | nine groups | 1-min load |',
    '|---|---|---|---|---|',
  ];
  for (const t of counts) {
    const s = samples.get(t)!;
    const c = (m: Measure) => {
      const q = spread(s[m]);
      return `${f(q.median)} (${(100 * q.relIqr).toFixed(0)}%)`;
    };
    const l = loads.get(t)!;
    out.push(`| ${t} | ${c('forward')} | ${c('one')} | ${c('all')} | ${f(Math.min(...l))}–${f(Math.max(...l))} |`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

main();
