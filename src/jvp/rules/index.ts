/**
 * The only module with registration side effects (STYLE §6): every layer rule, sorted by file,
 * then the zoo's custom layers and the GraphModel op rules. Import it once before walking a model.
 */
import { registerLayerRule } from '../registry';
import { activationRule } from './layers/activation';
import { addRule } from './layers/add';
import { alphaDropoutRule } from './layers/alphaDropout';
import { averageRule } from './layers/average';
import { averagePooling1dRule } from './layers/averagePooling1d';
import { averagePooling2dRule } from './layers/averagePooling2d';
import { batchNormalizationRule } from './layers/batchNormalization';
import { centerCropRule } from './layers/centerCrop';
import { concatenateRule } from './layers/concatenate';
import { conv2dRule } from './layers/conv2d';
import { cropping2dRule } from './layers/cropping2d';
import { denseRule } from './layers/dense';
import { depthwiseConv2dRule } from './layers/depthwiseConv2d';
import { dropoutRule } from './layers/dropout';
import { eluRule } from './layers/elu';
import { flattenRule } from './layers/flatten';
import { gaussianDropoutRule } from './layers/gaussianDropout';
import { gaussianNoiseRule } from './layers/gaussianNoise';
import { globalAveragePooling1dRule } from './layers/globalAveragePooling1d';
import { globalAveragePooling2dRule } from './layers/globalAveragePooling2d';
import { globalMaxPooling2dRule } from './layers/globalMaxPooling2d';
import { kerasResizingRule } from './layers/kerasResizing';
import { layerNormalizationRule } from './layers/layerNormalization';
import { leakyReLURule } from './layers/leakyReLU';
import { maxPooling2dRule } from './layers/maxPooling2d';
import { maximumRule } from './layers/maximum';
import { minimumRule } from './layers/minimum';
import { multiplyRule } from './layers/multiply';
import { pReLURule } from './layers/pReLU';
import { permuteRule } from './layers/permute';
import { reLURule } from './layers/reLU';
import { repeatVectorRule } from './layers/repeatVector';
import { rescalingRule } from './layers/rescaling';
import { reshapeRule } from './layers/reshape';
import { resizingRule } from './layers/resizing';
import { separableConv2dRule } from './layers/separableConv2d';
import { softmaxRule } from './layers/softmax';
import { spatialDropout1dRule } from './layers/spatialDropout1d';
import { thresholdedReLURule } from './layers/thresholdedReLU';
import { upSampling2dRule } from './layers/upSampling2d';
import { zeroPadding2dRule } from './layers/zeroPadding2d';
import './layers/custom';

import './ops';

for (const rule of [
  activationRule,
  addRule,
  alphaDropoutRule,
  averageRule,
  averagePooling1dRule,
  averagePooling2dRule,
  batchNormalizationRule,
  centerCropRule,
  concatenateRule,
  conv2dRule,
  cropping2dRule,
  denseRule,
  depthwiseConv2dRule,
  dropoutRule,
  eluRule,
  flattenRule,
  gaussianDropoutRule,
  gaussianNoiseRule,
  globalAveragePooling1dRule,
  globalAveragePooling2dRule,
  globalMaxPooling2dRule,
  kerasResizingRule,
  layerNormalizationRule,
  leakyReLURule,
  maxPooling2dRule,
  maximumRule,
  minimumRule,
  multiplyRule,
  pReLURule,
  permuteRule,
  reLURule,
  repeatVectorRule,
  rescalingRule,
  reshapeRule,
  resizingRule,
  separableConv2dRule,
  softmaxRule,
  spatialDropout1dRule,
  thresholdedReLURule,
  upSampling2dRule,
  zeroPadding2dRule,
])
  registerLayerRule(rule);
