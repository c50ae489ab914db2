/**
 * Backend selection (DESIGN §7): 'auto' tries tfjs-node-gpu → tfjs-node → WebGPU (Dawn, `webgpu`
 * npm package; on Linux only where a GPU is plausible, see webgpuImplausible) → wasm → cpu.
 * `LIEDERIV_BACKEND` overrides the default argument.
 */
import * as tf from '@tensorflow/tfjs';
import { checkName, InputError, LiederivError } from './errors';

export const BACKEND_NAMES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendReport {
  /** The tfjs backend now active: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu'. */
  backend: string;
  /** What was asked for ('auto' or a name). */
  requested: BackendName;
  /** Why this one, and why not the ones before it in the order. */
  reasons: string[];
  /** One line for logs and notebooks. */
  line: string;
}

/** Either `detail` (it worked: what was chosen) or `why` (why not). Not a discriminated union:
 * tslab compiles without strictNullChecks, where boolean discriminants do not narrow. */
type Attempt = { ok: boolean; detail?: string; why?: string };

/** Requires a module by name, returning undefined when it is not installed (other errors propagate). */
function optionalRequire(name: string): unknown {
  try {
    return require(name);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(name)) return undefined;
    throw err;
  }
}

/** tfjs-node(-gpu) registers the 'tensorflow' backend when its native binding loads. */
async function tryTensorflow(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<Attempt> {
  let mod: unknown;
  try {
    mod = optionalRequire(pkg);
  } catch (err) {
    return { ok: false, why: `${pkg} is installed but failed to load: ${(err as Error).message.split('\n')[0]}` };
  }
  if (mod === undefined) return { ok: false, why: `${pkg} not installed` };
  // danfojs-node's dependency on tfjs-node is satisfied by a shim that registers nothing.
  if (!tf.findBackendFactory('tensorflow'))
    return { ok: false, why: `${pkg} is liederiv's shim, not the native binding` };
  if (!(await tf.setBackend('tensorflow')))
    return { ok: false, why: `${pkg} loaded but its backend failed to initialise` };
  return { ok: true, detail: pkg };
}

const WEBGPU_TIMEOUT_MS = 10_000;

/** Where Linux distributions put the Vulkan loader that Dawn dlopens. */
const VULKAN_LOADER_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib/x86_64-linux-gnu',
  '/lib64',
  '/usr/local/lib',
];
/** Device nodes a GPU driver creates (DRM render nodes, NVIDIA, WSL's D3D12 bridge). */
const GPU_DEVICE_NODES = ['/dev/nvidia0', '/dev/dxg'];

export interface GpuProbeEnv {
  platform: string;
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  list(dir: string): string[];
}

const realProbeEnv = (): GpuProbeEnv => {
  const fs = require('fs') as typeof import('fs');
  return {
    platform: process.platform,
    env: process.env,
    exists: (p) => fs.existsSync(p),
    list: (d) => {
      try {
        return fs.readdirSync(d);
      } catch {
        return [];
      }
    },
  };
};

/**
 * Whether 'auto' should probe WebGPU at all. Dawn prints a two-line "Couldn't load Vulkan"
 * warning to stderr (from native code, so it cannot be silenced) whenever it looks for an
 * adapter on a Linux machine without a Vulkan loader — on every CPU machine, every command. So on
 * Linux 'auto' probes only where a GPU is plausible: a Vulkan loader (libvulkan.so.1) and a GPU
 * device node exist. macOS (Metal) and Windows (D3D12) are always probed. LIEDERIV_WEBGPU_PROBE=1
 * forces the probe, and `--backend webgpu` always probes (an explicit request may be noisy).
 * Returns undefined when plausible, else why not.
 */
