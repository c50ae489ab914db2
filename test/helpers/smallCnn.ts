import * as tf from '@tensorflow/tfjs';
import { loadReference, refTensor } from './reference';

/**
 * The reference SmallCNN (test/fixtures/reference/PROVENANCE.md) in tfjs with the PyTorch weights
 * (`data_tf`, already in TF layouts). Output = logits, no final softmax, so the 'probs' output
 * mode applies softmax on top (DESIGN §1). Input [B, 32, 32, 3].
 */
export function buildReferenceSmallCnn(): tf.LayersModel {
  const model = tf.sequential({ name: 'smallcnn' });
  model.add(
    tf.layers.conv2d({
      name: 'conv1',
      inputShape: [32, 32, 3],
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
    }),
  );
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv2', filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv3', filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  model.add(tf.layers.dense({ name: 'fc', units: 10 }));
  const byName = new Map<string, { tf_name: string; tf_shape: number[]; data_tf: number[] }>();
  for (const l of loadReference('smallcnn_weights').layers) byName.set(l.tf_name, l);
  for (const name of ['conv1', 'conv2', 'conv3', 'fc']) {
    const ws = ['kernel', 'bias'].map((w) => {
      const e = byName.get(`${name}/${w}`)!;
      return refTensor({ shape: e.tf_shape, dtype: 'float32', data: e.data_tf });
    });
    model.getLayer(name).setWeights(ws);
    tf.dispose(ws);
  }
  return model;
}

/** The reference inputs x (NHWC, [0,1)) and JVP tangent v (NHWC), shape [8, 32, 32, 3]. */
export function referenceInputs(): { x: tf.Tensor4D; v: tf.Tensor4D } {
  const inp = loadReference('smallcnn_inputs');
  return { x: refTensor(inp.x_nhwc) as tf.Tensor4D, v: refTensor(inp.v_nhwc) as tf.Tensor4D };
}
