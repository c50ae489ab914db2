/** Public API of src/lie: Lie derivatives of a model, batched LEE tables and their reductions. */
export { asModelWrapper, endsInSoftmax, lieDerivative, type LieOptions, type OutputMode } from './lieDerivative';
export { DEFAULT_LEE_BATCH, lee, type LeeOptions, type LeeRow } from './lee';
export { reduceAll, reduceLie, REDUCTIONS, type Reduction } from './reductions';
export {
  DEFAULT_EXACT_LIMIT,
  DEFAULT_LAYERWISE_BATCH,
  DEFAULT_MAX_SLOTS,
  DEFAULT_PROBES,
  LAYERWISE_OUTPUTS,
  layerContributions,
  layerDefectMaps,
  layerwise,
  type LayerContributions,
  type LayerInfo,
  type LayerwiseMeta,
  type LayerwiseOptions,
  type LayerwiseOutput,
  type LayerwiseResult,
  type LayerwiseRow,
} from './layerwise';
export { LAYER_KINDS, layerKind, type LayerKind } from './layerKinds';
export { gaussianProbes, hutchinsonSqNorms, type HutchinsonOptions } from './hutchinson';
