import * as tf from '@tensorflow/tfjs';
import { avgPoolGradGradConfig } from './avgPoolGrad';
import { depthwiseConv2dNativeBackpropInputGradConfig } from './depthwiseConv2dNativeBackpropInput';
import { eluGradGradConfig } from './eluGrad';
import { maxPoolGradGradConfig } from './maxPoolGrad';

/**
 * Registers the second-order gradients tfjs lacks, each only when tfjs has none (tfjs overwrites
 * registrations silently, so a future tfjs gradient wins). Idempotent.
 */
export function registerMissingGradients(): void {
  for (const config of [
    avgPoolGradGradConfig,
    depthwiseConv2dNativeBackpropInputGradConfig,
    eluGradGradConfig,
    maxPoolGradGradConfig,
  ]) {
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
}
