/**
 * The wasm backend's multi-threaded build in Node (src/backend.ts, initThreadedWasm): it starts
 * with 2 threads in a fresh process, computes the same convolution as the single-threaded build
 * (XNNPACK splits the work, not the sums: measured identical; 1e-6 relative allows reordering),
 * and the process exits by itself (the pthread workers do not keep it alive).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TOL } from './helpers/tolerances';

const BACKEND = path.resolve(__dirname, '..', 'src', 'backend.js');
const script = (threads: number) => `
  const tf = require('@tensorflow/tfjs');
  require(${JSON.stringify(BACKEND)}).useBackend('wasm', { wasmThreads: ${threads} }).then((r) => {
    const x = tf.randomUniform([4, 20, 20, 16], -1, 1, 'float32', 1), w = tf.randomUniform([3, 3, 16, 8], -1, 1, 'float32', 2);
    console.log(JSON.stringify({ line: r.line, y: Array.from(tf.conv2d(x, w, 1, 'same').dataSync()) }));
  });`;

function run(threads: number): { line: string; y: number[] } {
  const r = spawnSync(process.execPath, ['-e', script(threads)], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: path.resolve(__dirname, '..', '..'),
  });
  assert.equal(
    r.status,
    0,
    `exit ${r.status} (signal ${r.signal}; a timeout means the workers kept it alive): ${r.stderr}`,
  );
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

describe('wasm multi-threaded build in Node', () => {
  it('starts with 2 threads, matches the single-threaded result, and exits', () => {
    const two = run(2);
    const one = run(1);
    assert.match(two.line, /wasm \(SIMD, 2 threads\)/);
    assert.match(one.line, /single-threaded/);
    let num = 0;
    let den = 0;
    two.y.forEach((v, i) => {
      num += (v - one.y[i]) ** 2;
      den += one.y[i] ** 2;
    });
    assert.ok(Math.sqrt(num / den) < TOL.float32FewOps, `relative difference ${Math.sqrt(num / den)}`);
  });
});