export function webgpuImplausible(probe: GpuProbeEnv = realProbeEnv()): string | undefined {
  if (probe.env.LIEDERIV_WEBGPU_PROBE === '1') return undefined;
  if (probe.platform !== 'linux') return undefined;
  const dirs = [...(probe.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...VULKAN_LOADER_DIRS];
  if (!dirs.some((d) => probe.exists(`${d}/libvulkan.so.1`)))
    return 'webgpu: not probed, no Vulkan loader (libvulkan.so.1) found; --backend webgpu or LIEDERIV_WEBGPU_PROBE=1 probes anyway (environment.md)';
  const render = probe.list('/dev/dri').some((n) => n.startsWith('renderD'));
  if (!render && !GPU_DEVICE_NODES.some((n) => probe.exists(n)))
    return 'webgpu: not probed, no GPU device (/dev/dri/renderD*, /dev/nvidia0) found; --backend webgpu or LIEDERIV_WEBGPU_PROBE=1 probes anyway';
  return undefined;
}

/** 'auto''s WebGPU step: skipped without printing anything where no GPU is plausible. */
async function tryWebgpuIfPlausible(): Promise<Attempt> {
  const why = webgpuImplausible();
  return why ? { ok: false, why } : tryWebgpu();
}

/** The `webgpu` package (Dawn's Node binding): what tryWebgpu uses of it. */
type Dawn = { create(flags: string[]): unknown; globals: Record<string, unknown> };
type GpuLike = { requestAdapter(): Promise<unknown> };

async function tryWebgpu(): Promise<Attempt> {
  const dawn = (() => {
    try {
      return optionalRequire('webgpu') as Dawn | undefined;
    } catch (err) {
      return { error: (err as Error).message.split('\n')[0] } as never;
    }
  })() as Dawn | { error: string } | undefined;
  if (dawn === undefined) return { ok: false, why: 'webgpu (Dawn) package not installed' };
  if ('error' in dawn) return { ok: false, why: `webgpu (Dawn) failed to load: ${dawn.error}` };
  // TS 5.0's DOM lib has no WebGPU: navigator.gpu is typed here, as far as this function uses it.
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  if (!g.navigator?.gpu) {
    Object.assign(g, dawn.globals);
    const gpu = dawn.create([]) as GpuLike;
    if (!g.navigator) g.navigator = { gpu };
    else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  const adapter = await Promise.race([
    g.navigator!.gpu!.requestAdapter().catch(() => null), // set just above when it was missing
    new Promise((resolve) => setTimeout(() => resolve(null), WEBGPU_TIMEOUT_MS).unref()),
  ]);
  if (!adapter)
    return { ok: false, why: 'webgpu: no GPU adapter found (needs a Vulkan loader and driver, environment.md)' };
  optionalRequire('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu')))
    return { ok: false, why: 'webgpu: adapter found but the tfjs backend failed to initialise' };
  const info = (adapter as { info?: { description?: string } }).info ?? {};
  return { ok: true, detail: `WebGPU via Dawn${info.description ? ` (${info.description})` : ''}` };
}

/**
 * The wasm glue (emscripten) installs process 'uncaughtException'/'unhandledRejection' handlers
 * that rethrow and kill the process — in a notebook, any later error would kill the kernel.
 * Remove whatever listeners appeared while the backend initialised (DESIGN §9).
 */
function withoutNewProcessHandlers<T>(init: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const emitter: NodeJS.EventEmitter = process; // the base class's listeners(name); Process overloads it per event
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  return init().finally(() => {
    for (const e of events) {
      for (const l of emitter.listeners(e))
        if (!before.get(e)!.has(l)) emitter.removeListener(e, l as (...args: unknown[]) => void);
    }
  });
}

/**
 * Makes the wasm backend's multi-threaded build start in Node, where tfjs 4.22 cannot (issue
 * tfjs#3830): (1) emscripten starts its pthread workers from `blob:` URLs that Node's
 * worker_threads cannot load — the two scripts (the worker and the module it imports) are written
 * to a temporary folder instead, and the worker imports the module by path; (2) the backend caps
 * its XNNPACK threadpool at os.cpus().length / 2 (it assumes hyper-threads), so os.cpus reports
 * 2·threads while it initialises; (3) the pthread workers are unref'd, so they never keep the
 * process alive, and the pool's spare workers are ended. Each patch is undone when initialisation ends.
 */
