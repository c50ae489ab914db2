import { LiederivError } from '../errors';

/**
 * A classroom check that did not pass. The message is the feedback a student reads: which
 * property of the answer failed and a hint towards the fix — never the expected value.
 */
export class AssignmentCheckError extends LiederivError {
  constructor(
    readonly question: string,
    readonly feedback: string,
  ) {
    super(`✗ ${question}: ${feedback}`, 'E_ASSIGNMENT');
  }
}

/** Where a check writes its ✓/⚑/✗ line (stdout: a notebook cell's output). */
export type CheckLog = (line: string) => void;
export const stdoutLog: CheckLog = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * What a check returns when it does not throw: 'pass', or 'review' for answers a person must read
 * (free text). `fraction` in [0, 1] of the check's points (provisional for 'review'); `lecturer`
 * holds what only the grading export shows (rubric matches, measured values).
 */
export interface CheckOutcome {
  status: 'pass' | 'review';
  fraction: number;
  feedback: string;
  lecturer?: Record<string, unknown>;
}

export function passed(feedback: string, lecturer?: Record<string, unknown>): CheckOutcome {
  return { status: 'pass', fraction: 1, feedback, ...(lecturer ? { lecturer } : {}) };
}

/** Runs a student's function, turning anything it throws into feedback instead of a stack trace. */
export function callStudent<T>(question: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AssignmentCheckError) throw err;
    throw new AssignmentCheckError(
      question,
      `${what} threw "${(err as Error)?.message ?? String(err)}". Replace the TODO with your implementation and run the cell again.`,
    );
  }
}

/** Formats a small matrix (the student's own, for feedback): [[0, 1, 0], [−1, 0, 0], [0, 0, 0]]. */
export function matrixText(m: number[][]): string {
  return `[${m.map((r) => `[${r.map((v) => Number(v.toPrecision(4))).join(', ')}]`).join(', ')}]`;
}

/** Plain number[][] from a mathjs Matrix or nested arrays, or null when it is neither. */
export function asRows(m: unknown): number[][] | null {
  const arr =
    m && typeof (m as { toArray?: unknown }).toArray === 'function' ? (m as { toArray(): unknown }).toArray() : m;
  if (!Array.isArray(arr) || !arr.every((r) => Array.isArray(r))) return null;
  return (arr as unknown[][]).map((r) => r.map((v) => (typeof v === 'number' ? v : NaN)));
}

/**
 * Names of liederiv's reference implementations that a student's function calls (from its source
 * text). The handouts do not import them; a student who imports one anyway is told so, and the
 * grading export flags it.
 */
export function referenceCalls(fn: (...args: never[]) => unknown, names: readonly string[]): string[] {
  const src = Function.prototype.toString.call(fn);
  return names.filter((n) => new RegExp(`\\b${n}\\b`).test(src));
}

export function refuseReferenceCalls(
  question: string,
  fn: (...args: never[]) => unknown,
  names: readonly string[],
): void {
  const used = referenceCalls(fn, names);
  if (used.length) {
    throw new AssignmentCheckError(
      question,
      `your function calls liederiv's own ${used.join(', ')}: this question asks you to build it yourself from tf ops (the grader compares against the library, so calling it proves nothing).`,
    );
  }
}
