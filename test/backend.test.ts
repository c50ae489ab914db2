import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { useBackend, webgpuImplausible, type GpuProbeEnv } from '../src/backend';
import { UnknownNameError, LiederivError } from '../src/errors';

describe('useBackend', () => {
  it("'auto' on a machine without tfjs-node or a GPU adapter picks wasm and says why", async () => {
    // This machine (and CI) has no tfjs-node and no Vulkan: the order of DESIGN §7 ends at wasm.
    const report = await useBackend('auto');
    assert.equal(report.backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(report.line, /^liederiv backend: wasm/);
    assert.ok(
      report.reasons.some((r) => r.includes('tfjs-node-gpu')),
      report.line,
    );
    assert.ok(
      report.reasons.some((r) => r.startsWith('webgpu')),
      report.line,
    );
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
    await assert.rejects(
      useBackend('gpu'),
      (e: unknown) => e instanceof UnknownNameError && /valid: auto, tensorflow, webgpu, wasm, cpu/.test(e.message),
    );
    await assert.rejects(
      useBackend('tensorflow'),
      (e: unknown) => e instanceof LiederivError && /not available/.test((e as Error).message),
    );
    await useBackend('cpu');
    await assert.rejects(useBackend('webgpu'), /not available: webgpu/);
    assert.equal(tf.getBackend(), 'cpu', 'a failed explicit request leaves the previous backend active');
  });
});

describe("'auto' and the WebGPU probe (no Dawn noise on CPU machines)", () => {
  const probe = (
    files: string[],
    { platform = 'linux', env = {} as Record<string, string | undefined>, dri = [] as string[] } = {},
  ): GpuProbeEnv => ({
    platform,
    env,
    exists: (p) => files.includes(p),
    list: (d) => (d === '/dev/dri' ? dri : []),
  });

  it('skips the probe on Linux without a Vulkan loader, and says how to force it', () => {
    const why = webgpuImplausible(probe(['/dev/nvidia0']));
    assert.match(why ?? '', /no Vulkan loader \(libvulkan\.so\.1\).*--backend webgpu or LIEDERIV_WEBGPU_PROBE=1/);
  });

  it('skips it with a loader but no GPU device node', () => {
    assert.match(webgpuImplausible(probe(['/usr/lib/x86_64-linux-gnu/libvulkan.so.1'])) ?? '', /no GPU device/);
  });

  it('probes where a GPU is plausible (loader + NVIDIA node or DRM render node, loader on LD_LIBRARY_PATH), on macOS/Windows, or when forced', () => {
    assert.equal(webgpuImplausible(probe(['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/dev/nvidia0'])), undefined);
    assert.equal(webgpuImplausible(probe(['/usr/lib64/libvulkan.so.1'], { dri: ['card0', 'renderD128'] })), undefined);
    assert.equal(
      webgpuImplausible(probe(['/opt/vk/libvulkan.so.1', '/dev/nvidia0'], { env: { LD_LIBRARY_PATH: '/opt/vk' } })),
      undefined,
    );
    assert.equal(webgpuImplausible(probe([], { platform: 'darwin' })), undefined);
    assert.equal(webgpuImplausible(probe([], { platform: 'win32' })), undefined);
    assert.equal(webgpuImplausible(probe([], { env: { LIEDERIV_WEBGPU_PROBE: '1' } })), undefined);
  });

  it(
    'the CLI prints no Vulkan/Dawn warning under auto on this CPU machine (child process, real stderr)',
    { skip: webgpuImplausible() === undefined ? 'a GPU is plausible here: auto probes WebGPU by design' : false },
    () => {
      const bin = path.resolve(__dirname, '..', '..', 'bin', 'liederiv.js');
      const env = { ...process.env };
      delete env.LIEDERIV_BACKEND;
      delete env.LIEDERIV_WEBGPU_PROBE;
      const r = spawnSync(process.execPath, [bin, 'backend'], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^liederiv backend: wasm .*webgpu: not probed/);
      assert.doesNotMatch(r.stderr, /vulkan|dawn/i);
      assert.equal(r.stderr.trim(), '');
    },
  );
});
