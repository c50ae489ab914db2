/**
 * The LayersModel side of "the oracle differentiates at lee's point" (oracleGraph.ts is the graph
 * side). tfjs-layers 4.22 runs Conv and Dense layers whose activation its kernels fuse (relu, elu)
 * through `fused.conv2d` / `fused.matMul` with that activation; under `tf.grad` tfjs-core runs those
 * unfused (conv, then Add(bias), then act), which on wasm rounds otherwise than `predict` and lee's
 * primal. During the oracle's forward pass such layers run with a linear activation — bias still
 * inside the fused kernel, which always fuses 'linear' — and the activation is applied after it:
 * the same function, and `predict`'s values bit for bit (test/conformance/oracleLayers.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** The activations tfjs-layers 4.22 fuses into its kernels (mapActivationToFusedKernel), 'linear' aside. */
const FUSED = new Set(['relu', 'elu']);

interface ActivationObject {
  getClassName(): string;
  apply(x: tf.Tensor): tf.Tensor;
}
interface WithActivation {
  activation?: ActivationObject;
  /** A function-typed property, not a method: it is taken off the layer and called with the layer as `this`. */
  call: (
    this: WithActivation,
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: Record<string, unknown>,
  ) => tf.Tensor | tf.Tensor[];
}

function layersOf(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((l) => (l instanceof tf.LayersModel ? layersOf(l) : [l]));
}

/**
 * Runs `fn` with every Conv/Dense layer of `model` whose activation tfjs-layers fuses computing
 * act(linear(x)) in two steps; restores the layers afterwards (also on a throw).
 */
export function withActivationsSplit<T>(model: tf.LayersModel, fn: () => T): T {
  const patched: { layer: WithActivation; call: WithActivation['call']; own: boolean }[] = [];
  const linear = tf.layers.activation({ activation: 'linear' }) as unknown as { activation: ActivationObject };
  for (const l of layersOf(model)) {
    const layer = l as unknown as WithActivation;
    const cls = l.getClassName();
    if (!/^(Conv1D|Conv2D|Dense)$/.test(cls) || !layer.activation || !FUSED.has(layer.activation.getClassName()))
      continue;
    const own = layer.activation;
    const call = layer.call;
    patched.push({ layer, call, own: Object.prototype.hasOwnProperty.call(layer, 'call') });
    layer.call = function (inputs, kwargs) {
      this.activation = linear.activation;
      try {
        return tf.tidy(() => own.apply(call.call(this, inputs, kwargs) as tf.Tensor));
      } finally {
        this.activation = own;
      }
    };
  }
  try {
    return fn();
  } finally {
    for (const { layer, call, own } of patched) {
      if (own) layer.call = call;
      else delete (layer as Partial<WithActivation>).call;
    }
  }
}