async function initThreadedWasm(threads: number): Promise<boolean> {
  const fs = require('fs') as typeof import('fs');
  const os = require('os') as typeof import('os');
  const path = require('path') as typeof import('path');
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setThreadsCount(n: number): void };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-wasm-threads-'));
  const mainScript = path.join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  // The Blob subclass below shadows Blob.text() with the source string, which Blob's type forbids.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  const g = globalThis as any;
  const OrigBlob = g.Blob;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back; URL's static methods ignore `this`
  const origCreateObjectURL = URL.createObjectURL;
  const origCpus = os.cpus;
  g.Blob = class extends OrigBlob {
    text?: string;
    constructor(parts: unknown[], opts?: unknown) {
      super(parts, opts);
      if (parts.every((p) => typeof p === 'string')) this.text = parts.join('');
      // The module source, which workers import: the bundle's module-level names it refers to first.
      if (this.text?.startsWith('var WasmBackendModuleThreadedSimd')) {
        const prelude = `var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis, __dirname = ${JSON.stringify(dir)};\n`;
        fs.writeFileSync(mainScript, prelude + this.text);
      }
    }
  };
  // The parameter type is taken from URL itself: tslab compiles without the DOM lib, where MediaSource does not exist.
  URL.createObjectURL = (blob: Parameters<typeof URL.createObjectURL>[0]) => {
    const importByUrl = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}';
    const text = (blob as { text?: unknown }).text; // the source string the Blob subclass above kept
    if (typeof text !== 'string' || !text.includes(importByUrl)) return origCreateObjectURL(blob);
    const worker = path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
    fs.writeFileSync(worker, text.replace(importByUrl, `if(true){importScripts(${JSON.stringify(mainScript)})}`));
    return worker;
  };
  os.cpus = () => {
    const cpus = origCpus();
    return Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  try {
    return await tf.setBackend('wasm');
  } finally {
    g.Blob = OrigBlob;
    URL.createObjectURL = origCreateObjectURL;
    os.cpus = origCpus;
    type PThread = { unusedWorkers: Array<{ terminate(): void }>; runningWorkers: Array<{ unref(): void }> };
    // emscripten's PThread is internal to the wasm backend, so tfjs's KernelBackend type has no `wasm`.
    const pthread =
      tf.getBackend() === 'wasm' ? (tf.backend() as { wasm?: { PThread?: PThread } }).wasm?.PThread : undefined;
    if (pthread) {
      // emscripten pre-spawns a pool of 8 workers (~10 MB each); the XNNPACK threadpool took what it
      // needs during init and nothing creates threads later, so the spare ones are ended.
      for (const w of pthread.unusedWorkers.splice(0)) w.terminate();
      for (const w of pthread.runningWorkers) w.unref();
    }
  }
}

/**
 * The most wasm threads chosen by default. emscripten pre-spawns 8 pthread workers and
 * initThreadedWasm ends the spare ones after start-up, so at most 8 workers exist (XNNPACK uses
 * threads − 1 of them); measured speed-up on this project's 2-core machine: bench/RESULTS.md
 * ("threads"), `node dist/bench/threads.js` measures it anywhere.
 */
export const WASM_THREADS_CAP = 8;

