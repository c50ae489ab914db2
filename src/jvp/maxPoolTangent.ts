import * as tf from '@tensorflow/tfjs';
import { mulTiled } from './tile';

/**
 * Max-pool tangent: ẏ at each output is ẋ at the window's argmax (the first maximum in row-major
 * scan order, as TF and PyTorch pick it; padded entries never win).
 *
 * Convention:
 *  - x: [B, H, W, C] (NHWC); v: [k·B, H, W, C]; returns the tangent [k·B, Ho, Wo, C].
 *  - padding 'same' pads with −∞ (never selected), TF's split (extra row/column after); a number
 *    pads that many on each side (tf.maxPool's explicit pad).
 *  - on cpu and wasm: one kernel (MAX_POOL_TANGENT_KERNEL, a loop over the tensors' memory: each
 *    output reads its window of x once and copies one v entry per direction). Elsewhere (webgpu,
 *    tensorflow): forward ops only (argMax, one-hot masks, pooling and depthwise convolutions with
 *    one-hot filters, `maxPoolTangentOps`). Both exact: the tangent is only copied.
 *  - also the second-order gradient of MaxPoolGrad (src/jvp/gradients/).
 *  - memory: returns one new tensor.
 */
export function maxPoolTangent(
  x: tf.Tensor4D,
  v: tf.Tensor4D,
  k: number,
  filterSize: [number, number],
  strides: [number, number],
  padding: 'same' | 'valid' | number,
): tf.Tensor4D {
  if (x.dtype === 'float32' && v.dtype === 'float32' && tf.getKernel(MAX_POOL_TANGENT_KERNEL, tf.getBackend())) {
    const [, H, W] = x.shape;
    const attrs = { k, ...poolGeometry(H, W, filterSize, strides, padding) };
    return tf.engine().runKernel(MAX_POOL_TANGENT_KERNEL, { x, v }, attrs as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return maxPoolTangentOps(x, v, k, filterSize, strides, padding);
}

/** Output size and the padding before the first row/column (TF's split for 'same'). */
function poolGeometry(
  H: number,
  W: number,
  [fh, fw]: [number, number],
  [sh, sw]: [number, number],
  padding: 'same' | 'valid' | number,
): PoolAttrs {
  if (padding === 'same') {
    const Ho = Math.ceil(H / sh);
    const Wo = Math.ceil(W / sw);
    const top = Math.floor(Math.max((Ho - 1) * sh + fh - H, 0) / 2);
    const left = Math.floor(Math.max((Wo - 1) * sw + fw - W, 0) / 2);
    return { fh, fw, sh, sw, top, left, Ho, Wo };
  }
  const p = padding === 'valid' ? 0 : padding;
  return {
    fh,
    fw,
    sh,
    sw,
    top: p,
    left: p,
    Ho: Math.floor((H + 2 * p - fh) / sh) + 1,
    Wo: Math.floor((W + 2 * p - fw) / sw) + 1,
  };
}

interface PoolAttrs {
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
  Ho: number;
  Wo: number;
}

/** The kernel's name in tfjs' registry (cpu and wasm). */
export const MAX_POOL_TANGENT_KERNEL = 'LiederivMaxPoolTangent';

/**
 * out[d, b, i, j, c] = v[d, b, r*, q*, c] with (r*, q*) the first strict maximum of x[b, ·, ·, c]
 * over window (i, j) in row-major order, padding excluded. Channels innermost, so x and v are
 * read along contiguous memory. A window whose entries are all NaN (or that lies in the padding)
 * takes its first entry (or 0).
 */
function maxPoolTangentLoop(
  x: Float32Array,
  v: Float32Array,
  out: Float32Array,
  [B, H, W, C]: number[],
  k: number,
  a: PoolAttrs,
  rowFrom = 0,
  rowTo = B * a.Ho,
): void {
  // Self-contained (no closure, no import): its source also runs in the helper worker (`helper`).
  const { fh, fw, sh, sw, top, left, Ho, Wo } = a;
  const inPlane = B * H * W * C;
  const outPlane = B * Ho * Wo * C;
  // Offsets of a window's entries from its first one, row-major; windows cut by the padding get their own list.
  const taps = new Int32Array(fh * fw);
  for (let r = 0; r < fh; r++) for (let q = 0; q < fw; q++) taps[r * fw + q] = (r * W + q) * C;
  const cut = new Int32Array(fh * fw);
  // Output rows (b, i) flattened: [rowFrom, rowTo) of B·Ho, so two threads can split any batch.
  for (let row = rowFrom; row < rowTo; row++) {
    const b = Math.floor(row / Ho);
    const i = row - b * Ho;
    {
      const r0 = Math.max(i * sh - top, 0);
      const r1 = Math.min(i * sh - top + fh, H);
      for (let j = 0; j < Wo; j++) {
        const q0 = Math.max(j * sw - left, 0);
        const q1 = Math.min(j * sw - left + fw, W);
        const o = ((b * Ho + i) * Wo + j) * C;
        if (r0 >= r1 || q0 >= q1) {
          for (let d = 0; d < k; d++) out.fill(0, d * outPlane + o, d * outPlane + o + C);
          continue;
        }
        let offs = taps;
        let n = fh * fw;
        if (r1 - r0 !== fh || q1 - q0 !== fw) {
          n = 0;
          for (let r = 0; r < r1 - r0; r++) for (let q = 0; q < q1 - q0; q++) cut[n++] = (r * W + q) * C;
          offs = cut;
        }
        const first = ((b * H + r0) * W + q0) * C;
        if (n === 4 && offs === taps && fw === 2) {
          // 2×2 windows (most CNNs' pools), unrolled: the same first-maximum rule as below.
          const o1 = C;
          const o2 = W * C;
          const o3 = W * C + C;
          for (let c = 0; c < C; c++) {
            const base = first + c;
            // g = 1 where the candidate wins (strictly greater, or a number after a NaN), else 0;
            // the offset moves by arithmetic and the running maximum is reread from x, so no branch
            // depends on the data (activations mispredict about half of them: 1.5× slower). Unary +
            // on the comparisons, not ?: or ||, which V8 compiles to branches.
            let bo = 0;
            let bv = x[base];
            let val = x[base + o1];
            let g = +(val > bv) | (+(bv !== bv) & +(val === val));
            bo += g * (o1 - bo);
            bv = x[base + bo];
            val = x[base + o2];
            g = +(val > bv) | (+(bv !== bv) & +(val === val));
            bo += g * (o2 - bo);
            bv = x[base + bo];
            val = x[base + o3];
            g = +(val > bv) | (+(bv !== bv) & +(val === val));
            bo += g * (o3 - bo);
            const src = base + bo;
            for (let d = 0; d < k; d++) out[d * outPlane + o + c] = v[d * inPlane + src];
          }
          continue;
        }
        for (let c = 0; c < C; c++) {
          const base = first + c;
          let bv = x[base];
          let bo = 0;
          for (let t = 1; t < n; t++) {
            const val = x[base + offs[t]];
            // Strictly greater: the first maximum wins ties. NaN never wins; a NaN first entry gives
            // way to the first number. Branch-free as in the 2×2 case.
            const g = +(val > bv) | (+(bv !== bv) & +(val === val));
            bo += g * (offs[t] - bo);
            bv = x[base + bo];
          }
          const src = base + bo;
          for (let d = 0; d < k; d++) out[d * outPlane + o + c] = v[d * inPlane + src];
        }
      }
    }
  }
}

/** Below this many outputs the loop takes < ~0.5 ms and a second thread is not worth waking. */
const HELPER_MIN_OUTPUTS = 1 << 16;
/** How long the calling thread waits for the helper's half before doing it itself (and retiring the helper). */
const HELPER_TIMEOUT_MS = 30_000;

interface HelperJob {
  buffer: SharedArrayBuffer;
  /** [byteOffset, length] of each array in `buffer`. */
  x: [number, number];
  v: [number, number];
  out: [number, number];
  shape: number[];
  k: number;
  a: PoolAttrs;
  rowFrom: number;
  rowTo: number;
}

let helperState: { run(job: HelperJob): void; join(): boolean } | null | undefined;
let helperJobs = 0;
let helperEnabled = true;

/** Turns the helper worker off (or back on) for this process: bench/profile.ts --no-pool-helper, the "before" of a profile. */
export function useMaxPoolTangentHelper(enabled: boolean): void {
  helperEnabled = enabled;
}

/** Jobs the helper worker has finished in this process (0 where it never ran: single-threaded wasm, cpu, small tensors). For tests and profiles. */
export function maxPoolTangentHelperJobs(): number {
  return helperJobs;
}

/**
 * One worker thread (node:worker_threads, started on first use, unref'd so it never keeps the
 * process alive) running maxPoolTangentLoop on a range of output rows of arrays in the threaded
 * wasm heap (a SharedArrayBuffer). The wasm kernels run on XNNPACK's threads, but this loop is
 * JavaScript on the calling thread: with 2 wasm threads it was ~20% of a SmallCNN one-group call
 * while the other core idled. `join` blocks (Atomics.wait) until the worker has finished, or
 * returns false after HELPER_TIMEOUT_MS or if the worker died (then the caller does the rows itself).
 * Only where worker_threads and Atomics.wait on the calling thread exist (Node); elsewhere null.
 */
function helper(): { run(job: HelperJob): void; join(): boolean } | null {
  if (helperState !== undefined) return helperState;
  helperState = null;
  if (typeof process === 'undefined' || !process.versions?.node) return null;
  try {
    // Not a literal module name: a browser bundle of this file must not try to resolve it.
    const workerThreads = 'node:worker_threads';
    const { Worker } = require(workerThreads) as typeof import('node:worker_threads');
    const done = new Int32Array(new SharedArrayBuffer(4));
    const source = `
      const { parentPort } = require('node:worker_threads');
      const loop = ${maxPoolTangentLoop.toString()};
      parentPort.on('message', ({ job, done }) => {
        const view = ([off, len]) => new Float32Array(job.buffer, off, len);
        try {
          loop(view(job.x), view(job.v), view(job.out), job.shape, job.k, job.a, job.rowFrom, job.rowTo);
          Atomics.store(done, 0, 1);
        } catch (e) {
          Atomics.store(done, 0, 2);
        }
        Atomics.notify(done, 0);
      });`;
    const worker = new Worker(source, { eval: true });
    worker.unref();
    let alive = true;
    const retire = () => {
      alive = false;
      helperState = null;
      void worker.terminate();
    };
    worker.on('error', retire);
    worker.on('exit', () => (alive = false));
    helperState = {
      run(job) {
        Atomics.store(done, 0, 0);
        worker.postMessage({ job, done });
      },
      join() {
        if (!alive) return false;
        const r = Atomics.wait(done, 0, 0, HELPER_TIMEOUT_MS);
        if (r === 'timed-out' || Atomics.load(done, 0) !== 1) {
          retire();
          return false;
        }
        helperJobs++;
        return true;
      },
    };
  } catch {
    helperState = null;
  }
  return helperState;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function outShape(x: tf.TensorInfo, v: tf.TensorInfo, a: PoolAttrs): number[] {
  return [v.shape[0], a.Ho, a.Wo, x.shape[3]];
}

tf.registerKernel({
  kernelName: MAX_POOL_TANGENT_KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }: KernelArgs) => {
    const { x, v } = inputs as { x: tf.TensorInfo; v: tf.TensorInfo };
    // tfjs types kernel attrs as NamedAttrMap; these are the attrs maxPoolTangent() passes (a plain PoolAttrs record).
    const a = attrs as unknown as PoolAttrs & { k: number };
    const wasm = backend as {
      makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
      typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
    };
    const out = wasm.makeOutput(outShape(x, v, a), 'float32');
    // Views on the heap taken after makeOutput (which may grow, and so detach, the heap).
    const xs = wasm.typedArrayFromHeap(x);
    const vs = wasm.typedArrayFromHeap(v);
    const os = wasm.typedArrayFromHeap(out);
    const rows = x.shape[0] * a.Ho;
    const shared = typeof SharedArrayBuffer !== 'undefined' && xs.buffer instanceof SharedArrayBuffer;
    const split = helperEnabled && shared && rows >= 2 && os.length >= HELPER_MIN_OUTPUTS ? helper() : undefined;
    if (!split) {
      maxPoolTangentLoop(xs, vs, os, x.shape, a.k, a);
      return out;
    }
    // Threaded wasm (its heap is shared memory): the helper worker takes the second half of the
    // output rows while this thread does the first; disjoint writes, the same loop, so the same result.
    const mid = Math.floor(rows / 2);
    split.run({
      buffer: xs.buffer as SharedArrayBuffer,
      x: [xs.byteOffset, xs.length],
      v: [vs.byteOffset, vs.length],
      out: [os.byteOffset, os.length],
      shape: x.shape,
      k: a.k,
      a,
      rowFrom: mid,
      rowTo: rows,
    });
    maxPoolTangentLoop(xs, vs, os, x.shape, a.k, a, 0, mid);
    if (!split.join()) maxPoolTangentLoop(xs, vs, os, x.shape, a.k, a, mid, rows); // the helper did not answer: do its half here
    return out;
  },
});

tf.registerKernel({
  kernelName: MAX_POOL_TANGENT_KERNEL,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }: KernelArgs) => {
    const { x, v } = inputs as { x: tf.TensorInfo; v: tf.TensorInfo };
    // tfjs types kernel attrs as NamedAttrMap; these are the attrs maxPoolTangent() passes (a plain PoolAttrs record).
    const a = attrs as unknown as PoolAttrs & { k: number };
    const cpu = backend as {
      data: { get(id: unknown): { values: Float32Array } };
      makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
    };
    const shape = outShape(x, v, a);
    const out = new Float32Array(shape.reduce((p, n) => p * n, 1));
    maxPoolTangentLoop(cpu.data.get(x.dataId).values, cpu.data.get(v.dataId).values, out, x.shape, a.k, a);
    return cpu.makeTensorInfo(shape, 'float32', out);
  },
});

