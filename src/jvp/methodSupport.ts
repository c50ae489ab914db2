/**
 * Which JVP methods work for a given model on a given backend — checked before a method is run or
 * suggested, so that no fallback an error message names crashes (tfjs 4.22: wasm has no Einsum
 * kernel; ResizeBilinearGrad, StridedSlice, Einsum, comparisons have no gradient; see docs/OPS.md).
 *
 * How: the method runs once on a one-image probe input (batch 1, value 0.5, k = 1) on that backend,
 * inside tf.profile, which lists every kernel tfjs executed; a missing kernel or gradient shows as
 * tfjs's error and is reported by name. On top of that, kernels whose tfjs results are known to be
 * wrong for the method and backend (KNOWN_WRONG) make it unsupported even when it runs. The probe
 * switches the global backend for its duration and always switches back.
 */
import * as tf from '@tensorflow/tfjs';
import { LiederivError } from '../errors';
import { jvpDoubleVjp } from './doubleVjp';
import { jvpFiniteDifference } from './finiteDifference';
import { modelFunction } from './modelFunction';
import { releaseFailedTape } from './tape';

export { releaseFailedTape } from './tape';

export type FallbackMethod = 'fd' | 'double-vjp';
export const FALLBACK_METHODS: readonly FallbackMethod[] = ['fd', 'double-vjp'];

export interface MethodSupport {
  ok: boolean;
  /** What is missing or wrong, e.g. "kernel 'Einsum' (not registered on wasm)", "gradient of 'ResizeBilinearGrad'". */
  missing: string[];
  /** The tfjs kernels the probe ran (empty when it failed before any). */
  kernels: string[];
}

/**
 * Kernels whose tfjs 4.22 results are wrong (no error) for a method on a backend. Each entry is a
 * finding of test/jvp/rules/ops/*.test.ts against an independent oracle (docs/OPS.md).
 */
const KNOWN_WRONG: ReadonlyArray<{
  kernel: string;
  method: FallbackMethod | 'any';
  backend: string | 'any';
  why: string;
}> = [
  {
    kernel: 'ResizeBilinearGrad',
    method: 'double-vjp',
    backend: 'any',
    why: "tfjs's ResizeBilinearGrad ignores half_pixel_centers (cpu and wasm; cpu also swaps height and width)",
  },
  {
    kernel: 'ResizeNearestNeighborGrad',
    method: 'double-vjp',
    backend: 'any',
    why: "tfjs's ResizeNearestNeighborGrad ignores half_pixel_centers (cpu and wasm)",
  },
  {
    kernel: 'MirrorPad',
    method: 'double-vjp',
    backend: 'any',
    why: "tfjs's MirrorPad gradient disagrees with finite differences (SYMMETRIC mode)",
  },
  {
    kernel: 'Transform',
    method: 'any',
    backend: 'cpu',
    why: "tfjs's cpu Transform kernel returns only the fill value for every image after the first",
  },
];

/** The backends a probe can switch to: registered with tfjs in this process. */
export function availableBackends(): string[] {
  const registry = tf.engine().registryFactory;
  return Object.keys(registry);
}

/** A batch-1 probe input of the model's input shape (unknown non-batch sizes become 32). */
function probeInput(model: tf.LayersModel | tf.GraphModel): tf.Tensor {
  const shape = (model.inputs[0]?.shape ?? []) as Array<number | null>;
  const dims = shape.map((d, i) => (i === 0 || d === null || d === undefined || d < 0 ? (i === 0 ? 1 : 32) : d));
  return tf.fill(dims, 0.5);
}

/** Names the kernel or gradient a raw tfjs error says is missing (or undefined). */
export function missingFromError(err: unknown, _backend: string): string | undefined {
  const msg = String((err as Error)?.message ?? err);
  const kernel = /Kernel '([\w]+)' not registered for backend '(\w+)'/.exec(msg);
  if (kernel) return `kernel '${kernel[1]}' (not registered on ${kernel[2]})`;
  const grad = /gradient function not found for (\w+)/i.exec(msg);
  if (grad) return `gradient of '${grad[1]}' (tfjs defines none)`;
  const shapeBug = /Error in gradient for op (\w+)/.exec(msg);
  if (shapeBug) return `gradient of '${shapeBug[1]}' (tfjs's gradient has the wrong shape here)`;
  return undefined;
}

async function onBackend<T>(backend: string, fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  if (backend === previous) return fn();
  if (!(await tf.setBackend(backend)))
    throw new LiederivError(`backend '${backend}' could not be initialised for a method check`, 'E_BACKEND');
  try {
    return await fn();
  } finally {
    await tf.setBackend(previous);
  }
}

/**
 * Whether `method` runs, and gives numbers tfjs is not known to get wrong, for this model on
 * `backendName` (default: the active backend). Never throws for a missing kernel or gradient:
 * those come back in `missing`. Leaves tf.memory().numTensors unchanged.
 */
