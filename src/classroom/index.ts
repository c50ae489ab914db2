/** Classroom assignments: per-student variants, checks with feedback, rubric-graded free text, grading export. */
export { AssignmentCheckError, passed, referenceCalls, type CheckLog, type CheckOutcome } from './assignmentCheckError';
export {
  AssignmentSession,
  type AssignmentSpec,
  type CheckContext,
  type GradeRecord,
  type GradeReport,
  type SessionOptions,
} from './session';
export { gradeFreeText, keywordConcept, quotesNumber, rubricMarkdown, type Concept } from './rubric';
export { checkRng, randomImages, studentSeed, variantRng } from './variant';
export {
  checkCommutator,
  checkFlow,
  checkRotationGenerator,
  checkTangent,
  ROTATION_ASSIGNMENT,
  type RotationVariant,
} from './rotationAssignment';
export {
  checkAugmentationEffect,
  checkExplanation,
  checkMostSensitiveGroup,
  checkSymmetricQuotient,
  EQUIVARIANCE_ASSIGNMENT,
  quotientGaps,
  type QuotientFn,
} from './equivarianceAssignment';
export {
  checkColourExplanation,
  checkColourTangent,
  checkHueGenerator,
  checkHueModels,
  COLOUR_ASSIGNMENT,
  HUE_UNITS,
} from './colourAssignment';
export {
  AUGMENTATION_ASSIGNMENT,
  checkConfounds,
  checkMeanInterval,
  checkPairedRatio,
  checkSmallSample,
} from './augmentationAssignment';
export { perImage } from './augmentationCheck';
export { checkAugmentationVerdict, verdictOfRatio, VERDICTS, type CiAnswer, type Verdict } from './augmentationCheck';
export { ASSIGNMENTS, startAssignment } from './handout';
export {
  checkContributions,
  checkLargestLayer,
  checkTelescopingExplanation,
  checkTelescopingGap,
  TELESCOPING_ASSIGNMENT,
  type ContributionsFn,
} from './telescopingAssignment';
export { layerTools, type LayerTools } from './layerTools';
