import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { layerwise } from '../../src/lie/layerwise';
import { opKind, FUSED_SUFFIX } from '../../src/lie/opKinds';
import { attr, tinyGraph } from '../helpers/opGraph';
import { expectNoLeak } from '../helpers/noLeak';

// The kinds notebook 08 groups layer-wise contributions by: read from layer configs (LayersModel,
// with its fused activations split off by layerwise) and from graph node attributes (GraphModel).
describe('opKind', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('LayersModel: strided convs are pooling/stride, split activations are activations, two-input adds are residual', async () => {
    const x = tf.input({ shape: [16, 16, 3] });
    const pad = tf.layers
      .zeroPadding2d({
        padding: [
          [0, 1],
          [0, 1],
        ],
        name: 'pad',
      })
      .apply(x) as tf.SymbolicTensor;
    const c1 = tf.layers
      .conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', name: 'c1' })
      .apply(pad) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(c1) as tf.SymbolicTensor;
    const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'dw' }).apply(bn) as tf.SymbolicTensor;
    const add = tf.layers.add({ name: 'add' }).apply([bn, dw]) as tf.SymbolicTensor;
    const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'c2' }).apply(add) as tf.SymbolicTensor;
    const pool = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(c2) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, name: 'fc' }).apply(pool) as tf.SymbolicTensor;
    const net = tf.model({ inputs: x, outputs: out });
    const img = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const r = await layerwise(net, img, 'translate-x', { output: 'logits' });
    const kinds = Object.fromEntries(r.layers.map((l) => [l.name, opKind(net, l)]));
    assert.deepEqual(kinds, {
      pad: 'padding',
      c1: 'pooling/stride',
      'c1/relu': 'activation',
      bn: 'normalization',
      dw: 'depthwise conv',
      add: 'residual add',
      c2: 'conv',
      gap: 'pooling/stride',
      fc: 'dense',
    });
    img.dispose();
    net.dispose();
  });

  it('GraphModel: fused activations are named, bias adds are not residual, strides from the node attributes', async () => {
    const net = await tinyGraph(
      [-1, 8, 8, 3],
      [
        {
          name: 'conv',
          op: '_FusedConv2D',
          input: ['x', 'w', 'b'],
          attr: {
            strides: attr.ints([1, 2, 2, 1]),
            padding: attr.s('SAME'),
            fused_ops: attr.strs(['BiasAdd', 'Relu6']),
            num_args: attr.i(1),
            data_format: attr.s('NHWC'),
            dilations: attr.ints([1, 1, 1, 1]),
          },
        },
        {
          name: 'dw',
          op: 'DepthwiseConv2dNative',
          input: ['conv', 'dk'],
          attr: {
            strides: attr.ints([1, 1, 1, 1]),
            padding: attr.s('SAME'),
            data_format: attr.s('NHWC'),
            dilations: attr.ints([1, 1, 1, 1]),
          },
        },
        { name: 'bias', op: 'AddV2', input: ['dw', 'c'] },
        { name: 'res', op: 'AddV2', input: ['bias', 'conv'] },
        { name: 'act', op: 'Relu', input: ['res'] },
        {
          name: 'pool',
          op: 'MaxPool',
          input: ['act'],
          attr: {
            ksize: attr.ints([1, 2, 2, 1]),
            strides: attr.ints([1, 2, 2, 1]),
            padding: attr.s('VALID'),
            data_format: attr.s('NHWC'),
          },
        },
        {
          name: 'up',
          op: 'ResizeBilinear',
          input: ['pool', 'size'],
          attr: { align_corners: attr.b(false), half_pixel_centers: attr.b(true) },
        },
      ],
      {
        w: tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2),
        b: tf.zeros([4]),
        dk: tf.randomNormal([3, 3, 4, 1], 0, 1, 'float32', 3),
        c: tf.ones([4]),
        size: tf.tensor1d([4, 4], 'int32'),
      },
    );
    const kinds = (name: string, className: string) => opKind(net, { name, className });
    await expectNoLeak(() => {
      assert.equal(kinds('conv', '_FusedConv2D'), `pooling/stride${FUSED_SUFFIX}`);
      assert.equal(kinds('dw', 'DepthwiseConv2dNative'), 'depthwise conv');
      assert.equal(kinds('bias', 'AddV2'), 'bias/affine');
      assert.equal(kinds('res', 'AddV2'), 'residual add');
      assert.equal(kinds('act', 'Relu'), 'activation');
      assert.equal(kinds('pool', 'MaxPool'), 'pooling/stride');
      assert.equal(kinds('up', 'ResizeBilinear'), 'resize');
      assert.equal(kinds('preprocess', 'Preprocess'), 'preprocess');
    });
    net.dispose();
  });
});
