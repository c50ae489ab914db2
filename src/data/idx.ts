import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { FileFormatError } from '../errors';

/** An IDX array (the MNIST file format): uint8 values with their dimensions. */
export interface IdxArray {
  data: Uint8Array;
  shape: number[];
}

/**
 * Reads an IDX file of unsigned bytes (magic 0x00 0x00 0x08 rank), gzip'd or not.
 * Throws FileFormatError for a wrong magic, another dtype, or a truncated body.
 */
export function readIdx(file: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
  } catch (err) {
    throw new FileFormatError(file, `cannot read: ${(err as Error).message}`);
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw new FileFormatError(file, 'not an IDX file (bad magic number)');
  if (bytes[2] !== 0x08)
    throw new FileFormatError(file, `IDX dtype 0x${bytes[2].toString(16)} is not unsigned byte (0x08)`);
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * rank;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length < start + size)
    throw new FileFormatError(file, `truncated: header says ${size} values, file has ${bytes.length - start}`);
  return { data: bytes.subarray(start, start + size), shape };
}

/** Writes uint8 `data` of `shape` as a gzip'd IDX file (used by scripts/ to vendor subsets). */
export function writeIdxGz(file: string, data: Uint8Array, shape: number[]): void {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([header, Buffer.from(data)]), { level: 9 }));
}
