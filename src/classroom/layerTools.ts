/**
 * Tools for assignment 03 (the layer-wise telescoping sum, DESIGN §5), at the granularity of a
 * Sequential model's Keras layers: each layer's output, the JVP through one layer, the JVP through
 * the rest of the network after a layer, and the group's generator on a value at its own
 * resolution. They are primitives, not the answer: the student composes them into δ_i and C_i.
 *
 * Convention: x [N, H, W, 3] float32 at the model's input size; layer i (1-based, L = the number of
 * non-input layers) maps h_{i−1} to h_i, h_0 = x, h_L = f(x) (probabilities for the zoo CNNs).
 * Every function returns new tensors the caller disposes.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { featureTangent, imageTangent } from '../groups';
import { jvp } from '../jvp';

export interface LayerTools {
  /** Names of layers 1 … L. */
  names: string[];
  /** [h_0 = x, h_1, …, h_L]. */
  outputs(x: tf.Tensor4D): tf.Tensor[];
  /** J_{φ_i}(h_{i−1})·v: the JVP through layer i alone. */
  layerJvp(i: number, hPrev: tf.Tensor, v: tf.Tensor): tf.Tensor;
  /** J_{>i}(h_i)·v: the JVP through layers i+1 … L (v itself for i = L). */
  tailJvp(i: number, h: tf.Tensor, v: tf.Tensor): tf.Tensor;
  /** D h: the group's generator on h at its own resolution (image tangent for h_0, zeros for [N, D]). */
  generatorOn(h: tf.Tensor, group: string, isInput?: boolean): tf.Tensor;
  dispose(): void;
}

const TOOLS = new WeakMap<tf.LayersModel, LayerTools>();

/**
 * The tools for a Sequential-like LayersModel (one chain of single-input layers), built once per
 * model: the sub-models share the model's layers and weights (and the JVP's per-model caches).
 */
export function layerTools(model: tf.LayersModel): LayerTools {
  let t = TOOLS.get(model);
  if (!t) {
    t = buildTools(model);
    TOOLS.set(model, t);
  }
  return t;
}

function buildTools(model: tf.LayersModel): LayerTools {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const L = layers.length;
  const cache = new Map<string, tf.LayersModel>();
  const chain = (from: number, to: number): tf.LayersModel => {
    const key = `${from}:${to}`;
    let m = cache.get(key);
    if (!m) {
      const shape = (from === 0 ? model.inputs[0].shape : (layers[from - 1].outputShape as number[])).slice(
        1,
      ) as number[];
      const inp = tf.input({ shape });
      let h: tf.SymbolicTensor = inp;
      for (const l of layers.slice(from, to)) h = l.apply(h) as tf.SymbolicTensor;
      m = tf.model({ inputs: inp, outputs: h });
      cache.set(key, m);
    }
    return m;
  };
  const checkIndex = (i: number, lo: number, what: string) => {
    if (!Number.isInteger(i) || i < lo || i > L)
      throw new InputError(`${what}: layer index must be an integer in [${lo}, ${L}], got ${i}`);
  };
  const run = (from: number, to: number, h: tf.Tensor, v: tf.Tensor) => {
    const d = jvp(chain(from, to), h, v);
    d.primal.dispose();
    return d.tangent;
  };
  return {
    names: layers.map((l) => l.name),
    outputs(x) {
      const hs: tf.Tensor[] = [x.clone()];
      for (const l of layers) hs.push(tf.tidy(() => l.apply(hs[hs.length - 1]) as tf.Tensor));
      return hs;
    },
    layerJvp(i, hPrev, v) {
      checkIndex(i, 1, 'layerJvp');
      return run(i - 1, i, hPrev, v);
    },
    tailJvp(i, h, v) {
      checkIndex(i, 0, 'tailJvp');
      return i === L ? v.clone() : run(i, L, h, v);
    },
    generatorOn(h, group, isInput = false) {
      return isInput ? imageTangent(h as tf.Tensor4D, group) : featureTangent(h, group);
    },
    dispose() {
      // The sub-models share the model's weights: disposing them would dispose the model's. Nothing to free.
    },
  };
}
