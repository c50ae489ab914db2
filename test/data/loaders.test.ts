import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { COLORED_MNIST_VARIANTS, coloredMnistHue, hueColor, loadColoredMnist } from '../../src/data/coloredMnist';
import { loadDataset, DATASET_NAMES } from '../../src/data/loadDataset';
import { loadFashionMnist } from '../../src/data/fashionMnist';
import { loadMnist, mnistDigits, mnistIndices } from '../../src/data/mnist';
import { loadPhotos, photoInfo } from '../../src/data/photos';
import { UnknownNameError } from '../../src/errors';
import { flow } from '../../src/groups/generators';
import { expectNoLeak } from '../helpers/noLeak';
import { TOL } from '../helpers/tolerances';

function rangeOf(x: tf.Tensor): [number, number] {
  const d = x.dataSync();
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of d) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

describe('bundled datasets', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('MNIST: 8 000/2 000 disjoint fixed split, every class present, RGB in [0, 1]', async () => {
    const digits = mnistDigits();
    assert.equal(digits.train.length, 8000);
    assert.equal(digits.test.length, 2000);
    assert.equal(new Set([...digits.train, ...digits.test]).size, 10000);
    await expectNoLeak(() => loadMnist({ split: 'test', limit: 5 }).images, 'loadMnist'); // only the returned images survive
    const test = loadMnist({ split: 'test' });
    assert.deepEqual(test.images.shape, [2000, 28, 28, 3]);
    assert.equal(test.labels.length, 2000);
    assert.deepEqual(test.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const counts = new Array(10).fill(0);
    test.labels.forEach((l) => counts[l]++);
    counts.forEach((c) => assert.ok(c > 120 && c < 300, `class count ${c}`)); // ~200 each (10k digits, 863–1127 per class)
    assert.deepEqual(rangeOf(test.images), [0, 1]);
    // grey replicated: R = G = B
    const d = test.images.slice([0, 0, 0, 0], [4, 28, 28, 3]).dataSync();
    for (let i = 0; i < d.length; i += 3) assert.ok(d[i] === d[i + 1] && d[i] === d[i + 2]);
    assert.match(test.licence, /MIT/);
    test.images.dispose();
  });

  it('MNIST subsets are seeded: same seed same images, other seed other images', () => {
    assert.deepEqual(
      mnistIndices({ split: 'train', limit: 50, seed: 3 }),
      mnistIndices({ split: 'train', limit: 50, seed: 3 }),
    );
    assert.notDeepEqual(
      mnistIndices({ split: 'train', limit: 50, seed: 3 }),
      mnistIndices({ split: 'train', limit: 50, seed: 4 }),
    );
    const small = loadMnist({ split: 'train', limit: 10, seed: 1 });
    assert.deepEqual(small.images.shape, [10, 28, 28, 3]);
    small.images.dispose();
  });

  it('Coloured MNIST: pixel = grey · c(θ); label-hue within jitter of its class hue; random-hue spread', () => {
    const grey = loadMnist({ split: 'test', limit: 40, seed: 2 });
    for (const variant of COLORED_MNIST_VARIANTS) {
      const col = loadColoredMnist({ variant, split: 'test', limit: 40, seed: 2 });
      assert.deepEqual(col.images.shape, [40, 28, 28, 3]);
      assert.deepEqual(col.labels, grey.labels);
      const [lo, hi] = rangeOf(col.images);
      assert.ok(lo >= 0 && hi <= 1);
      const idx = mnistIndices({ split: 'test', limit: 40, seed: 2 });
      const g = grey.images.dataSync();
      const c = col.images.dataSync();
      idx.forEach((src, n) => {
        const color = hueColor(coloredMnistHue(variant, src, grey.labels[n]));
        for (let p = 0; p < 784; p += 37)
          for (let ch = 0; ch < 3; ch++)
            assert.ok(Math.abs(c[(n * 784 + p) * 3 + ch] - g[(n * 784 + p) * 3] * color[ch]) < TOL.float32FewOps);
      });
      col.images.dispose();
    }
    const hues = grey.labels.map(
      (l, n) =>
        coloredMnistHue('label-hue', mnistIndices({ split: 'test', limit: 40, seed: 2 })[n], l) -
        (2 * Math.PI * l) / 10,
    );
    hues.forEach((dh) => assert.ok(Math.abs(dh) <= 0.15 + TOL.float64ClosedForm));
    const random = mnistIndices({ split: 'test', limit: 200, seed: 0 }).map((i) => coloredMnistHue('random-hue', i, 0));
    assert.ok(Math.min(...random) < 0.3 && Math.max(...random) > 2 * Math.PI - 0.3, 'random hue covers the circle');
    grey.images.dispose();
    assert.throws(() => loadColoredMnist({ variant: 'blue' as never }), UnknownNameError);
  });

  it("the hue group maps c(θ) to c(θ + t), so a digit's colour stays on the dataset's circle", () => {
    const t = 0.7;
    const m = flow('hue', t);
    const c = hueColor(1.1);
    const rotated = [0, 1, 2].map((i) => m[i][0] * c[0] + m[i][1] * c[1] + m[i][2] * c[2]);
    const plus = hueColor(1.1 + t);
    const minus = hueColor(1.1 - t);
    // Which sign the catalog's generator gives is a convention; either way the orbit is the colour circle.
    const err = Math.min(...[plus, minus].map((q) => Math.max(...q.map((v, i) => Math.abs(v - rotated[i])))));
    assert.ok(err < TOL.float64ClosedForm, `hue rotation leaves the colour circle by ${err}`);
  });

  it('Fashion-MNIST test: 2 000 vendored images, 10 classes, MIT', () => {
    const ds = loadFashionMnist({ split: 'test' });
    assert.deepEqual(ds.images.shape, [2000, 28, 28, 3]);
    assert.equal(ds.classNames.length, 10);
    assert.equal(new Set(ds.labels).size, 10);
    assert.deepEqual(rangeOf(ds.images), [0, 1]);
    assert.match(ds.licence, /MIT/);
    ds.images.dispose();
  });

  it('photos: 8 public-domain images with attribution, at any size', () => {
    const info = photoInfo();
    assert.equal(info.length, 8);
    info.forEach((p) => assert.ok(p.title && p.artist && p.source.startsWith('http') && /CC0/.test(p.licence)));
    const ds = loadPhotos({ size: [64, 48] });
    assert.deepEqual(ds.images.shape, [8, 64, 48, 3]);
    const [lo, hi] = rangeOf(ds.images);
    assert.ok(lo >= 0 && hi <= 1 && hi - lo > 0.5, `range ${lo}..${hi}`);
    assert.deepEqual(ds.labels, [0, 1, 2, 3, 4, 5, 6, 7]);
    ds.images.dispose();
  });

  it('loadDataset knows every name and rejects others', () => {
    for (const name of DATASET_NAMES) {
      const ds = loadDataset(name, { split: 'test', limit: 3 });
      assert.deepEqual(ds.images.shape, [3, 28, 28, 3]);
      ds.images.dispose();
    }
    assert.throws(() => loadDataset('cifar10'), /unknown dataset 'cifar10'; valid: mnist/);
  });
});