export async function methodSupport(
  model: tf.LayersModel | tf.GraphModel,
  method: FallbackMethod,
  backendName: string = tf.getBackend(),
): Promise<MethodSupport> {
  if (!availableBackends().includes(backendName))
    return { ok: false, missing: [`backend '${backendName}' (not available in this process)`], kernels: [] };
  return onBackend(backendName, async () => {
    const missing: string[] = [];
    let kernels: string[] = [];
    const f = modelFunction(model);
    const x = probeInput(model);
    try {
      const info = await tf.profile(() =>
        tf.tidy(() => {
          const v = tf.onesLike(x);
          const d = method === 'fd' ? jvpFiniteDifference(f, x, v, 1) : jvpDoubleVjp(f, x, v, 1);
          return [d.primal, d.tangent];
        }),
      );
      kernels = [...info.kernelNames].sort();
      tf.dispose(info.result as tf.Tensor[]);
    } catch (err) {
      // tf.profile leaves the engine in profiling mode when its function throws.
      tf.engine().state.profiling = false;
      releaseFailedTape();
      const cause = (err as { cause?: unknown }).cause ?? err;
      missing.push(
        missingFromError(cause, backendName) ??
          missingFromError(err, backendName) ??
          `a tfjs error: ${String((err as Error)?.message ?? err).split('\n')[0]}`,
      );
    } finally {
      x.dispose();
    }
    for (const w of KNOWN_WRONG) {
      if (
        kernels.includes(w.kernel) &&
        (w.method === 'any' || w.method === method) &&
        (w.backend === 'any' || w.backend === backendName)
      ) {
        missing.push(`correct '${w.kernel}' results (${w.why})`);
      }
    }
    return { ok: missing.length === 0, missing, kernels };
  });
}

/**
 * Method/backend combinations that work for this model, as CLI flags, best first: the active
 * backend (`backendName`) before the others, fd (forward kernels only) before double-vjp.
 * E.g. ['--method fd', '--backend cpu --method fd']. Empty when none works.
 */
export async function workingFallbacks(
  model: tf.LayersModel | tf.GraphModel,
  backendName: string = tf.getBackend(),
): Promise<string[]> {
  const backends = [backendName, ...availableBackends().filter((b) => b !== backendName)];
  const out: string[] = [];
  for (const backend of backends) {
    for (const method of FALLBACK_METHODS) {
      const s = await methodSupport(model, method, backend);
      if (s.ok) out.push(backend === backendName ? `--method ${method}` : `--backend ${backend} --method ${method}`);
    }
  }
  return out;
}

/** The fallback sentence for UnsupportedLayerError (its `fallbacks` argument) from workingFallbacks' result. */
export function fallbackText(combos: readonly string[]): string {
  if (combos.length === 0)
    return 'No fallback method works for this model on the backends available here (fd and double-vjp were checked).';
  return `Fallbacks checked for this model: ${combos.map((c) => `\`${c}\``).join(', ')}.`;
}

/** What was being done when tfjs failed, for wrapTfjsError's message. */
export interface ErrorContext {
  /** e.g. 'forward-mode JVP', 'loading', 'finite differences'. */
  what: string;
  model?: string;
  /** A layer or node name, with its class or op when known: "conv1 (Conv2D)". */
  layer?: string;
  method?: string;
  backend?: string;
  /** A sentence naming what to do instead (e.g. fallbackText(...)). */
  hint?: string;
}

/**
 * Turns any error tfjs throws into a LiederivError that says what was being done: model, layer or
 * op, method, backend, tfjs's own first line, and a hint. LiederivErrors pass through unchanged.
 * Missing kernels and gradients get code E_UNSUPPORTED, everything else E_TFJS. The raw error is
 * kept as `cause`.
 */
export function wrapTfjsError(err: unknown, ctx: ErrorContext): LiederivError {
  if (err instanceof LiederivError) return err;
  const backend = ctx.backend ?? tf.getBackend();
  const first = String((err as Error)?.message ?? err)
    .split('\n')[0]
    .trim();
  const missing = missingFromError(err, backend);
  const where = [
    ctx.model && `model '${ctx.model}'`,
    ctx.layer && `at ${ctx.layer}`,
    ctx.method && `method '${ctx.method}'`,
    `backend '${backend}'`,
  ]
    .filter(Boolean)
    .join(', ');
  const what = missing ? `needs ${missing}` : `failed inside tfjs: ${first}`;
  const detail = missing ? ` (tfjs: ${first})` : '';
  const wrapped = new LiederivError(
    `${ctx.what} (${where}) ${what}${detail}.${ctx.hint ? ` ${ctx.hint}` : ''}`,
    missing ? 'E_UNSUPPORTED' : 'E_TFJS',
  );
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}

/** Runs fn, rethrowing any raw tfjs error through wrapTfjsError(ctx). */
export async function withTfjsContext<T>(ctx: ErrorContext, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrapTfjsError(err, ctx);
  }
}
