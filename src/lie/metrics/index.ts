/** Discrete and finite-transformation equivariance metrics (DESIGN §6), for comparison with the LEE. */
export { modelOutput } from './modelOutput';
export { shiftImages, SHIFT_MODES, type ShiftMode } from './shift';
export { shiftConsistency, type ShiftConsistencyOptions } from './shiftConsistency';
export { sampleInvariance, type SampleInvarianceOptions } from './sampleInvariance';
export { eqT, EQ_MAX_DB, type EqTOptions } from './eqT';
export { finiteQuotientErrors, type FiniteQuotientRow } from './finiteQuotient';
export {
  eqR,
  eqRAngles,
  eqRByAngle,
  EQR_COMPARE,
  psnrDb,
  rotateWithMask,
  type EqRAngleRow,
  type EqRCompare,
  type EqROptions,
} from './eqR';
