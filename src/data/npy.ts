/**
 * NumPy .npy files: read every header numpy (and Python 2's numpy) writes — format versions 1.0,
 * 2.0 and 3.0, C or Fortran order, little- or big-endian float16/float32/float64 and uint8 — and
 * write float32 (format 1.0, C order).
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { assertImageRange, IMAGE_RANGE_TOLERANCE } from '../checks';
import { FileFormatError, InputError } from '../errors';

export type NpyDtype = 'float16' | 'float32' | 'float64' | 'uint8';

export interface NpyArray {
  /** Float files give a Float32Array (float64 rounded, float16 widened), uint8 a Uint8Array; always C order. */
  data: Float32Array | Uint8Array;
  shape: number[];
  /** The dtype stored in the file. */
  dtype: NpyDtype;
  /** True when the file was Fortran-ordered (its data has been transposed to C order). */
  fortranOrder: boolean;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** descr → (dtype, bytes per element, little-endian?). '|u1', 'u1', '<u1', '>u1' are all one byte. */
function parseDescr(descr: string): { dtype: NpyDtype; bytes: number; little: boolean } | undefined {
  const m = /^([<>|=]?)([fu])(\d+)$/.exec(descr);
  if (!m) return undefined;
  const [, order, kind, size] = m;
  const little = order !== '>'; // '=' is native order, and every platform tfjs runs on is little-endian
  if (kind === 'f' && size === '2') return { dtype: 'float16', bytes: 2, little };
  if (kind === 'f' && size === '4') return { dtype: 'float32', bytes: 4, little };
  if (kind === 'f' && size === '8') return { dtype: 'float64', bytes: 8, little };
  if (kind === 'u' && size === '1') return { dtype: 'uint8', bytes: 1, little: true };
  return undefined;
}

const DTYPE_NAMES: Record<string, string> = {
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  b1: 'bool',
  c8: 'complex64',
  c16: 'complex128',
};

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

/**
 * Parses the header: a Python literal dict, as numpy's `ast.literal_eval` reads it — any key order,
 * single or double quotes, any whitespace, trailing commas, and Python 2 long integers (`2L`).
 * Returns undefined for anything else.
 */
export function parseNpyHeader(text: string): Record<string, PyValue> | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (): never => {
    throw new SyntaxError('npy header');
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, PyValue> = {};
      for (;;) {
        ws();
        if (text[i] === '}') return (i++, out);
        const key = value();
        if (typeof key !== 'string') fail();
        ws();
        if (text[i++] !== ':') fail();
        out[key as string] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail();
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const out: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) return (i++, out);
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail();
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail();
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(?:(True|False|None)|([+-]?\d+)[lL]?)/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
    if (m![1]) return m![1] === 'True' ? true : m![1] === 'False' ? false : null;
    return Number(m![2]);
  };
  try {
    const v = value();
    ws();
    if (i !== text.length || v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    return v as Record<string, PyValue>;
  } catch {
    return undefined;
  }
}

