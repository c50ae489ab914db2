import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';
import { loadImagesNpy, readNpy, writeNpy } from '../../src/data/npy';
import { FileFormatError, InputError } from '../../src/errors';

/**
 * Files written by NumPy 1.24 `np.save` (the independent oracle), base64. F32 is
 * (np.arange(12, dtype=float32)/11).reshape(1,2,2,3); the others are named by dtype.
 */
const NUMPY = {
  F32: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDIsIDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAjC66PYwuOj7poos+jC66Pi+66D7pogs/uugiP4wuOj9ddFE/L7poPwAAgD8=',
  U8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDIsIDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoA/zNmzAECAwQFBgc=',
  F64: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDEsIDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqamZmZmZm5P5qZmZmZmck/MzMzMzMz0z+amZmZmZnZPwAAAAAAAOA/AAAAAAAA8D8=',
  BE_F32:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDEsIDEsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo+gAAAPwAAAD9AAAA=',
  I32: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDEsIDEsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAA=',
  F16: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDEsIDEsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAA=',
  FORTRAN:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  V2: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwA==',
  ONE_D:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQAAAQEAAAIBAAACgQA==',
};

describe('npy', () => {
  let dir: string;
  const file = (name: string, b64?: keyof typeof NUMPY) => {
    const p = path.join(dir, name);
    if (b64) fs.writeFileSync(p, Buffer.from(NUMPY[b64], 'base64'));
    return p;
  };
  before(async () => {
    await setTestBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-npy-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads NumPy files: float32, uint8, float64, big-endian, format 2.0, 1-D', () => {
    const f32 = readNpy(file('f32.npy', 'F32'));
    assert.deepEqual([f32.dtype, f32.shape], ['float32', [1, 2, 2, 3]]);
    assert.deepEqual(
      Array.from(f32.data),
      Array.from({ length: 12 }, (_, i) => Math.fround(Math.fround(i) / 11)),
    );
    const u8 = readNpy(file('u8.npy', 'U8'));
    assert.deepEqual([u8.dtype, Array.from(u8.data)], ['uint8', [0, 255, 51, 102, 204, 1, 2, 3, 4, 5, 6, 7]]);
    assert.ok(u8.data instanceof Uint8Array);
    const f64 = readNpy(file('f64.npy', 'F64'));
    assert.deepEqual(
      [f64.dtype, f64.shape, Array.from(f64.data)],
      ['float64', [1, 1, 2, 3], [0.1, 0.2, 0.3, 0.4, 0.5, 1].map(Math.fround)],
    );
    assert.deepEqual(Array.from(readNpy(file('be.npy', 'BE_F32')).data), [0.25, 0.5, 0.75]);
    assert.deepEqual(Array.from(readNpy(file('v2.npy', 'V2')).data), [1.5, -2]);
    assert.deepEqual(readNpy(file('1d.npy', 'ONE_D')).shape, [5]);
  });

  it('writeNpy produces the same bytes as np.save, and round-trips', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => Math.fround(i) / 11);
    const p = file('written.npy');
    writeNpy(p, data, [1, 2, 2, 3]);
    assert.deepEqual(fs.readFileSync(p), Buffer.from(NUMPY.F32, 'base64'));
    writeNpy(p, Float32Array.from([1, 2, 3, 4, 5]), [5]);
    assert.deepEqual(fs.readFileSync(p), Buffer.from(NUMPY.ONE_D, 'base64'));
    // No temporary files are left behind.
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
    );
    assert.throws(() => writeNpy(p, new Float32Array(3), [2, 2]), /holds 4 values, data has 3/);
    assert.throws(() => writeNpy(path.join(dir, 'no-such-dir', 'x.npy'), new Float32Array(1), [1]), FileFormatError);
  });

  it('errors say what is wrong: missing, wrong magic, truncated, unsupported dtype', () => {
    assert.throws(
      () => readNpy(file('missing.npy')),
      (e: unknown) => e instanceof FileFormatError && /missing\.npy: file not found/.test(e.message),
    );
    const bad = file('bad.npy');
    fs.writeFileSync(bad, 'PK\x03\x04 this is a zip');
    assert.throws(() => readNpy(bad), /not a \.npy file \(expected the magic bytes/);
    const full = Buffer.from(NUMPY.F32, 'base64');
    fs.writeFileSync(bad, full.subarray(0, full.length - 5));
    assert.throws(() => readNpy(bad), /truncated: shape \(1, 2, 2, 3\) float32 needs 48 data bytes, found 43/);
    fs.writeFileSync(bad, full.subarray(0, 40));
    assert.throws(() => readNpy(bad), /truncated: the header claims 118 bytes/);
    assert.throws(() => readNpy(file('i32.npy', 'I32')), /unsupported dtype '<i4' \(int32\); expected float32/);
    // float16 and Fortran order are read (test/data/npyVariants.test.ts has the values).
    assert.deepEqual(
      [readNpy(file('f16.npy', 'F16')).dtype, Array.from(readNpy(file('f16.npy', 'F16')).data)],
      ['float16', [0, 0, 0]],
    );
    assert.deepEqual(
      [readNpy(file('fortran.npy', 'FORTRAN')).shape, readNpy(file('fortran.npy', 'FORTRAN')).fortranOrder],
      [[2, 3], true],
    );
  });

  it('loadImagesNpy: float32 as is, uint8 as x/255, float64 converted; no leaks', async () => {
    const f = await expectNoLeak(() => loadImagesNpy(file('f32.npy', 'F32')), 'loadImagesNpy');
    assert.deepEqual(f.shape, [1, 2, 2, 3]);
    const u8 = loadImagesNpy(file('u8.npy', 'U8'));
    assert.equal(u8.dtype, 'float32');
    assert.deepEqual(Array.from(u8.dataSync()).slice(0, 4), [0, 1, Math.fround(51 / 255), Math.fround(102 / 255)]);
    assert.deepEqual(loadImagesNpy(file('f64.npy', 'F64')).shape, [1, 1, 2, 3]);
    tf.dispose(u8);
  });

  it('loadImagesNpy rejects the wrong rank/channels, NaN and values outside [0, 1]', () => {
    assert.throws(
      () => loadImagesNpy(file('1d.npy', 'ONE_D')),
      (e: unknown) => e instanceof InputError && /expected images of shape \(N, H, W, 3\).*got \(5\)/.test(e.message),
    );
    const nchw = file('nchw.npy');
    writeNpy(nchw, new Float32Array(2 * 3 * 4 * 4), [2, 3, 4, 4]);
    assert.throws(() => loadImagesNpy(nchw), /NCHW\? transpose to NHWC/);
    const p = file('range.npy');
    writeNpy(p, Float32Array.from([0, 0.5, 200]), [1, 1, 1, 3]);
    assert.throws(
      () => loadImagesNpy(p),
      /must be in \[0, 1\], got values in \[0, 200\] \(0–255 values stored as float/,
    );
    writeNpy(p, Float32Array.from([0, NaN, 1]), [1, 1, 1, 3]);
    assert.throws(() => loadImagesNpy(p), /contains NaN at flat index 1/);
  });
});
