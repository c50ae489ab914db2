/** Public API of src/lie: Lie derivatives of a model, batched LEE tables and their reductions. */
export { asModelWrapper, endsInSoftmax, lieDerivative, type LieOptions, type OutputMode } from './lieDerivative';
export { DEFAULT_LEE_BATCH, lee, type LeeOptions, type LeeRow } from './lee';
export { reduceAll, reduceLie, REDUCTIONS, type Reduction } from './reductions';
