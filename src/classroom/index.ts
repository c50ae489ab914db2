/** Classroom assignment checks: each throws AssignmentCheckError with feedback, or reports ✓. */
export { AssignmentCheckError, passed, type CheckLog } from './assignmentCheckError';
export { checkCommutatorAnswer, checkRotationFlow, checkRotationGenerator, checkRotationTangent } from './rotationAssignment';
export { checkAugmentationEffect, checkExplanation, checkMostSensitiveGroup, checkSymmetricQuotient, type QuotientFn } from './equivarianceAssignment';
