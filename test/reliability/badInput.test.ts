/**
 * Issue 9.1, library side: bad tensors, names and numbers given to the public entry points throw
 * typed errors that say what was expected and what was found (the CLI prints the same messages:
 * cliErrors.test.ts). Each case is recorded for test/RELIABILITY.md (catalogue.ts).
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { assertFiniteRows, assertImages } from '../../src/checks';
import { InputError, NumericalError, UnknownNameError } from '../../src/errors';
import { getGroup, imageTangent } from '../../src/groups';
import { layerwise } from '../../src/lie/layerwise';
import { lee } from '../../src/lie/lee';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { buildZooModel } from '../../src/models/zoo';
import { expectNoLeak } from '../helpers/noLeak';
import { expectError } from './catalogue';
import { TOL } from '../helpers/tolerances';

const T = 'test/reliability/badInput.test.ts';
const GROUPS =
  /valid: translate-x, translate-y, rotate, shear-x, shear-y, stretch-x, stretch-y, scale, hyperbolic-rotate, hue, saturation, brightness, contrast/;

describe('bad input → typed errors (library)', () => {
  let mlp: tf.LayersModel;
  let x: tf.Tensor4D;
  before(async () => {
    await useBackend('cpu');
    mlp = buildZooModel('mlp', { seed: 1 });
    x = tf.randomUniform([2, 28, 28, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  });
  after(() => {
    mlp.dispose();
    x.dispose();
  });

  // [case, trigger text, images factory, expected message patterns]
  const imageCases: Array<[string, string, () => tf.Tensor, RegExp[]]> = [
    [
      'image of rank 3',
      'zeros([28, 28, 3])',
      () => tf.zeros([28, 28, 3]),
      [/must have shape \[B, H, W, 1 or 3\], got \[28, 28, 3\]/, /one image\? add the batch axis/],
    ],
    [
      'RGBA (4 channels)',
      'zeros([1, 28, 28, 4])',
      () => tf.zeros([1, 28, 28, 4]),
      [/got \[1, 28, 28, 4\]/, /RGBA: drop or composite the alpha/],
    ],
    [
      'NCHW layout',
      'zeros([1, 3, 28, 28])',
      () => tf.zeros([1, 3, 28, 28]),
      [/got \[1, 3, 28, 28\]/, /NCHW\? transpose to NHWC/],
    ],
    [
      'size mismatched with the model',
      'zeros([1, 32, 32, 3]) for a 28×28 model',
      () => tf.zeros([1, 32, 32, 3]),
      [/expects 28×28 images, got 32×32/],
    ],
    [
      'uint8 values given as float',
      'fill([1, 28, 28, 3], 200)',
      () => tf.fill([1, 28, 28, 3], 200),
      [/must be RGB in \[0, 1\], got values in \[200, 200\]/, /divide by 255/],
    ],
    [
      'negative values',
      'fill(..., -0.5)',
      () => tf.fill([1, 28, 28, 3], -0.5),
      [/must be RGB in \[0, 1\], got values in \[-0\.5, -0\.5\]/],
    ],
    [
      'NaN pixels',
      'one NaN pixel',
      () => tf.tidy(() => tf.concat([tf.fill([1, 28, 28, 3], NaN), tf.zeros([1, 28, 28, 3])])),
      [/contains NaN or Inf pixels; expected finite values in \[0, 1\]/],
    ],
    ['Inf pixels', 'fill(..., Infinity)', () => tf.fill([1, 28, 28, 3], Infinity), [/contains NaN or Inf pixels/]],
    ['empty batch', 'zeros([0, 28, 28, 3])', () => tf.zeros([0, 28, 28, 3]), [/is an empty batch \(B = 0\)/]],
    [
      'int32 tensor',
      "zeros([1, 28, 28, 3], 'int32')",
      () => tf.zeros([1, 28, 28, 3], 'int32'),
      [/must be float32, got int32/],
    ],
  ];

  for (const [name, trigger, make, patterns] of imageCases) {
    it(`images: ${name} → InputError from lieDerivative and layerwise, no tensors leaked`, async () => {
      const bad = make();
      try {
        await expectNoLeak(async () => {
          await expectError(
            { area: 'images', case: name, trigger: `lieDerivative(mlp, ${trigger}, ['rotate'])`, test: T },
            () => lieDerivative(mlp, bad as tf.Tensor4D, ['rotate']),
            InputError,
            patterns,
          );
          await expectError(
            { area: 'images', case: name, trigger: `layerwise(mlp, ${trigger}, 'rotate')`, test: T },
            () => layerwise(mlp, bad as tf.Tensor4D, 'rotate'),
            InputError,
            patterns,
          );
        }, name);
        // lee checks each batch through lieDerivative; an empty batch has no batches (see RELIABILITY.md).
        if (name !== 'empty batch' && name !== 'image of rank 3') {
          await expectError(
            { area: 'images', case: name, trigger: `lee(mlp, {images: ${trigger}})`, test: T },
            () => lee(mlp, { images: bad as tf.Tensor4D }, { groups: ['rotate'] }),
            InputError,
            patterns,
          );
        }
      } finally {
        bad.dispose();
      }
    });
  }

  it('images: a greyscale (1-channel) batch is the same picture as its RGB repeat (grey → RGB for an RGB model)', async () => {
    const grey = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const rgb = tf.tile(grey, [1, 1, 1, 3]) as tf.Tensor4D;
    const [a] = await lieDerivative(mlp, grey, ['rotate']);
    const [b] = await lieDerivative(mlp, rgb, ['rotate']);
    assert.ok(
      tf.max(tf.abs(tf.sub(a.lie, b.lie))).dataSync()[0] <=
        TOL.float32FewOps * Math.max(TOL.zeroGuard, tf.max(tf.abs(b.lie)).dataSync()[0]) + TOL.zeroGuard,
    );
    await assert.rejects(
      lieDerivative(mlp, grey, ['hue']),
      /colour groups \(hue\) act on RGB; the images are 1-channel/,
    );
    tf.dispose([grey, rgb, a.lie, b.lie]);
  });

  it('images: lee on a rank-3 tensor or a plain array → InputError', async () => {
    await expectError(
      { area: 'images', case: 'image of rank 3', trigger: 'lee(mlp, {images: zeros([28, 28, 3])})', test: T },
      () => lee(mlp, { images: tf.zeros([28, 28, 3]) as unknown as tf.Tensor4D }),
      InputError,
      [
        /argument 'data\.images' passed to 'lee' must have shape \[B, H, W, 1 or 3\], got \[28, 28, 3\]/,
        /add the batch axis/,
      ],
    );
    await expectError(
      { area: 'images', case: 'not a tensor', trigger: 'lieDerivative(mlp, [[...]])', test: T },
      () => lieDerivative(mlp, [[0.5]] as unknown as tf.Tensor4D, ['rotate']),
      InputError,
      [/must be a tf\.Tensor of shape \[B, H, W, 3\]/],
    );
    await expectError(
      {
        area: 'images',
        case: 'labels of the wrong length',
        trigger: 'lee(mlp, {images: 2 images, labels: [1]})',
        test: T,
      },
      () => lee(mlp, { images: x, labels: [1] }),
      InputError,
      [/1 labels for 2 images/],
    );
  });

  it('names: unknown group, reduction, difference, method, output layer, backend, zoo model list the valid ones', async () => {
    const cases: Array<[string, string, () => unknown, RegExp[]]> = [
      [
        'unknown group',
        "lee(..., {groups: ['spin']})",
        () => lee(mlp, { images: x }, { groups: ['spin'] }),
        [/unknown group 'spin'/, GROUPS],
      ],
      [
        'unknown group (layerwise)',
        "layerwise(mlp, x, 'Rotate')",
        () => layerwise(mlp, x, 'Rotate'),
        [/unknown group 'Rotate'/, GROUPS],
      ],
      ['unknown group (getGroup)', "getGroup('tx')", () => getGroup('tx'), [/unknown group 'tx'/, GROUPS]],
      [
        'unknown reduction',
        "lee(..., {reduction: 'max'})",
        () => lee(mlp, { images: x }, { groups: ['rotate'], reduction: 'max' as never }),
        [/unknown reduction 'max'; valid: mean-abs, mean-sq, l2, sq-l2/],
      ],
      [
        'unknown difference',
        "imageTangent(x, 'rotate', {difference: 'backward'})",
        () => imageTangent(x, 'rotate', { difference: 'backward' as never }),
        [/unknown difference 'backward'; valid: central, forward, gaussian/],
      ],
      [
        'unknown difference (lee)',
        "lee(..., {difference: 'backward'})",
        () => lee(mlp, { images: x }, { groups: ['rotate'], difference: 'backward' as never }),
        [/unknown difference 'backward'; valid: central, forward, gaussian/],
      ],
      [
        'unknown JVP method',
        "lee(..., {method: 'auto'})",
        () => lee(mlp, { images: x }, { groups: ['rotate'], method: 'auto' as never }),
        [/unknown JVP method 'auto'; valid: forward, double-vjp, fd/],
      ],
      [
        'output layer that does not exist',
        "lee(..., {output: 'embedding'})",
        () => lee(mlp, { images: x }, { groups: ['rotate'], output: 'embedding' }),
        [/unknown layer 'embedding'; valid: .*logits, probs/],
      ],
      [
        'unknown layerwise output',
        "layerwise(..., {output: 'embedding'})",
        () => layerwise(mlp, x, 'rotate', { output: 'embedding' as never }),
        [/unknown layer 'embedding'; valid: .*logits/],
      ],
      [
        'unknown backend',
        "useBackend('gpu')",
        () => useBackend('gpu' as never),
        [/unknown backend 'gpu'; valid: auto, tensorflow, webgpu, wasm, cpu/],
      ],
      [
        'unknown zoo model',
        "buildZooModel('resnet50')",
        () => buildZooModel('resnet50'),
        [/unknown zoo model 'resnet50'; valid: mlp, cnn-relu/],
      ],
    ];
    for (const [name, trigger, fn, patterns] of cases)
      await expectError({ area: 'names', case: name, trigger, test: T }, fn, UnknownNameError, patterns);
  });

  it('numbers: batch 0, probes −1, non-integer seed, maxSlots 0 → InputError naming the option', async () => {
    const cases: Array<[string, string, () => unknown, RegExp[]]> = [
      [
        'batch size 0',
        'lee(..., {batchSize: 0})',
        () => lee(mlp, { images: x }, { groups: ['rotate'], batchSize: 0 }),
        [/batchSize must be a positive integer, got 0/],
      ],
      [
        'batch size 1.5',
        'layerwise(..., {batchSize: 1.5})',
        () => layerwise(mlp, x, 'rotate', { batchSize: 1.5 }),
        [/batchSize must be a positive integer, got 1\.5/],
      ],
      [
        'probes −1',
        'layerwise(..., {probes: -1})',
        () => layerwise(mlp, x, 'rotate', { probes: -1 }),
        [/probes must be a positive integer, got -1/],
      ],
      [
        'exactLimit 0',
        'layerwise(..., {exactLimit: 0})',
        () => layerwise(mlp, x, 'rotate', { exactLimit: 0 }),
        [/exactLimit must be a positive integer, got 0/],
      ],
      [
        'seed 0.5',
        'layerwise(..., {seed: 0.5})',
        () => layerwise(mlp, x, 'rotate', { seed: 0.5 }),
        [/seed must be an integer, got 0\.5/],
      ],
    ];
    for (const [name, trigger, fn, patterns] of cases)
      await expectError({ area: 'numbers', case: name, trigger, test: T }, fn, InputError, patterns);
  });

  it('assertImages and assertFiniteRows: the checks themselves (a NaN row names the model, image and group)', async () => {
    const ok = tf.fill([1, 2, 2, 3], 0.5);
    assert.doesNotThrow(() => assertImages(ok, 'f'));
    await expectNoLeak(() => assertImages(ok, 'f'), 'assertImages');
    ok.dispose();
    const rows = [
      { image: 0, group: 'rotate', lee: 0.1 },
      { image: 1, group: 'hue', lee: NaN },
      { image: 2, group: 'rotate', lee: Infinity },
    ];
    await expectError(
      { area: 'model', case: 'non-finite result rows', trigger: 'assertFiniteRows(rows with NaN at image 1)', test: T },
      () => assertFiniteRows(rows, ['lee'], 'lee', 'mlp'),
      NumericalError,
      [/lee: model 'mlp' gives lee = NaN for image 1 \(group hue\)/, /its output or derivative is not finite there/],
    );
    assert.doesNotThrow(() => assertFiniteRows(rows.slice(0, 1), ['lee'], 'lee', 'mlp'));
  });
});