/** IEEE half → number (numpy's float16). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Column-major (Fortran) data of `shape` → row-major (C), by index arithmetic. */
function fortranToC<T extends Float32Array | Uint8Array>(src: T, shape: number[]): T {
  const out = new (src.constructor as new (n: number) => T)(src.length);
  const n = shape.length;
  const cStride = new Array<number>(n).fill(1);
  for (let d = n - 2; d >= 0; d--) cStride[d] = cStride[d + 1] * shape[d + 1];
  const idx = new Array<number>(n).fill(0);
  let c = 0; // C offset of idx
  for (let k = 0; k < src.length; k++) {
    out[c] = src[k];
    // Increment the multi-index with the first axis fastest (Fortran order), keeping c in step.
    for (let d = 0; d < n; d++) {
      idx[d]++;
      c += cStride[d];
      if (idx[d] < shape[d]) break;
      c -= cStride[d] * idx[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Reads a .npy file. Throws FileFormatError (naming the file) for anything it cannot read. */
export function readNpy(file: string): NpyArray {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new FileFormatError(
      file,
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, expected a .npy file'
          : `cannot read: ${(err as Error).message}`,
    );
  }
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw new FileFormatError(
      file,
      `not a .npy file (expected the magic bytes \\x93NUMPY, got ${JSON.stringify(buf.subarray(0, 6).toString('latin1'))})`,
    );
  }
  const major = buf[6];
  if (major < 1 || major > 3)
    throw new FileFormatError(file, `unsupported .npy format version ${major}.${buf[7]} (supported: 1, 2, 3)`);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.length >= 12 ? buf.readUInt32LE(8) : Infinity;
  const dataStart = 8 + lenBytes + headerLen;
  if (dataStart > buf.length)
    throw new FileFormatError(file, `truncated: the header claims ${headerLen} bytes but the file has ${buf.length}`);
  const header = buf.subarray(8 + lenBytes, dataStart).toString(major === 3 ? 'utf8' : 'latin1');

  const dict = parseNpyHeader(header);
  const descr = dict?.descr;
  const fortran = dict?.fortran_order;
  const shapeValue = dict?.shape;
  if (!dict || descr === undefined || typeof fortran !== 'boolean' || !Array.isArray(shapeValue)) {
    throw new FileFormatError(
      file,
      `malformed .npy header (expected {'descr': ..., 'fortran_order': True|False, 'shape': (...)}): ${header.trim()}`,
    );
  }
  if (typeof descr !== 'string')
    throw new FileFormatError(
      file,
      `structured dtype ${JSON.stringify(descr)} is not supported; expected a plain float32 ('<f4'), uint8 ('|u1') or float64 ('<f8') array`,
    );
  const shape = shapeValue as number[];
  if (shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0))
    throw new FileFormatError(
      file,
      `malformed shape (${shapeValue.map((d) => JSON.stringify(d)).join(', ')}) in the .npy header`,
    );
  const spec = parseDescr(descr);
  if (!spec) {
    const name = DTYPE_NAMES[descr.replace(/^[<>|=]/, '')] ?? descr;
    const fix = /u2|uint16/.test(`${descr} ${name}`)
      ? ' — 16-bit pixels? save (x / 65535).astype(np.float32)'
      : /b1|bool/.test(`${descr} ${name}`)
        ? ' — a mask? save x.astype(np.float32)'
        : /[iu]\d/.test(descr)
          ? ' — integer pixels in 0..255? save x.astype(np.uint8), or (x / 255).astype(np.float32)'
          : '';
    throw new FileFormatError(
      file,
      `unsupported dtype '${descr}' (${name}); expected float32 ('<f4'), uint8 ('|u1') or float64 ('<f8'); float16 ('<f2') is read too${fix}`,
    );
  }

  const count = shape.reduce((a, b) => a * b, 1);
  const want = count * spec.bytes;
  const have = buf.length - dataStart;
  if (have < want)
    throw new FileFormatError(
      file,
      `truncated: shape (${shape.join(', ')}) ${spec.dtype} needs ${want} data bytes, found ${have}`,
    );
  const bytes = buf.subarray(dataStart, dataStart + want);
  let data: Float32Array | Uint8Array;
  if (spec.dtype === 'uint8') data = Uint8Array.from(bytes);
  else {
    // DataView: the data offset need not be aligned, and big-endian files are read correctly.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const f = new Float32Array(count);
    if (spec.dtype === 'float32') for (let i = 0; i < count; i++) f[i] = view.getFloat32(4 * i, spec.little);
    else if (spec.dtype === 'float64') for (let i = 0; i < count; i++) f[i] = view.getFloat64(8 * i, spec.little);
    else for (let i = 0; i < count; i++) f[i] = halfToFloat(view.getUint16(2 * i, spec.little));
    data = f;
  }
  if (fortran && shape.length > 1) data = fortranToC(data, shape);
  return { data, shape, dtype: spec.dtype, fortranOrder: fortran };
}

/**
 * Writes a float32 C-order .npy file (format 1.0, '<f4'). Atomic: writes a temporary file in the
 * same folder, then renames it over `file`, so readers never see half a file.
 */
export function writeNpy(file: string, data: Float32Array, shape: number[]): void {
  if (!(data instanceof Float32Array))
    throw new InputError(`writeNpy: data must be a Float32Array, got ${Object.prototype.toString.call(data)}`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new InputError(`writeNpy: shape must be non-negative integers, got [${String(shape)}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new InputError(`writeNpy: shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so magic + version + length + header (ending in '\n') is a multiple of 64.
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  MAGIC.copy(prefix, 0);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(4 * count);
  for (let i = 0; i < count; i++) body.writeFloatLE(data[i], 4 * i);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]));
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new FileFormatError(file, `cannot write: ${(err as Error).message}`);
  }
}

/** An image batch read from .npy, with what was done to it on the way (for the CLI to print). */
export interface NpyImages {
  images: tf.Tensor4D;
  /** One line per conversion: uint8 scaled by 1/255, float64/float16 converted, Fortran order transposed, round-off clipped. */
  notes: string[];
}

