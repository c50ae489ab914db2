/**
 * Every .npy header numpy writes (issue 15, case npy-py2-long-shape and its kind), against numpy
 * itself: test/fixtures/npy/make_npy_variants.py wrote each file with np.save / write_array and
 * checked np.load reads it back. All hold X[n, i, j, c] = ((n·36 + i·12 + j·3 + c) mod 97) / 96.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';
import { parseNpyHeader, readImagesNpy, readNpy, writeNpy } from '../../src/data/npy';
import { assertImages, IMAGE_RANGE_TOLERANCE } from '../../src/checks';
import { FileFormatError, InputError } from '../../src/errors';
import { loadModel } from '../../src/models/load';
import { lee } from '../../src/lie/lee';
import { TOL } from '../helpers/tolerances';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NPY = path.join(ROOT, 'test', 'fixtures', 'npy');
const CASES = path.join(ROOT, 'test', 'fixtures', 'cases');
const SHAPE = [2, 3, 4, 3];
const X = Array.from({ length: 72 }, (_, k) => (k % 97) / 96);
/** np.round: halves to even. */
const roundHalfEven = (v: number) => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
const U8 = X.map((v) => roundHalfEven(v * 255));

describe('.npy header variants (numpy-written files)', () => {
  let dir: string;
  before(async () => {
    await setTestBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-npyv-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const floats: Array<[string, string, number]> = [
    ['v1_f4.npy', 'float32', 0],
    ['v2_f4.npy', 'float32', 0],
    ['v3_f4.npy', 'float32', 0],
    ['be_f4.npy', 'float32', 0],
    ['le_f8.npy', 'float64', 0],
    ['be_f8.npy', 'float64', 0],
    ['le_f2.npy', 'float16', 2 ** -11], // float16 rounding of values in [0, 1]
    ['fortran_f4.npy', 'float32', 0],
    ['py2_long.npy', 'float32', 0],
    ['spaces.npy', 'float32', 0],
    ['double_quotes.npy', 'float32', 0],
  ];
  for (const [name, dtype, tol] of floats) {
    it(`${name}: ${dtype}, shape (2, 3, 4, 3), C-order values as numpy reads them`, () => {
      const a = readNpy(path.join(NPY, name));
      assert.equal(a.dtype, dtype);
      assert.deepEqual(a.shape, SHAPE);
      assert.ok(a.data instanceof Float32Array);
      assert.equal(a.fortranOrder, name.startsWith('fortran'));
      for (let k = 0; k < X.length; k++) {
        const want = tol === 0 ? Math.fround(X[k]) : X[k];
        assert.ok(Math.abs(a.data[k] - want) <= tol, `${name}[${k}] = ${a.data[k]}, numpy ${want}`);
      }
    });
  }

  it('uint8, C and Fortran order: bytes as stored, read as x/255 by readImagesNpy with a note', async () => {
    for (const name of ['u1.npy', 'fortran_u1.npy']) {
      const a = readNpy(path.join(NPY, name));
      assert.ok(a.data instanceof Uint8Array);
      assert.deepEqual(Array.from(a.data), U8);
      await expectNoLeak(() => readImagesNpy(path.join(NPY, name)).images, 'readImagesNpy'); // the one tensor returned
      const { images, notes } = readImagesNpy(path.join(NPY, name));
      assert.deepEqual(
        Array.from(images.dataSync()),
        U8.map((b) => Math.fround(b / 255)),
      );
      assert.ok(
        notes.some((n) => /uint8 pixels read as x\/255/.test(n)),
        notes.join('; '),
      );
      assert.equal(
        notes.some((n) => /Fortran-order array transposed/.test(n)),
        name.startsWith('fortran'),
      );
      images.dispose();
    }
  });

  it('float64 and float16 say they were converted', () => {
    for (const [name, what] of [
      ['le_f8.npy', 'float64'],
      ['le_f2.npy', 'float16'],
    ]) {
      const { images, notes } = readImagesNpy(path.join(NPY, name));
      assert.ok(
        notes.some((n) => n.includes(`${what} converted to float32`)),
        notes.join('; '),
      );
      images.dispose();
    }
  });

  it('header parser: Python literal dicts in any order and spacing, long ints, trailing commas; not other text', () => {
    assert.deepEqual(parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 28L, 28L, 3L), }"), {
      descr: '<f4',
      fortran_order: false,
      shape: [2, 28, 28, 3],
    });
    assert.deepEqual(parseNpyHeader("{ 'shape':(5,),'descr':'|u1','fortran_order':True }\n"), {
      descr: '|u1',
      fortran_order: true,
      shape: [5],
    });
    assert.deepEqual(parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': ()}"), {
      descr: '<f4',
      fortran_order: false,
      shape: [],
    });
    for (const bad of [
      "{'descr': '<f4', 'shape': (2, 3)",
      "{'descr' '<f4'}",
      "['descr']",
      "{'shape': (2x, 3)}",
      "{'a': 1} trailing",
    ]) {
      assert.equal(parseNpyHeader(bad), undefined, bad);
    }
  });

  it('a header that is not a numpy dict, a structured dtype or a fractional shape is a FileFormatError that says so', () => {
    const write = (name: string, header: string) => {
      const h = header.padEnd(117) + '\n';
      const len = Buffer.alloc(2);
      len.writeUInt16LE(h.length);
      fs.writeFileSync(
        path.join(dir, name),
        Buffer.concat([
          Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]),
          len,
          Buffer.from(h, 'latin1'),
          Buffer.alloc(64),
        ]),
      );
      return path.join(dir, name);
    };
    assert.throws(
      () => readNpy(write('a.npy', "{'descr': '<f4', 'shape': (2,)}")),
      (e: unknown) => e instanceof FileFormatError && /malformed \.npy header \(expected \{'descr'/.test(e.message),
    );
    assert.throws(
      () => readNpy(write('b.npy', "{'descr': [('r', '<f4'), ('g', '<f4')], 'fortran_order': False, 'shape': (2,)}")),
      /structured dtype .* is not supported/,
    );
    assert.throws(
      () => readNpy(write('c.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1)}")),
      /malformed shape \(2, -1\)/,
    );
  });

  it("case npy-py2-long-shape: x_py2.npy ('2L' shapes) reads exactly as reference_x.npy", () => {
    const py2 = readNpy(path.join(CASES, 'npy-py2-long-shape', 'x_py2.npy'));
    const ref = readNpy(path.join(CASES, 'npy-py2-long-shape', 'reference_x.npy'));
    assert.deepEqual(py2.shape, [2, 28, 28, 3]);
    assert.deepEqual(Array.from(py2.data), Array.from(ref.data));
  });

  it('case npy-py2-long-shape: rotate on cnn-relu-mnist gives the documented values (probs, mean-abs, central)', async () => {
    const model = await loadModel(path.join(ROOT, 'datasets', 'models', 'cnn-relu-mnist', 'model.json'));
    const { images } = readImagesNpy(path.join(CASES, 'npy-py2-long-shape', 'x_py2.npy'));
    const rows = await lee(model, { images }, { groups: ['rotate'] });
    const want = [0.19776403279975058, 0.22131143843871542]; // test/fixtures/cases/README.md
    // float32 on another backend/summation order: measured agreement ~1e-7 relative.
    rows.forEach((r, i) =>
      assert.ok(Math.abs(r.lee - want[i]) <= TOL.float32Reordered * want[i], `image ${i}: ${r.lee} vs ${want[i]}`),
    );
    images.dispose();
    model.net.dispose();
  });

  it('writeNpy output is read back by the variant reader unchanged', () => {
    const p = path.join(dir, 'w.npy');
    writeNpy(p, Float32Array.from(X), SHAPE);
    assert.deepEqual(Array.from(readNpy(p).data), X.map(Math.fround));
  });
});

