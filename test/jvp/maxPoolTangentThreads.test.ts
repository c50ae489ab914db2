/**
 * The max-pool tangent kernel on multi-threaded wasm: a helper worker thread takes half of the
 * output rows (src/jvp/maxPoolTangent.ts, `helper`). In a fresh process with 2 wasm threads, for
 * SmallCNN's pool shape, ResNet's stem pool (3×3/2 'same', a batch of one image: the split is by
 * rows, not images) and k = 2 stacked directions, with ties and NaN planted: the result equals the
 * cpu backend's (the same loop on one thread) bit for bit, the helper really ran, and the process
 * exits by itself (the worker is unref'd).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const SRC = path.resolve(__dirname, '..', '..', 'src');
const script = `
  const tf = require('@tensorflow/tfjs');
  const { useBackend } = require(${JSON.stringify(path.join(SRC, 'backend.js'))});
  const mp = require(${JSON.stringify(path.join(SRC, 'jvp', 'maxPoolTangent.js'))});
  const cases = [
    { shape: [16, 32, 32, 32], k: 1, f: [2, 2], s: [2, 2], pad: 'valid' },
    { shape: [1, 112, 112, 64], k: 1, f: [3, 3], s: [2, 2], pad: 'same' },
    { shape: [4, 41, 41, 40], k: 2, f: [2, 2], s: [2, 2], pad: 'same' },
  ];
  const run = () => cases.map(({ shape, k, f, s, pad }) => {
    const n = shape.reduce((a, b) => a * b);
    const xs = Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? NaN : i % 3 === 0 ? Math.max(0, ((i * 7919) % 3) - 1) : Math.sin(i * 1.3)));
    const x = tf.tensor4d(xs, shape);
    const v = tf.randomUniform([k * shape[0], ...shape.slice(1)], -1, 1, 'float32', 3);
    const t = mp.maxPoolTangent(x, v, k, f, s, pad);
    const out = Array.from(t.dataSync(), (z) => (Number.isNaN(z) ? 'NaN' : z));
    tf.dispose([x, v, t]);
    return out;
  });
  (async () => {
    const r = await useBackend('wasm', { wasmThreads: 2 });
    const wasm = run();
    const jobs = mp.maxPoolTangentHelperJobs();
    await useBackend('cpu');
    const cpu = run();
    console.log(JSON.stringify({ line: r.line, jobs, same: wasm.map((w, i) => JSON.stringify(w) === JSON.stringify(cpu[i])), sizes: wasm.map((w) => w.length) }));
  })();`;

describe('max-pool tangent kernel, threaded wasm', () => {
  it('splits the rows with a helper thread, equals the one-thread loop bit for bit, and the process exits', () => {
    const r = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
      cwd: path.resolve(__dirname, '..', '..', '..'),
    });
    assert.equal(
      r.status,
      0,
      `exit ${r.status} (signal ${r.signal}; a timeout means the helper kept the process alive): ${r.stderr}`,
    );
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
      line: string;
      jobs: number;
      same: boolean[];
      sizes: number[];
    };
    assert.match(out.line, /2 threads/);
    assert.equal(out.jobs, 3, 'the helper did half of each of the three kernels');
    assert.deepEqual(out.same, [true, true, true], `sizes ${out.sizes}`);
  });
});
