import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkName, FileFormatError } from '../errors';
import { greyToRgbTensor, type ImageDataset, SPLITS, type SubsetOptions, subsetIndices } from './dataset';
import { readIdx } from './idx';
import { datasetsDir } from './paths';

export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
/** Where Debian's `dataset-fashion-mnist` installs the full set (only the 'train' split needs it). */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

function files(split: 'train' | 'test'): { images: string; labels: string } {
  if (split === 'test') {
    const dir = path.join(datasetsDir(), 'fashion-mnist');
    return {
      images: path.join(dir, 'test-2000-images-idx3-ubyte.gz'),
      labels: path.join(dir, 'test-2000-labels-idx1-ubyte.gz'),
    };
  }
  const dir = process.env.LIEDERIV_FASHION_MNIST_DIR || DEBIAN_FASHION_MNIST_DIR;
  const images = path.join(dir, 'train-images-idx3-ubyte.gz');
  if (!fs.existsSync(images)) {
    throw new FileFormatError(
      images,
      "Fashion-MNIST 'train' is not vendored; install Debian's dataset-fashion-mnist or set LIEDERIV_FASHION_MNIST_DIR (the vendored 'test' split needs neither)",
    );
  }
  return { images, labels: path.join(dir, 'train-labels-idx1-ubyte.gz') };
}

/**
 * Fashion-MNIST (Zalando, MIT). 'test': the first 2 000 images of the official test set, vendored in
 * datasets/fashion-mnist; 'train': the official 60 000 from Debian's dataset-fashion-mnist if installed.
 *
 * Convention:
 *  - images: [N, 28, 28, 3] float32 in [0, 1], grey replicated to RGB (dark garment background = 0).
 *  - labels index FASHION_MNIST_CLASS_NAMES.
 *  - memory: returns one tensor, owned by the caller.
 */
export function loadFashionMnist({ split = 'test', limit, seed = 0 }: SubsetOptions = {}): ImageDataset {
  const f = files(checkName('split', split, SPLITS));
  const images = readIdx(f.images);
  const labels = readIdx(f.labels);
  const [n, h, w] = images.shape;
  if (images.shape.length !== 3 || labels.shape[0] !== n) {
    throw new FileFormatError(
      f.images,
      `expected [N, 28, 28] images with N labels, got [${images.shape}] and [${labels.shape}]`,
    );
  }
  const indices = subsetIndices(n, limit, seed);
  return {
    images: greyToRgbTensor(images.data, indices, h, w),
    labels: indices.map((i) => labels.data[i]),
    classNames: [...FASHION_MNIST_CLASS_NAMES],
    source:
      split === 'test'
        ? 'Fashion-MNIST test set, first 2 000 images (datasets/fashion-mnist)'
        : `Fashion-MNIST train set (${path.dirname(f.images)})`,
    licence: 'MIT (Zalando Research)',
  };
}