describe('.npy float round-off (case npy-tiny-negative and its kind)', () => {
  let dir: string;
  before(async () => {
    await setTestBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-npyr-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const npy = (name: string, values: number[]) => {
    const p = path.join(dir, name);
    writeNpy(p, Float32Array.from(values), [1, 1, values.length / 3, 3]);
    return p;
  };

  it('x_eps.npy (min −2.98e-8, max 1.0000001) is accepted and clipped to [0, 1], with a note; other values unchanged', () => {
    const file = path.join(CASES, 'npy-tiny-negative', 'x_eps.npy');
    const raw = readNpy(file).data;
    const { images, notes } = readImagesNpy(file);
    const got = images.dataSync();
    for (let k = 0; k < raw.length; k++) assert.equal(got[k], Math.min(1, Math.max(0, raw[k])));
    assert.equal(Math.min(...got), 0);
    assert.equal(Math.max(...got), 1);
    assert.ok(
      notes.some((n) => /2 values within 1e-6 outside \[0, 1\] \(float round-off.*clipped/.test(n)),
      notes.join('; '),
    );
    images.dispose();
  });

  it('round-off up to 1e-6 either side is accepted; beyond it is refused, and the 0–255 hint comes only for 0–255-looking data', () => {
    for (const v of [-1e-6, -3e-8, 1 + 1e-6, 1.0000001]) {
      const { images } = readImagesNpy(npy('ok.npy', [0.5, v, 0.25]));
      assert.deepEqual(Array.from(images.dataSync()), [0.5, v < 0 ? 0 : 1, 0.25]);
      images.dispose();
    }
    const refused = (values: number[]) => {
      try {
        readImagesNpy(npy('bad.npy', values)).images.dispose();
      } catch (e) {
        assert.ok(e instanceof InputError);
        return (e as Error).message;
      }
      assert.fail(`accepted [${values}]`);
    };
    assert.match(
      refused([0, 0.5, 1.00001]),
      /must be in \[0, 1\], got values in \[0, 1\.0000100\d*\]; only round-off up to 1e-6/,
    );
    assert.doesNotMatch(refused([0, 0.5, 1.00001]), /0–255/);
    assert.doesNotMatch(refused([0, 0.5, 1.2]), /0–255/); // max ≤ 1.5: not 0–255 data
    assert.doesNotMatch(refused([-0.01, 0.5, 0.9]), /0–255/);
    assert.match(refused([0, 3, 200]), /0–255 values stored as float\? divide by 255/);
    assert.match(refused([0, 3, 255]), /0–255 values/);
    assert.doesNotMatch(refused([0, 3, 300]), /0–255/); // beyond 255: not 8-bit data
    assert.match(refused([-1, 0, 1]), /values in \[−1, 1\]\? map them to \[0, 1\] with \(x \+ 1\)\/2/);
  });

  it('assertImages (every measurement entry point) accepts the same round-off and gives the same hints', () => {
    assert.equal(IMAGE_RANGE_TOLERANCE, 1e-6);
    const t = (values: number[]) => tf.tensor4d(Float32Array.from(values), [1, 1, values.length / 3, 3]);
    for (const values of [
      [-3e-8, 0.5, 1.0000001],
      [-1e-6, 0, 1 + 1e-6],
    ]) {
      const x = t(values);
      assert.doesNotThrow(() => assertImages(x, 'lee'));
      x.dispose();
    }
    const message = (values: number[]) => {
      const x = t(values);
      try {
        assertImages(x, 'lee');
        return 'accepted';
      } catch (e) {
        assert.ok(e instanceof InputError);
        return (e as Error).message;
      } finally {
        x.dispose();
      }
    };
    assert.match(
      message([-1e-5, 0.5, 1]),
      /argument 'images' passed to 'lee' must be RGB in \[0, 1\], got values in .*; only round-off up to 1e-6/,
    );
    assert.doesNotMatch(message([-1e-5, 0.5, 1]), /0–255|\[−1, 1\]\?/);
    assert.match(message([0, 128, 200]), /0–255 values stored as float\? divide by 255/);
    assert.doesNotMatch(message([0, 1, 1.3]), /0–255/);
    assert.match(message([-0.9, 0, 0.9]), /values in \[−1, 1\]\?/);
  });
});