/** maxPoolTangent by forward ops only, for backends without the kernel (and as its cross-check). */
export function maxPoolTangentOps(
  x: tf.Tensor4D,
  v: tf.Tensor4D,
  k: number,
  filterSize: [number, number],
  strides: [number, number],
  padding: 'same' | 'valid' | number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, H, W] = x.shape;
    const [fh, fw] = filterSize;
    const [sh, sw] = strides;
    let xp: tf.Tensor4D = x;
    let vp: tf.Tensor4D = v;
    let Ho: number;
    let Wo: number;
    if (typeof padding === 'number') {
      Ho = Math.floor((H + 2 * padding - fh) / sh) + 1;
      Wo = Math.floor((W + 2 * padding - fw) / sw) + 1;
      const pads: Array<[number, number]> = [
        [0, 0],
        [padding, padding],
        [padding, padding],
        [0, 0],
      ];
      if (padding > 0) {
        xp = tf.pad(x, pads, -Infinity);
        vp = tf.pad(v, pads, 0);
      }
    } else if (padding === 'same') {
      Ho = Math.ceil(H / sh);
      Wo = Math.ceil(W / sw);
      const ph = Math.max((Ho - 1) * sh + fh - H, 0);
      const pw = Math.max((Wo - 1) * sw + fw - W, 0);
      const pads: Array<[number, number]> = [
        [0, 0],
        [Math.floor(ph / 2), ph - Math.floor(ph / 2)],
        [Math.floor(pw / 2), pw - Math.floor(pw / 2)],
        [0, 0],
      ];
      if (ph > 0 || pw > 0) {
        xp = tf.pad(x, pads, -Infinity);
        vp = tf.pad(v, pads, 0);
      }
    } else {
      Ho = Math.floor((H - fh) / sh) + 1;
      Wo = Math.floor((W - fw) / sw) + 1;
    }
    if (fh === sh && fw === sw) return tilesArgmaxTangent(xp, vp, k, Ho, Wo, fh, fw);
    // Overlapping windows: exactly the rows/columns the windows read, so a 'valid' pass gives Ho × Wo.
    const needH = (Ho - 1) * sh + fh;
    const needW = (Wo - 1) * sw + fw;
    if (xp.shape[1] < needH || xp.shape[2] < needW) {
      const extra: Array<[number, number]> = [
        [0, 0],
        [0, Math.max(0, needH - xp.shape[1])],
        [0, Math.max(0, needW - xp.shape[2])],
        [0, 0],
      ];
      xp = tf.pad(xp, extra, -Infinity);
      vp = tf.pad(vp, extra, 0);
    }
    if (xp.shape[1] > needH || xp.shape[2] > needW) {
      xp = tf.slice(xp, [0, 0, 0, 0], [-1, needH, needW, -1]);
      vp = tf.slice(vp, [0, 0, 0, 0], [-1, needH, needW, -1]);
    }
    return windowsArgmaxTangent(xp, vp, k, Ho, Wo, [fh, fw], [sh, sw]);
  });
}

