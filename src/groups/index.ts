/** Public API of src/groups: the group catalog, generator algebra, finite actions, tangents, units. */
export {
  COLOR_GROUP_NAMES,
  GROUP_NAMES,
  LUMA_WEIGHTS,
  SPATIAL_GROUP_NAMES,
  type Group,
  type GroupKind,
  type GroupName,
} from './catalog';
export {
  AFFINE_BASIS,
  combineGroups,
  commutator,
  commutatorGroup,
  defineGroup,
  flow,
  generatorLatex,
  getGroup,
  meanFlow,
  spatialCoefficients,
} from './generators';
export { applyGroup } from './apply';
export {
  COORDINATES,
  gridCoord,
  nonSquareWarning,
  normalizedCoord,
  pixelsPerUnit,
  reflectIndex,
  sampleAffine,
  type Coordinates,
} from './sampler';
export {
  DIFFERENCES,
  derivativeStencil,
  featureTangent,
  imageTangent,
  type Difference,
  type FeatureTangentOptions,
  type TangentOptions,
} from './tangent';
export { fromNormalized, groupParameterToNormalized, toNormalized, UNITS, type Unit } from './units';
