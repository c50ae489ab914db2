/**
 * Work-arounds for tfjs-layers 4.22 bugs that break building, or silently change, models written
 * by Keras. Read from node_modules/@tensorflow/tfjs-layers/dist/layers/preprocessing/image_resizing.js:
 *
 *  1. `Resizing.computeOutputShape` returns [height, width, channels] — it drops the batch axis — so
 *     the next layer is built for a rank-3 input and its build fails; the error blames that layer
 *     (tfjs's own models and Keras's alike). Patched on the class: [batch, height, width, channels].
 *  2. `Resizing.call` resizes with align_corners = !crop_to_aspect_ratio (true by default) and never
 *     crops, whereas Keras (tf.image.resize) uses half-pixel centres without align_corners and
 *     center-crops when crop_to_aspect_ratio is set. A Keras model measured through tfjs's Resizing
 *     gives wrong numbers with no error. Files written by Keras (any keras_version that is not
 *     tfjs-layers') therefore load their Resizing layers as `KerasResizing` below, which computes
 *     what Keras computes; models saved by tfjs keep tfjs's semantics (they were trained with it).
 *  3. `Resizing.call` passes its inputs to resizeBilinear as given, and model.predict hands it [x]
 *     ("x must be rank 3 or 4, but got rank 1"). Patched: a one-element list is unwrapped.
 */
import * as tf from '@tensorflow/tfjs';
import { FileFormatError } from '../errors';
import { fromKeras3 } from './keras3';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- model.json as parsed: Keras 2/3 configs of every layer kind, rewritten key by key

interface KerasResizingArgs {
  height: number;
  width: number;
  interpolation?: string;
  cropToAspectRatio?: boolean;
  name?: string;
  trainable?: boolean;
  dtype?: tf.DataType;
}

/** Keras's Resizing layer (keras/src/layers/preprocessing/image_preprocessing/resizing.py), channels_last. */
export class KerasResizing extends tf.layers.Layer {
  static className = 'KerasResizing';
  readonly height: number;
  readonly width: number;
  readonly interpolation: 'bilinear' | 'nearest';
  readonly cropToAspectRatio: boolean;

  constructor(args: KerasResizingArgs) {
    super(args as never);
    this.height = args.height;
    this.width = args.width;
    const interpolation = args.interpolation ?? 'bilinear';
    if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
      throw new Error(
        `Resizing layer '${args.name}': interpolation '${interpolation}' is not available in tfjs (bilinear, nearest)`,
      );
    }
    this.interpolation = interpolation;
    this.cropToAspectRatio = Boolean(args.cropToAspectRatio);
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return s.length === 4 ? [s[0], this.height, this.width, s[3]] : [this.height, this.width, s[2]];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const batched = x.rank === 4;
      if (!batched) x = tf.expandDims(x, 0) as tf.Tensor4D;
      if (this.cropToAspectRatio) {
        // Keras: the largest centred window of the target aspect ratio, then resize.
        const [, h, w] = x.shape;
        const cropH = Math.min(h, Math.trunc((w * this.height) / this.width));
        const cropW = Math.min(w, Math.trunc((h * this.width) / this.height));
        x = tf.slice(x, [0, Math.trunc((h - cropH) / 2), Math.trunc((w - cropW) / 2), 0], [-1, cropH, cropW, -1]);
      }
      const size: [number, number] = [this.height, this.width];
      const y =
        this.interpolation === 'bilinear'
          ? tf.image.resizeBilinear(x, size, false, true)
          : tf.image.resizeNearestNeighbor(x, size, false, true);
      return batched ? y : tf.squeeze(y, [0]);
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      height: this.height,
      width: this.width,
      interpolation: this.interpolation,
      cropToAspectRatio: this.cropToAspectRatio,
    };
  }
}

let installed = false;

/** Installs the fixes once: the Resizing output-shape patch and the KerasResizing class. Idempotent. */
export function installTfjsLayerFixes(): void {
  if (installed) return;
  installed = true;
  const probe = tf.layers.resizing({ height: 1, width: 1 });
  const proto = Object.getPrototypeOf(probe) as {
    computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape;
    call: (this: unknown, i: tf.Tensor | tf.Tensor[], k: unknown) => tf.Tensor;
  };
  const call = proto.call;
  // tfjs's Resizing.call hands its inputs to resizeBilinear as given; the executor passes [x].
  proto.call = function (this: unknown, inputs: tf.Tensor | tf.Tensor[], kwargs: unknown): tf.Tensor {
    return call.call(this, Array.isArray(inputs) ? inputs[0] : inputs, kwargs);
  };
  proto.computeOutputShape = function (
    this: { height: number; width: number },
    inputShape: tf.Shape | tf.Shape[],
  ): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return s.length === 4 ? [s[0], this.height, this.width, s[3]] : [this.height, this.width, s[2]];
  };
  tf.serialization.registerClass(
    KerasResizing as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
}

/** Renames Resizing → KerasResizing in every (nested) layer list of a Keras-written model config. */
function useKerasResizing(v: Json, source: string): Json {
  if (Array.isArray(v)) return v.map((x) => useKerasResizing(x, source));
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, Json> = {};
  for (const [k, val] of Object.entries(v)) out[k] = useKerasResizing(val, source);
  if (out.class_name === 'Resizing' && typeof out.config === 'object' && out.config !== null) {
    if (out.config.pad_to_aspect_ratio) {
      throw new FileFormatError(
        source,
        `Resizing layer '${out.config.name}' pads to the aspect ratio (pad_to_aspect_ratio: true), which tfjs cannot do; re-export the model without it`,
      );
    }
    if ((out.config.data_format ?? 'channels_last') !== 'channels_last') {
      throw new FileFormatError(
        source,
        `Resizing layer '${out.config.name}' is channels_first; tfjs layers are channels_last`,
      );
    }
    out.class_name = 'KerasResizing';
  }
  return out;
}

/**
 * What loadModel applies to a parsed LayersModel model.json before tfjs reads it: installs the
 * tfjs layer fixes, translates Keras 3 files (src/models/keras3.ts), and gives Resizing layers of
 * Keras-written files Keras's semantics. GraphModel and tfjs-written files pass through (Resizing
 * still gets its output-shape fix). `source` names the file in errors.
 */
export function prepareLayersModelJson(json: Json, source = 'model.json'): Json {
  installTfjsLayerFixes();
  const translated = fromKeras3(json, source);
  const topo = translated?.modelTopology;
  const version = typeof topo?.keras_version === 'string' ? topo.keras_version : '';
  if (!topo || typeof topo !== 'object' || Array.isArray(topo.node) || version.startsWith('tfjs')) return translated;
  if (!JSON.stringify(topo).includes('"Resizing"')) return translated;
  return { ...translated, modelTopology: useKerasResizing(topo, source) };
}
