import { LiederivError } from '../errors';

/**
 * A classroom check that did not pass. The message is the feedback a student reads: what was
 * checked, what was expected, what was found, and a hint towards the fix.
 */
export class AssignmentCheckError extends LiederivError {
  constructor(readonly question: string, feedback: string) {
    super(`✗ ${question}: ${feedback}`, 'E_ASSIGNMENT');
  }
}

/** Where a passing check writes its ✓ line (stdout: a notebook cell's output). */
export type CheckLog = (line: string) => void;
export const stdoutLog: CheckLog = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Reports a passed check and returns its message (so tests can read it). */
export function passed(question: string, message: string, log: CheckLog = stdoutLog): string {
  const line = `✓ ${question}: ${message}`;
  log(line);
  return line;
}

/** Runs a student's function, turning anything it throws into feedback instead of a stack trace. */
export function callStudent<T>(question: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AssignmentCheckError) throw err;
    throw new AssignmentCheckError(question, `${what} threw "${(err as Error)?.message ?? String(err)}". Replace the TODO with your implementation and run the cell again.`);
  }
}

/** Formats a small matrix for feedback: [[0, 1, 0], [−1, 0, 0], [0, 0, 0]]. */
export function matrixText(m: number[][]): string {
  return `[${m.map((r) => `[${r.map((v) => Number(v.toPrecision(4))).join(', ')}]`).join(', ')}]`;
}

/** Plain number[][] from a mathjs Matrix or nested arrays, or null when it is neither. */
export function asRows(m: unknown): number[][] | null {
  const arr = m && typeof (m as { toArray?: unknown }).toArray === 'function' ? (m as { toArray(): unknown }).toArray() : m;
  if (!Array.isArray(arr) || !arr.every((r) => Array.isArray(r))) return null;
  return (arr as unknown[][]).map((r) => r.map((v) => (typeof v === 'number' ? v : NaN)));
}
