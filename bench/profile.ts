/**
 * Where the time of one Lie derivative goes (issue 16 item 3): SmallCNN 32² (or another bench
 * model), batch 64, one group by default, on wasm. Prints, per layer rule, the median ms of the
 * rule (wasm kernels run synchronously on the calling thread, so wall time around a rule is its
 * kernels' time), the same for model.predict layer by layer (the "forward" cost of that layer),
 * and the kernels of one whole `lieDerivative` call (tf.profile). One JSON line at the end.
 *
 *   node dist/bench/profile.js [--model smallcnn] [--batch 64] [--groups translate-x] [--threads N] [--reps 7]
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend';
import { layerRuleFor } from '../src/jvp/registry';
import { lieDerivative } from '../src/lie/lieDerivative';
import { BENCH_MODELS, buildBenchModel, MODEL_SHAPES, type BenchModel } from './models';
import { spread } from './stats';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

async function main(): Promise<void> {
  const model = arg('--model', 'smallcnn') as BenchModel;
  if (!BENCH_MODELS.includes(model)) throw new Error(`--model: one of ${BENCH_MODELS.join(', ')}`);
  const batch = Number(arg('--batch', String(MODEL_SHAPES[model].batch)));
  const groups = arg('--groups', 'translate-x').split(',');
  const reps = Number(arg('--reps', '7'));
  const threads = process.argv.includes('--threads') ? Number(arg('--threads', '1')) : undefined;
  const report = await useBackend(arg('--backend', 'wasm'), threads === undefined ? {} : { wasmThreads: threads });
  const net = buildBenchModel(model);
  const { size } = MODEL_SHAPES[model];
  const images = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 0) as tf.Tensor4D;

  // Per-layer wall time of the JVP rules (summed per layer name, per call).
  const ruleMs = new Map<string, number[]>();
  const wrapped = new Set<object>();
  let current: Map<string, number> | undefined;
  for (const layer of net.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const rule = layerRuleFor(layer);
    if (wrapped.has(rule)) continue;
    wrapped.add(rule);
    const inner = rule.jvp.bind(rule);
    rule.jvp = (args) => {
      const t0 = performance.now();
      const out = inner(args);
      if (current) current.set(args.layer.name, (current.get(args.layer.name) ?? 0) + performance.now() - t0);
      return out;
    };
  }
  const call = async () => {
    const r = await lieDerivative(net, images, groups, { difference: 'forward', imagesPerPass: batch });
    for (const { lie } of r) {
      await lie.data();
      lie.dispose();
    }
  };
  await call();
  const totals: number[] = [];
  for (let i = 0; i < reps; i++) {
    current = new Map();
    const t0 = performance.now();
    await call();
    totals.push(performance.now() - t0);
    for (const [k, v] of current) ruleMs.set(k, [...(ruleMs.get(k) ?? []), v]);
  }
  current = undefined;

  // The forward pass layer by layer (layer.apply on the previous output: a chain model).
  const fwdMs = new Map<string, number[]>();
  const fwdTotals: number[] = [];
  for (let i = 0; i < reps + 1; i++) {
    const t0 = performance.now();
    tf.tidy(() => {
      let x: tf.Tensor = images;
      for (const layer of net.layers.slice(1)) {
        const s = performance.now();
        x = layer.apply(x) as tf.Tensor;
        if (i > 0) fwdMs.set(layer.name, [...(fwdMs.get(layer.name) ?? []), performance.now() - s]);
      }
      x.dataSync();
    });
    if (i > 0) fwdTotals.push(performance.now() - t0);
  }

  const p = await tf.profile(call);
  const kernels = new Map<string, { ms: number; calls: number }>();
  for (const k of p.kernels) {
    if (k.name.endsWith('__op')) continue;
    const e = kernels.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += Number(await k.kernelTimeMs);
    e.calls += 1;
    kernels.set(k.name, e);
  }
  const med = (xs: number[] | undefined) => (xs ? spread(xs).median : NaN);
  const total = med(totals);
  const fwd = med(fwdTotals);
  const out = process.stdout;
  out.write(`${report.line}\nmodel ${model}, batch ${batch}, groups ${groups.join(',')}, ${reps} reps (median ms per batch)\n`);
  out.write(`lieDerivative ${total.toFixed(1)} ms; forward (layer by layer) ${fwd.toFixed(1)} ms; ratio ${(total / fwd).toFixed(2)}× forward\n\n`);
  out.write('| layer | JVP rule ms | forward ms | rule / forward |\n|---|---|---|---|\n');
  let inRules = 0;
  for (const layer of net.layers.slice(1)) {
    const r = med(ruleMs.get(layer.name));
    const f = med(fwdMs.get(layer.name));
    inRules += r;
    out.write(`| ${layer.name} (${layer.getClassName()}) | ${r.toFixed(2)} | ${f.toFixed(2)} | ${(r / f).toFixed(2)}× |\n`);
  }
  out.write(`| outside the rules (image tangent, softmax tangent, reshapes) | ${(total - inRules).toFixed(2)} | | |\n\n`);
  out.write('| kernel | ms | calls |\n|---|---|---|\n');
  for (const [name, e] of [...kernels].sort((a, b) => b[1].ms - a[1].ms)) out.write(`| ${name} | ${e.ms.toFixed(2)} | ${e.calls} |\n`);
  out.write(
    JSON.stringify({ model, batch, groups, totalMs: total, forwardMs: fwd, rules: Object.fromEntries([...ruleMs].map(([k, v]) => [k, med(v)])), kernels: Object.fromEntries(kernels) }) + '\n',
  );
  images.dispose();
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
