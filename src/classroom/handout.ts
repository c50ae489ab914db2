/**
 * What a handout notebook imports: `startAssignment` (the student's session: variant, checks,
 * export) and the check functions. Nothing here computes an answer for the student; the grader's
 * references stay inside the check functions.
 */
import type { AssignmentSpec, SessionOptions } from './session';
import { AssignmentSession } from './session';
import { ROTATION_ASSIGNMENT } from './rotationAssignment';
import { EQUIVARIANCE_ASSIGNMENT } from './equivarianceAssignment';
import { COLOUR_ASSIGNMENT } from './colourAssignment';
import { TELESCOPING_ASSIGNMENT } from './telescopingAssignment';
import { AUGMENTATION_ASSIGNMENT } from './augmentationAssignment';
import { InputError } from '../errors';

// Each assignment has its own variant type; startAssignment<V> names the one a caller expects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export const ASSIGNMENTS: Record<string, AssignmentSpec<any>> = {
  [ROTATION_ASSIGNMENT.id]: ROTATION_ASSIGNMENT,
  [EQUIVARIANCE_ASSIGNMENT.id]: EQUIVARIANCE_ASSIGNMENT,
  [TELESCOPING_ASSIGNMENT.id]: TELESCOPING_ASSIGNMENT,
  [COLOUR_ASSIGNMENT.id]: COLOUR_ASSIGNMENT,
  [AUGMENTATION_ASSIGNMENT.id]: AUGMENTATION_ASSIGNMENT,
};

/** A student's session for assignment `id`; prints the variant so the student knows their task. */
// Notebook cells call startAssignment(id) without a type argument and read the variant's fields.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export function startAssignment<V = any>(id: string, opts: SessionOptions = {}): AssignmentSession<V> {
  const spec = ASSIGNMENTS[id];
  if (!spec) throw new InputError(`no classroom assignment '${id}'; there are ${Object.keys(ASSIGNMENTS).join(', ')}`);
  const s = new AssignmentSession<V>(spec as AssignmentSpec<V>, opts);
  (opts.log ?? ((l: string) => process.stdout.write(`${l}\n`)))(
    `${spec.title} — student ${s.student}, your version: ${JSON.stringify(s.variant)}${s.grading ? ' (grading mode)' : ''}`,
  );
  return s;
}