/**
 * The numpy line for a rank-2 array: rows of flattened square images (N, s·s·3) or (N, s·s), as
 * `x.reshape(len(x), -1)` leaves them, else one grey image without batch and channel axes.
 */
function rank2Hint(rows: number, cols: number): string {
  const side = (n: number) => {
    const s = Math.round(Math.sqrt(n));
    return s > 1 && s * s === n ? s : 0;
  };
  const rgb = cols % 3 === 0 ? side(cols / 3) : 0;
  if (rgb && rows !== cols) return ` — rows of flattened ${rgb}×${rgb} RGB images? x.reshape(-1, ${rgb}, ${rgb}, 3)`;
  const grey = side(cols);
  if (grey && rows !== cols)
    return ` — rows of flattened ${grey}×${grey} grey images? x.reshape(-1, ${grey}, ${grey}, 1)`;
  return ' — one grey image? add the batch and channel axes: x[None, ..., None]';
}

/**
 * Loads an image batch from .npy, with notes on any conversion.
 *
 * Convention:
 *  - file: (N, H, W, 3) RGB or (N, H, W, 1) grey, any header numpy writes (readNpy). float32/float64/float16 in [0, 1]:
 *    values within IMAGE_RANGE_TOLERANCE (1e-6) outside [0, 1] are round-off and clipped to [0, 1];
 *    uint8 is read as x/255.
 *  - returns [N, H, W, C] float32 (NHWC), N ≥ 1; the caller disposes it.
 *  - errors: FileFormatError for unreadable files, InputError (naming the file) for the wrong
 *    rank or channel count, NaN/Inf, or values outside [0, 1] beyond the tolerance (with a 0–255
 *    hint only when the maximum is in (1.5, 255]).
 */
export function readImagesNpy(file: string): NpyImages {
  const { data, shape, dtype, fortranOrder } = readNpy(file);
  if (shape.length !== 4 || (shape[3] !== 3 && shape[3] !== 1)) {
    const hint =
      shape.length === 4 && (shape[1] === 3 || shape[1] === 1)
        ? ' — NCHW? transpose to NHWC: x.transpose(0, 2, 3, 1)'
        : shape.length === 4 && shape[3] === 4
          ? ' — RGBA? drop or composite alpha: x[..., :3]'
          : shape.length === 3 && shape[2] === 3
            ? ' — one image? add the batch axis: x[None]'
            : shape.length === 3
              ? ' — grey images without a channel axis? add it: x[..., None]'
              : shape.length === 2
                ? rank2Hint(shape[0], shape[1])
                : shape.length === 5 && shape[0] === 1
                  ? ' — an extra leading axis? drop it: x[0]'
                  : '';
    throw new InputError(
      `${file}: expected images of shape (N, H, W, 3) (NHWC RGB) or (N, H, W, 1) (grey), got (${shape.join(', ')})${hint}`,
    );
  }
  if (shape[0] === 0 || shape[1] === 0 || shape[2] === 0)
    throw new InputError(`${file}: empty image batch (${shape.join(', ')})`);
  const shape4 = shape as [number, number, number, number];
  const notes: string[] = [];
  if (fortranOrder) notes.push(`${file}: Fortran-order array transposed to C order`);
  if (dtype === 'uint8') {
    const scaled = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) scaled[i] = data[i] / 255;
    notes.push(`${file}: uint8 pixels read as x/255`);
    return { images: tf.tensor4d(scaled, shape4), notes };
  }
  if (dtype !== 'float32') notes.push(`${file}: ${dtype} converted to float32`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v))
      throw new InputError(
        `${file}: contains ${Number.isNaN(v) ? 'NaN' : 'Inf'} at flat index ${i}; expected finite RGB values in [0, 1]`,
      );
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  assertImageRange(lo, hi, `${file}: ${dtype} images must be in [0, 1]`);
  if (lo < 0 || hi > 1) {
    let clipped = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < 0 || v > 1) {
        data[i] = v < 0 ? 0 : 1;
        clipped++;
      }
    }
    notes.push(
      `${file}: ${clipped} value${clipped === 1 ? '' : 's'} within ${IMAGE_RANGE_TOLERANCE.toExponential()} outside [0, 1] (float round-off, range [${lo}, ${hi}]) clipped to [0, 1]`,
    );
  }
  return { images: tf.tensor4d(data as Float32Array, shape4), notes };
}

/** readImagesNpy without the notes: [N, H, W, 3] float32 RGB in [0, 1]. */
export function loadImagesNpy(file: string): tf.Tensor4D {
  return readImagesNpy(file).images;
}
