/**
 * Where the time of one Lie derivative goes (issue 16 item 3): SmallCNN 32² (or another bench
 * model), batch 64, one group by default, on wasm. Prints, per layer rule, the median ms of the
 * rule (wasm kernels run synchronously on the calling thread, so wall time around a rule is its
 * kernels' time), the same for model.predict layer by layer (the "forward" cost of that layer),
 * and the kernels of one whole `lieDerivative` call (tf.profile). One JSON line at the end.
 * Besides wall time, each rule's CPU time (process.cpuUsage: user + system of the whole process):
 * with one thread, the work itself, much less sensitive than wall time to other processes
 * competing for the cores. --ops-maxpool unregisters the max-pool tangent kernel (the op chain
 * it replaced: "before").
 *
 * A second table sorts the kernels of --profile-reps whole calls by kind of work (conv primal vs
 * tangent, BatchNorm and ReLU factors, max-pool tangent, image tangent, output; `kindOf`), with
 * kernel counts and MiB written, which do not depend on the machine's load.
 *
 *   node dist/bench/profile.js [--model smallcnn] [--batch 64] [--groups translate-x] [--threads 1] [--reps 7] [--profile-reps 3]
 *                              [--images-per-pass N] [--ops-maxpool] [--no-pool-helper]
 * --no-pool-helper: the max-pool tangent loop on the calling thread only (with 2+ wasm threads it
 * otherwise splits its rows with a helper worker, src/jvp/maxPoolTangent.ts).
 */
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';
import { useBackend } from '../src/backend';
import { activationName } from '../src/jvp/activations';
import { MAX_POOL_TANGENT_KERNEL, maxPoolTangentHelperJobs, useMaxPoolTangentHelper } from '../src/jvp/maxPoolTangent';
import { layerRuleFor } from '../src/jvp/registry';
import { lieDerivative } from '../src/lie/lieDerivative';
import { BENCH_MODELS, buildBenchModel, MODEL_SHAPES, type BenchModel } from './models';
import { spread } from './stats';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

/**
 * The kind of work a kernel does, from the rule it ran in (layer class; 'before'/'after' = outside
 * every rule: before the first one, the image tangent and the input checks; after the last, the
 * added softmax, the recombination and the output), its name and its ordinal among the rule's
 * kernels of that name. affineRule (src/jvp/affine.ts) computes the tangent's convolution before
 * the primal's, so a Conv2D rule's first FusedConv2D is the tangent, its second the primal.
 */
function kindOf(where: string, kernel: string, ordinal: number): string {
  const cls = where.split(':')[0];
  if (cls === 'Conv2D' || cls === 'DepthwiseConv2D' || cls === 'Dense') {
    if (kernel === 'FusedConv2D' || kernel === 'FusedDepthwiseConv2D' || kernel === '_FusedMatMul')
      return ordinal === 1 ? 'conv/dense tangent' : 'conv/dense primal';
    if (kernel === 'Step' || kernel === 'Multiply') return 'ReLU factor on the tangent (Step, Multiply)';
    return `conv/dense other (${kernel})`;
  }
  if (cls === 'BatchNormalization')
    return kernel === 'FusedBatchNorm' ? 'BatchNorm primal' : 'BatchNorm tangent (Multiply, Rsqrt, …)';
  if (where === 'Activation:relu' || cls === 'ReLU')
    return kernel === 'Relu' ? 'ReLU primal' : 'ReLU factor on the tangent (Step, Multiply)';
  if (where === 'Activation:softmax' || cls === 'Softmax') return 'softmax primal + tangent';
  if (cls === 'MaxPooling2D') return kernel === 'MaxPool' ? 'max-pool primal' : 'max-pool tangent';
  if (cls === 'Add') return 'residual Add (primal + tangent)';
  if (cls === 'GlobalAveragePooling2D') return 'global average pool (primal + tangent)';
  if (where === 'before')
    return ['IsFinite', 'Min', 'Max', 'All'].includes(kernel)
      ? 'input range check'
      : 'image tangent (before the rules)';
  if (where === 'after') return 'output: added softmax tangent, recombination, unstack (after the rules)';
  return `${cls} (${kernel})`;
}