/**
 * Overlapping windows: a depthwise convolution with fh·fw one-hot filters lays each window's
 * entries side by side ([.., C·fh·fw]; one product by 1, the rest by 0: exact) to find the first
 * argmax on the primal; the tangent is read offset by offset with a one-hot depthwise filter each
 * (so it never holds fh·fw copies of the k-stacked tangent), times that offset's mask. All native
 * kernels: on wasm every slice copies its whole input through JS (per-offset slices took 7 s of a ResNet-18 LEE).
 * xp/vp are padded to exactly (Ho−1)·sh + fh rows and (Wo−1)·sw + fw columns.
 */
function windowsArgmaxTangent(
  xp: tf.Tensor4D,
  vp: tf.Tensor4D,
  k: number,
  Ho: number,
  Wo: number,
  [fh, fw]: [number, number],
  strides: [number, number],
): tf.Tensor4D {
  const [B, , , C] = xp.shape;
  const n = fh * fw;
  /** [fh, fw, C, m] depthwise filter: output channel c·m + j reads window entry offsets[j]. */
  const oneHotFilter = (offsets: number[]) => {
    const f = new Float32Array(n * C * offsets.length);
    for (let c = 0; c < C; c++) offsets.forEach((o, j) => (f[(o * C + c) * offsets.length + j] = 1));
    return tf.tensor4d(f, [fh, fw, C, offsets.length]);
  };
  // −∞ padding times a 0 weight would be NaN: the lowest finite float32 is never selected either.
  const xf = tf.maximum(xp, -3.4e38) as tf.Tensor4D;
  const windows = tf
    .depthwiseConv2d(xf, oneHotFilter([...Array(n).keys()]), strides, 'valid')
    .reshape([B, Ho, Wo, C, n]);
  const first = tf.argMax(windows, -1); // [B, Ho, Wo, C] int32, the first maximum on ties
  let tangent: tf.Tensor | undefined;
  for (let o = 0; o < n; o++) {
    // (Slicing one offset out of a stacked mask would copy the whole stack on wasm: compare instead.)
    const mask = tf.cast(tf.equal(first, o), 'float32');
    const term = mulTiled(tf.depthwiseConv2d(vp, oneHotFilter([o]), strides, 'valid'), mask, k);
    tangent = tangent ? tf.add(tangent, term) : term;
  }
  return tangent as tf.Tensor4D;
}