/** CPUs this process may use: os.availableParallelism (affinity) bounded by a cgroup CPU quota (v2 cpu.max, v1 cfs). */
export function availableCores(): number {
  const os = require('os') as typeof import('os');
  const fs = require('fs') as typeof import('fs');
  let n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  let quota: number | undefined;
  const v2 = read('/sys/fs/cgroup/cpu.max')?.split(/\s+/);
  if (v2 && v2[0] !== 'max' && Number(v2[1]) > 0) quota = Number(v2[0]) / Number(v2[1]);
  const v1q = Number(
    read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') ?? read('/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us'),
  );
  const v1p = Number(
    read('/sys/fs/cgroup/cpu/cpu.cfs_period_us') ?? read('/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us'),
  );
  if (quota === undefined && v1q > 0 && v1p > 0) quota = v1q / v1p;
  if (quota !== undefined && Number.isFinite(quota)) n = Math.min(n, Math.max(1, Math.floor(quota)));
  return Math.max(1, n);
}

/**
 * CPUs idle right now: the summed idle time of os.cpus() over `ms` milliseconds divided by the
 * elapsed time (0 … the CPU count), at most availableCores(). Sampled while this process waits.
 */
export async function idleCores(ms = 100): Promise<number> {
  const os = require('os') as typeof import('os');
  const idle = () => os.cpus().reduce((sum, c) => sum + c.times.idle, 0);
  const i0 = idle();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const idleNow = (idle() - i0) / (performance.now() - t0);
  return Math.min(availableCores(), Math.max(0, idleNow));
}

/**
 * The default wasm thread count for `idle` idle cores: ⌊idle + 0.25⌋, at least 1, at most the
 * available cores and WASM_THREADS_CAP. Only idle cores count: XNNPACK's threads wait for each
 * other at every operator, so a thread on a core another process is using stalls the rest (on this
 * project's 2-core machine at load ≈ 27, two threads ran the nine-group LEE 2.5× slower than one;
 * bench/RESULTS.md, "threads").
 */
export function threadsForIdleCores(idle: number, available = availableCores()): number {
  return Math.max(1, Math.min(WASM_THREADS_CAP, available, Math.floor(idle + 0.25)));
}

/** wasm threads for the next initialisation (undefined: choose by idle cores), and whether useBackend prints its line (it sets both). */
let wasmThreads: number | undefined;
let quietInit = true;
/** How wasm started in this process (it starts once: later calls switch back to it as it is). */
let wasmStarted: string | undefined;

async function tryWasm(): Promise<Attempt> {
  optionalRequire('@tensorflow/tfjs-backend-wasm');
  if (wasmStarted && tf.engine().registry.wasm) {
    if (!(await tf.setBackend('wasm'))) return { ok: false, why: 'wasm backend failed to initialise' };
    return { ok: true, detail: wasmStarted };
  }
  let chosen = '';
  let requestedThreads = wasmThreads;
  if (requestedThreads === undefined) {
    const idle = await idleCores();
    requestedThreads = threadsForIdleCores(idle);
    // The decision, not the measurement: the idle fraction varies from run to run, and this line is
    // part of a run's metadata (two runs of the same command must write the same file).
    chosen = `default: ${requestedThreads} of ${availableCores()} cores idle`;
  }
  const threads = requestedThreads;
  const singleThreaded = () => {
    // The multi-threaded build starts workers from a blob: URL, which Node cannot load unpatched.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return withoutNewProcessHandlers(() => tf.setBackend('wasm'));
  };
  let ok: boolean;
  let note = '';
  if (threads > 1) {
    let why = 'initialisation failed';
    try {
      ok = await withoutNewProcessHandlers(() => initThreadedWasm(threads));
    } catch (err) {
      ok = false;
      why = (err as Error).message.split('\n')[0];
    }
    if (!ok) {
      // One line, always (in the backend line when that is printed): the run is correct, only slower.
      note = `${threads} wasm threads failed to start (${why}); running single-threaded (--threads 1 / LIEDERIV_WASM_THREADS=1 silences this)`;
      if (quietInit) console.error(`liederiv: ${note}`);
      ok = await singleThreaded();
    }
  } else {
    ok = await singleThreaded();
  }
  if (!ok) return { ok: false, why: 'wasm backend failed to initialise' };
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const actual =
    threads > 1 && !note
      ? (require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number }).getThreadsCount()
      : 1;
  wasmStarted = `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${actual > 1 ? `${actual} threads` : 'single-threaded'}${chosen ? ` — ${chosen}` : ''}${note ? `; ${note}` : ''})`;
  return { ok: true, detail: wasmStarted };
}

