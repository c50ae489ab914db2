import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { useBackend } from '../../src/backend';
import { InputError } from '../../src/errors';
import { imageGrid, imageGridBundle, renderRgba, toPlainImage } from '../../src/notebook/image';
import { expectNoLeak } from '../helpers/noLeak';

before(async () => {
  await useBackend('cpu');
});

test('renderRgba rgb: [0, 0.5, 1] → bytes [0, 128, 255], clamped outside [0, 1]', () => {
  const out = renderRgba({ width: 2, height: 1, channels: 3, data: [0, 0.5, 1, -1, 2, 0.25] }, 'rgb');
  assert.deepEqual([...out.rgba], [0, 128, 255, 255, 0, 255, 64, 255]);
});

test('renderRgba heatmap: signed → blue (−max), white (0), red (+max); scale repeats pixels', () => {
  const out = renderRgba({ width: 3, height: 1, channels: 1, data: [-2, 0, 2] }, 'heatmap', 2);
  assert.equal(out.width, 6);
  assert.deepEqual([...out.rgba.slice(0, 4)], [0, 0, 255, 255]);
  assert.deepEqual([...out.rgba.slice(8, 12)], [255, 255, 255, 255]);
  assert.deepEqual([...out.rgba.slice(16, 20)], [255, 0, 0, 255]);
  assert.deepEqual([...out.rgba.slice(20, 24)], [255, 0, 0, 255], 'pixel repeated at scale 2');
  assert.deepEqual(out.range, { min: -2, max: 2, signed: true });
});

test('renderRgba signed-rgb: 0 → mid grey, ±max → 255 / 0 per channel', () => {
  const out = renderRgba({ width: 1, height: 1, channels: 3, data: [-0.5, 0, 0.5] }, 'signed-rgb');
  assert.deepEqual([...out.rgba], [0, 128, 255, 255]);
});

test('imageGridBundle: composed PNG has the expected size; HTML labels are escaped', () => {
  const rgb = { width: 4, height: 2, channels: 3 as const, data: new Array(24).fill(0.5) };
  const grid = imageGrid(
    [
      { label: 'original', cells: [{ image: rgb, label: '<b>t = 0</b>' }, { image: rgb }] },
      { label: 'tangent', cells: [{ image: { width: 4, height: 2, channels: 1, data: [-1, 0, 1, 0, 0, 0, 0, 0] } }] },
    ],
    { scale: 3 },
  );
  const { html, png, text } = imageGridBundle(grid);
  const decoded = PNG.sync.read(png);
  // 2 columns of 12 px + 3 gaps of 4 px = 36 wide; 2 rows of 6 px + 3 gaps = 24 high.
  assert.equal(decoded.width, 36);
  assert.equal(decoded.height, 24);
  assert.ok(html.includes('&lt;b&gt;t = 0&lt;/b&gt;') && !html.includes('<b>t = 0'));
  assert.equal((html.match(/<img /g) ?? []).length, 3);
  assert.match(html, /±1/, 'heat map range in the caption');
  assert.match(text, /2 row\(s\), 3 image\(s\) of 4×2/);
});

test('image from a tensor: [1, H, W, 3] accepted, pixels copied, no tensor leaked or disposed', async () => {
  const x = tf.tensor4d([0, 0.5, 1, 1, 0.5, 0], [1, 1, 2, 3]);
  await expectNoLeak(() => {
    const img = toPlainImage(x);
    assert.deepEqual([img.width, img.height, img.channels], [2, 1, 3]);
    imageGridBundle(imageGrid([{ cells: [{ image: x }] }]));
  });
  assert.equal(x.isDisposed, false, "the caller's tensor is theirs");
  x.dispose();
  assert.throws(() => toPlainImage(tf.zeros([2, 2, 2])), InputError);
  assert.throws(() => toPlainImage({ width: 2, height: 2, channels: 3, data: [1] }), InputError);
});
