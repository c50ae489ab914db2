import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend';
import { UnknownNameError, LiederivError } from '../src/errors';

describe('useBackend', () => {
  it("'auto' on a machine without tfjs-node or a GPU adapter picks wasm and says why", async () => {
    // This machine (and CI) has no tfjs-node and no Vulkan: the order of DESIGN §7 ends at wasm.
    const report = await useBackend('auto');
    assert.equal(report.backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(report.line, /^liederiv backend: wasm/);
    assert.ok(report.reasons.some((r) => r.includes('tfjs-node-gpu')), report.line);
    assert.ok(report.reasons.some((r) => r.startsWith('webgpu')), report.line);
  });

  it('leaves no process-level error handlers from the wasm glue (a later error must not kill a kernel)', async () => {
    const before = process.listeners('unhandledRejection').length + process.listeners('uncaughtException').length;
    await useBackend('cpu');
    await useBackend('wasm');
    const after = process.listeners('unhandledRejection').length + process.listeners('uncaughtException').length;
    assert.equal(after, before);
  });

  it('honours LIEDERIV_BACKEND when no name is given', async () => {
    process.env.LIEDERIV_BACKEND = 'cpu';
    try {
      assert.equal((await useBackend()).backend, 'cpu');
    } finally {
      delete process.env.LIEDERIV_BACKEND;
    }
  });

  it('rejects unknown names listing the valid ones, and never silently falls back from an explicit choice', async () => {
    await assert.rejects(useBackend('gpu'), (e: unknown) => e instanceof UnknownNameError && /valid: auto, tensorflow, webgpu, wasm, cpu/.test(e.message));
    await assert.rejects(useBackend('tensorflow'), (e: unknown) => e instanceof LiederivError && /not available/.test((e as Error).message));
    await useBackend('cpu');
    await assert.rejects(useBackend('webgpu'), /not available: webgpu/);
    assert.equal(tf.getBackend(), 'cpu', 'a failed explicit request leaves the previous backend active');
  });
});