async function tryCpu(): Promise<Attempt> {
  if (!(await tf.setBackend('cpu'))) return { ok: false, why: 'cpu backend failed to initialise' };
  return { ok: true, detail: 'cpu (pure JavaScript)' };
}

const ATTEMPTS: Record<Exclude<BackendName, 'auto'>, Array<() => Promise<Attempt>>> = {
  tensorflow: [() => tryTensorflow('@tensorflow/tfjs-node-gpu'), () => tryTensorflow('@tensorflow/tfjs-node')],
  webgpu: [tryWebgpu],
  wasm: [tryWasm],
  cpu: [tryCpu],
};

let current: BackendReport | undefined;

/**
 * Why a thread count asked for explicitly (`--threads`, a sweep's "threads") cannot apply to
 * `backend`, or undefined: only wasm has threads to set ('auto' may pick wasm). `useBackend` itself
 * ignores `wasmThreads` on other backends, since LIEDERIV_WASM_THREADS may be set for every run.
 */
export function threadsProblem(backend: string, threads: number | undefined): string | undefined {
  if (threads === undefined || backend === 'wasm' || backend === 'auto') return undefined;
  return `threads set the wasm backend's threads; backend '${backend}' has none to set: leave threads out, or use backend 'wasm'`;
}

/**
 * Selects and initialises a tfjs backend. An explicit name that cannot be used is an error
 * (never a silent fallback); 'auto' walks the order and reports why each earlier one was skipped.
 * wasm threads: `wasmThreads`, else LIEDERIV_WASM_THREADS, else one per idle core when wasm
 * starts (threadsForIdleCores: the available cores that are idle, up to WASM_THREADS_CAP); more
 * than 1 starts wasm's multi-threaded build (XNNPACK threadpool; see initThreadedWasm), and if that
 * fails, the single-threaded one with a one-line note on stderr. It takes effect the first time
 * wasm initialises in a process.
 */
export async function useBackend(
  name: string = process.env.LIEDERIV_BACKEND || 'auto',
  {
    quiet = true,
    wasmThreads: threads = process.env.LIEDERIV_WASM_THREADS ? Number(process.env.LIEDERIV_WASM_THREADS) : undefined,
  }: { quiet?: boolean; wasmThreads?: number } = {},
): Promise<BackendReport> {
  const requested = checkName('backend', name, BACKEND_NAMES);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
    throw new InputError(`wasmThreads (LIEDERIV_WASM_THREADS) must be a positive integer, got ${threads}`);
  wasmThreads = threads;
  quietInit = quiet;
  const order: Array<() => Promise<Attempt>> =
    requested === 'auto'
      ? [...ATTEMPTS.tensorflow, tryWebgpuIfPlausible, ...ATTEMPTS.wasm, ...ATTEMPTS.cpu]
      : ATTEMPTS[requested];
  const reasons: string[] = [];
  for (const attempt of order) {
    const result = await attempt();
    if (result.ok) {
      const skipped = reasons.length ? `; skipped: ${reasons.join('; ')}` : '';
      const line = `liederiv backend: ${tf.getBackend()} — ${result.detail} (${requested === 'auto' ? 'auto' : 'requested'}${skipped})`;
      current = { backend: tf.getBackend(), requested, reasons, line };
      if (!quiet) console.error(line);
      return current;
    }
    reasons.push(result.why ?? 'unavailable');
  }
  throw new LiederivError(`backend '${requested}' is not available: ${reasons.join('; ')}`, 'E_BACKEND');
}

/** The backend chosen by the last useBackend call, or a fresh 'auto' choice. */
export async function ensureBackend(): Promise<BackendReport> {
  return current && current.backend === tf.getBackend() ? current : useBackend();
}