async function main(): Promise<void> {
  const model = arg('--model', 'smallcnn') as BenchModel;
  if (!BENCH_MODELS.includes(model)) throw new Error(`--model: one of ${BENCH_MODELS.join(', ')}`);
  const batch = Number(arg('--batch', String(MODEL_SHAPES[model].batch)));
  const groups = arg('--groups', 'translate-x').split(',');
  const reps = Number(arg('--reps', '7'));
  // Default: the whole batch in one pass (lee's default pass for ResNet-18 at 224² is 1 image).
  const imagesPerPass = Number(arg('--images-per-pass', String(batch)));
  const threads = process.argv.includes('--threads') ? Number(arg('--threads', '1')) : undefined;
  const report = await useBackend(arg('--backend', 'wasm'), threads === undefined ? {} : { wasmThreads: threads });
  if (process.argv.includes('--ops-maxpool')) tf.unregisterKernel(MAX_POOL_TANGENT_KERNEL, tf.getBackend());
  if (process.argv.includes('--no-pool-helper')) useMaxPoolTangentHelper(false);
  const net = buildBenchModel(model);
  const { size } = MODEL_SHAPES[model];
  const images = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 0) as tf.Tensor4D;
  const load0 = os.loadavg()[0];

  // Per-layer wall time of the JVP rules (summed per layer name, per call).
  const ruleMs = new Map<string, number[]>();
  const ruleCpu = new Map<string, number[]>();
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let currentCpu: Map<string, number> | undefined;
  const wrapped = new Set<object>();
  let current: Map<string, number> | undefined;
  /** While tf.profile runs: which rule (layer class) each span of its kernel records belongs to. */
  let spans: Array<{ className: string; from: number; to: number }> | undefined;
  const profiled = () =>
    (tf.engine().state as unknown as { activeProfile: { kernels: unknown[] } }).activeProfile.kernels.length;
  for (const layer of net.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const rule = layerRuleFor(layer);
    if (wrapped.has(rule)) continue;
    wrapped.add(rule);
    const inner = rule.jvp.bind(rule);
    rule.jvp = (args) => {
      const t0 = performance.now();
      const c0 = cpuMs();
      const from = spans ? profiled() : 0;
      const out = inner(args);
      if (spans)
        spans.push({
          className:
            args.layer.getClassName() +
            (args.layer.getClassName() === 'Activation' ? `:${activationName(args.layer)}` : ''),
          from,
          to: profiled(),
        });
      if (current) current.set(args.layer.name, (current.get(args.layer.name) ?? 0) + performance.now() - t0);
      if (currentCpu) currentCpu.set(args.layer.name, (currentCpu.get(args.layer.name) ?? 0) + cpuMs() - c0);
      return out;
    };
  }
  const call = async () => {
    const r = await lieDerivative(net, images, groups, { difference: 'forward', imagesPerPass });
    for (const { lie } of r) {
      await lie.data();
      lie.dispose();
    }
  };
  await call();
  const totals: number[] = [];
  const cpuTotals: number[] = [];
  for (let i = 0; i < reps; i++) {
    current = new Map();
    currentCpu = new Map();
    const t0 = performance.now();
    const c0 = cpuMs();
    await call();
    totals.push(performance.now() - t0);
    cpuTotals.push(cpuMs() - c0);
    for (const [k, v] of current) ruleMs.set(k, [...(ruleMs.get(k) ?? []), v]);
    for (const [k, v] of currentCpu) ruleCpu.set(k, [...(ruleCpu.get(k) ?? []), v]);
  }
  current = undefined;
  currentCpu = undefined;

  // The forward pass layer by layer, in the model's (topological) layer order, each layer applied
  // to its inbound layers' outputs (one call per layer: the bench models call each layer once).
  const fwdMs = new Map<string, number[]>();
  const fwdCpu = new Map<string, number[]>();
  const fwdTotals: number[] = [];
  const fwdCpuTotals: number[] = [];
  for (let i = 0; i < reps + 1; i++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    tf.tidy(() => {
      const values = new Map<string, tf.Tensor>([[net.layers[0].name, images]]);
      let x: tf.Tensor = images;
      for (const layer of net.layers.slice(1)) {
        const ins = (layer.inboundNodes[0].inboundLayers as tf.layers.Layer[]).map(
          (l) => values.get(l.name) as tf.Tensor,
        );
        const s = performance.now();
        const c = cpuMs();
        x = layer.apply(ins.length === 1 ? ins[0] : ins) as tf.Tensor;
        values.set(layer.name, x);
        if (i > 0) fwdMs.set(layer.name, [...(fwdMs.get(layer.name) ?? []), performance.now() - s]);
        if (i > 0) fwdCpu.set(layer.name, [...(fwdCpu.get(layer.name) ?? []), cpuMs() - c]);
      }
      x.dataSync();
    });
    if (i > 0) fwdTotals.push(performance.now() - t0);
    if (i > 0) fwdCpuTotals.push(cpuMs() - c0);
  }

  // Kernels of whole calls (tf.profile), each attributed to a kind of work (kindOf).
  const kernels = new Map<string, { ms: number; calls: number }>();
  const kinds = new Map<string, { ms: number[]; calls: number; mib: number }>();
  const profileReps = Number(arg('--profile-reps', '3'));
  for (let rep = 0; rep < profileReps; rep++) {
    spans = [];
    const p = await tf.profile(call);
    const ownSpans = spans;
    spans = undefined;
    const perKind = new Map<string, number>();
    let ordinal = new Map<string, number>();
    let span = -1;
    for (let i = 0; i < p.kernels.length; i++) {
      const k = p.kernels[i];
      if (k.name.endsWith('__op')) continue;
      const inSpan = ownSpans.findIndex((s) => i >= s.from && i < s.to);
      if (inSpan !== span) {
        span = inSpan;
        ordinal = new Map();
      }
      const n = (ordinal.get(k.name) ?? 0) + 1;
      ordinal.set(k.name, n);
      const where = inSpan < 0 ? (i < (ownSpans[0]?.from ?? 0) ? 'before' : 'after') : ownSpans[inSpan].className;
      const kind = kindOf(where, k.name, n);
      const ms = Number(await k.kernelTimeMs);
      perKind.set(kind, (perKind.get(kind) ?? 0) + ms);
      const e = kinds.get(kind) ?? { ms: [], calls: 0, mib: 0 };
      if (rep === 0) {
        e.calls += 1;
        e.mib += k.outputShapes.reduce((a: number, s: number[]) => a + 4 * s.reduce((x, y) => x * y, 1), 0) / 2 ** 20;
        const ke = kernels.get(k.name) ?? { ms: 0, calls: 0 };
        ke.ms += ms;
        ke.calls += 1;
        kernels.set(k.name, ke);
      }
      kinds.set(kind, e);
    }
    for (const [kind, ms] of perKind) kinds.get(kind)?.ms.push(ms);
  }
  const med = (xs: number[] | undefined) => (xs ? spread(xs).median : NaN);
  const total = med(totals);
  const fwd = med(fwdTotals);
  const cpuTotal = med(cpuTotals);
  const cpuFwd = med(fwdCpuTotals);
  const out = process.stdout;
  const load = os.loadavg()[0];
  out.write(
    `${report.line}\nmodel ${model}, batch ${batch}, groups ${groups.join(',')}, ${reps} reps (median ms per batch); 1-minute load ${load0.toFixed(2)} → ${load.toFixed(2)} on ${os.cpus().length} CPUs${process.argv.includes('--ops-maxpool') ? '; max-pool tangent by the op chain (before)' : ''}; max-pool tangent helper thread: ${maxPoolTangentHelperJobs()} jobs\n`,
  );
  out.write(
    `lieDerivative wall ${total.toFixed(1)} ms, CPU ${cpuTotal.toFixed(1)} ms; forward (layer by layer) wall ${fwd.toFixed(1)} ms, CPU ${cpuFwd.toFixed(1)} ms; ratio wall ${(total / fwd).toFixed(2)}×, CPU ${(cpuTotal / cpuFwd).toFixed(2)}× forward\n\n`,
  );
  out.write(
    '| layer | JVP rule wall ms | forward wall ms | JVP rule CPU ms | forward CPU ms | rule / forward (CPU) |\n|---|---|---|---|---|---|\n',
  );
  let inRules = 0;
  let inRulesCpu = 0;
  for (const layer of net.layers.slice(1)) {
    const r = med(ruleMs.get(layer.name));
    const f = med(fwdMs.get(layer.name));
    const rc = med(ruleCpu.get(layer.name));
    const fc = med(fwdCpu.get(layer.name));
    inRules += r;
    inRulesCpu += rc;
    out.write(
      `| ${layer.name} (${layer.getClassName()}) | ${r.toFixed(2)} | ${f.toFixed(2)} | ${rc.toFixed(2)} | ${fc.toFixed(2)} | ${(rc / fc).toFixed(2)}× |\n`,
    );
  }
  out.write(
    `| outside the rules (image tangent, softmax tangent, reshapes) | ${(total - inRules).toFixed(2)} | | ${(cpuTotal - inRulesCpu).toFixed(2)} | | |\n\n`,
  );
  const kindTotal = [...kinds.values()].reduce((a, e) => a + med(e.ms), 0);
  out.write(
    `Kernels by kind of work (tf.profile of ${profileReps} whole calls: median wall ms per call, its share; kernel count and MiB written per call, which do not depend on the load):\n\n`,
  );
  out.write('| kind | ms | share | kernels | MiB written |\n|---|---|---|---|---|\n');
  for (const [kind, e] of [...kinds].sort((a, b) => med(b[1].ms) - med(a[1].ms)))
    out.write(
      `| ${kind} | ${med(e.ms).toFixed(2)} | ${((100 * med(e.ms)) / kindTotal).toFixed(1)}% | ${e.calls} | ${e.mib.toFixed(1)} |\n`,
    );
  out.write('\n');
  out.write('| kernel | ms | calls |\n|---|---|---|\n');
  for (const [name, e] of [...kernels].sort((a, b) => b[1].ms - a[1].ms))
    out.write(`| ${name} | ${e.ms.toFixed(2)} | ${e.calls} |\n`);
  out.write(
    JSON.stringify({
      model,
      batch,
      groups,
      totalMs: total,
      forwardMs: fwd,
      cpuTotalMs: cpuTotal,
      cpuForwardMs: cpuFwd,
      load0,
      load,
      rules: Object.fromEntries([...ruleMs].map(([k, v]) => [k, med(v)])),
      kernels: Object.fromEntries(kernels),
      kinds: Object.fromEntries([...kinds].map(([k, e]) => [k, { ms: med(e.ms), kernels: e.calls, mib: e.mib }])),
    }) + '\n',
  );
  images.dispose();
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