/**
 * Non-overlapping windows (pool = stride): a one-hot mask of each window's first argmax, built on
 * the primal only (window values moved to the last axis for argMax, then back); the tangent is
 * then read through that mask by a max-pool, so the k-stacked tangent is never transposed. xp/vp are already padded; rows/columns beyond Ho·fh, Wo·fw are in no window.
 */
function tilesArgmaxTangent(
  xp: tf.Tensor4D,
  vp: tf.Tensor4D,
  k: number,
  Ho: number,
  Wo: number,
  fh: number,
  fw: number,
): tf.Tensor4D {
  const [B, , , C] = xp.shape;
  const crop = (t: tf.Tensor4D) =>
    t.shape[1] === Ho * fh && t.shape[2] === Wo * fw ? t : tf.slice(t, [0, 0, 0, 0], [t.shape[0], Ho * fh, Wo * fw, C]);
  const tiles = tf
    .transpose(crop(xp).reshape([B, Ho, fh, Wo, fw, C]), [0, 1, 3, 5, 2, 4])
    .reshape([B * Ho * Wo * C, fh * fw]);
  // oneHot's dtype argument is ignored by the wasm backend in tfjs 4.22 (it writes int bits): cast.
  const onehot = tf.cast(tf.oneHot(tf.argMax(tiles, 1), fh * fw), 'float32');
  const mask = tf
    .transpose(onehot.reshape([B, Ho, Wo, C, fh, fw]), [0, 1, 4, 2, 5, 3])
    .reshape([B, Ho * fh, Wo * fw, C]);
  const v = crop(vp);
  const n = fh * fw;
  if ((n & (n - 1)) === 0) {
    // Window size a power of two (2×2 pools): average-pooling v ⊙ (n·mask) sums one n·v and n − 1
    // exact zeros and scales by 1/n, exact in float32 — one op on the k-stacked tangent fewer.
    return tf.avgPool(mulTiled(v, tf.mul(mask, n), k) as tf.Tensor4D, [fh, fw], [fh, fw], 'valid');
  }
  // Every entry but the argmax sinks to −3e38, so max-pooling (a fast kernel everywhere) returns
  // exactly the argmax's tangent: v·1 + 0 = v, v·0 − 3e38 = −3e38 < any finite tangent we expect.
  const sink = tf.mul(tf.sub(mask, 1), 3e38);
  const marked = tf.add(mulTiled(v, mask, k).reshape([k, ...mask.shape]), sink).reshape(v.shape) as tf.Tensor4D;
  return tf.maxPool(marked, [fh, fw], [fh, fw], 'valid');
}
