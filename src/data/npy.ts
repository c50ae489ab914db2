/**
 * NumPy .npy files (format versions 1–3, C order): read float32 / uint8 / float64, write float32.
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FileFormatError, InputError } from '../errors';

export type NpyDtype = 'float32' | 'uint8' | 'float64';

export interface NpyArray {
  /** float32 and float64 files give a Float32Array (float64 is rounded to float32), uint8 a Uint8Array. */
  data: Float32Array | Uint8Array;
  shape: number[];
  /** The dtype stored in the file. */
  dtype: NpyDtype;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** descr → (dtype, bytes per element, little-endian?). '|u1', 'u1', '<u1', '>u1' are all one byte. */
function parseDescr(descr: string): { dtype: NpyDtype; bytes: number; little: boolean } | undefined {
  const m = /^([<>|=]?)([fu])(\d+)$/.exec(descr);
  if (!m) return undefined;
  const [, order, kind, size] = m;
  const little = order !== '>';
  if (kind === 'f' && size === '4') return { dtype: 'float32', bytes: 4, little };
  if (kind === 'f' && size === '8') return { dtype: 'float64', bytes: 8, little };
  if (kind === 'u' && size === '1') return { dtype: 'uint8', bytes: 1, little: true };
  return undefined;
}

const DTYPE_NAMES: Record<string, string> = {
  f2: 'float16', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u2: 'uint16', u4: 'uint32', u8: 'uint64', b1: 'bool', c8: 'complex64', c16: 'complex128',
};

/** Reads a .npy file. Throws FileFormatError (naming the file) for anything it cannot read. */
export function readNpy(file: string): NpyArray {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new FileFormatError(file, code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a .npy file' : `cannot read: ${(err as Error).message}`);
  }
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw new FileFormatError(file, `not a .npy file (expected the magic bytes \\x93NUMPY, got ${JSON.stringify(buf.subarray(0, 6).toString('latin1'))})`);
  }
  const major = buf[6];
  if (major < 1 || major > 3) throw new FileFormatError(file, `unsupported .npy format version ${major}.${buf[7]} (supported: 1, 2, 3)`);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.length >= 12 ? buf.readUInt32LE(8) : Infinity;
  const dataStart = 8 + lenBytes + headerLen;
  if (dataStart > buf.length) throw new FileFormatError(file, `truncated: the header claims ${headerLen} bytes but the file has ${buf.length}`);
  const header = buf.subarray(8 + lenBytes, dataStart).toString(major === 3 ? 'utf8' : 'latin1');

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new FileFormatError(file, `malformed .npy header: ${header.trim()}`);
  if (fortran === 'True') throw new FileFormatError(file, 'Fortran-order arrays are not supported; save with np.ascontiguousarray(x)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new FileFormatError(file, `malformed shape (${shapeText}) in the .npy header`);
  const spec = parseDescr(descr);
  if (!spec) {
    const name = DTYPE_NAMES[descr.replace(/^[<>|=]/, '')] ?? descr;
    throw new FileFormatError(file, `unsupported dtype '${descr}' (${name}); expected float32 ('<f4'), uint8 ('|u1') or float64 ('<f8')`);
  }

  const count = shape.reduce((a, b) => a * b, 1);
  const want = count * spec.bytes;
  const have = buf.length - dataStart;
  if (have < want) throw new FileFormatError(file, `truncated: shape (${shape.join(', ')}) ${spec.dtype} needs ${want} data bytes, found ${have}`);
  const bytes = buf.subarray(dataStart, dataStart + want);
  if (spec.dtype === 'uint8') return { data: Uint8Array.from(bytes), shape, dtype: 'uint8' };
  // DataView: the data offset need not be 4-aligned, and big-endian files are read correctly.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float32Array(count);
  if (spec.dtype === 'float32') for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, spec.little);
  else for (let i = 0; i < count; i++) data[i] = view.getFloat64(8 * i, spec.little);
  return { data, shape, dtype: spec.dtype };
}

/**
 * Writes a float32 C-order .npy file (format 1.0, '<f4'). Atomic: writes a temporary file in the
 * same folder, then renames it over `file`, so readers never see half a file.
 */
export function writeNpy(file: string, data: Float32Array, shape: number[]): void {
  if (!(data instanceof Float32Array)) throw new InputError(`writeNpy: data must be a Float32Array, got ${Object.prototype.toString.call(data)}`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) throw new InputError(`writeNpy: shape must be non-negative integers, got [${String(shape)}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new InputError(`writeNpy: shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
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

/**
 * Loads an image batch from .npy.
 *
 * Convention:
 *  - file: float32 (or float64) (N, H, W, 3) RGB in [0, 1], or uint8 (N, H, W, 3) read as x/255.
 *  - returns [N, H, W, 3] float32 (NHWC), N ≥ 1; the caller disposes it.
 *  - errors: FileFormatError for unreadable files, InputError (naming the file) for the wrong
 *    rank or channel count, NaN/Inf or values outside [0, 1].
 */
export function loadImagesNpy(file: string): tf.Tensor4D {
  const { data, shape, dtype } = readNpy(file);
  if (shape.length !== 4 || (shape[3] !== 3 && shape[3] !== 1)) {
    const hint =
      shape.length === 4 && (shape[1] === 3 || shape[1] === 1)
        ? ' — NCHW? transpose to NHWC: x.transpose(0, 2, 3, 1)'
        : shape.length === 4 && shape[3] === 4
            ? ' — RGBA? drop or composite alpha: x[..., :3]'
            : shape.length === 3 && shape[2] === 3
              ? ' — one image? add the batch axis: x[None]'
              : '';
    throw new InputError(`${file}: expected images of shape (N, H, W, 3) (NHWC RGB) or (N, H, W, 1) (grey), got (${shape.join(', ')})${hint}`);
  }
  if (shape[0] === 0 || shape[1] === 0 || shape[2] === 0) throw new InputError(`${file}: empty image batch (${shape.join(', ')})`);
  if (dtype === 'uint8') {
    const scaled = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) scaled[i] = data[i] / 255;
    return tf.tensor4d(scaled, shape as [number, number, number, number]);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw new InputError(`${file}: contains ${Number.isNaN(v) ? 'NaN' : 'Inf'} at flat index ${i}; expected finite RGB values in [0, 1]`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo < 0 || hi > 1) {
    const hint = hi > 1 && hi <= 255 ? ' (0–255 values stored as float? divide by 255 or save as uint8)' : '';
    throw new InputError(`${file}: ${dtype} images must be in [0, 1], got values in [${lo}, ${hi}]${hint}`);
  }
  return tf.tensor4d(data as Float32Array, shape as [number, number, number, number]);
}
