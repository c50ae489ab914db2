/**
 * Free-text answers graded by a rubric a person reads. A rubric is a list of concepts; each has a
 * question the student sees (guidance, not the answer) and a matcher plus a note only the
 * lecturer sees (in the grading export and out/classroom/solutions/RUBRICS.md). The score is
 * provisional and the check is always 'review': length, a group name and a number never pass on
 * their own.
 */
import { AssignmentCheckError, type CheckOutcome } from './assignmentCheckError';

export interface Concept {
  id: string;
  /** What the student is told to cover when it is missing (a question, never the answer). */
  guidance: string;
  /** What the lecturer looks for. */
  lecturerNote: string;
  matches(text: string): boolean;
  weight?: number;
}

/** A concept matched by any of the patterns (case-insensitive). */
export function keywordConcept(
  id: string,
  guidance: string,
  lecturerNote: string,
  patterns: RegExp[],
  weight = 1,
): Concept {
  return {
    id,
    guidance,
    lecturerNote,
    weight,
    matches: (t) => patterns.some((p) => new RegExp(p.source, 'i').test(t)),
  };
}

/** A concept met when the text quotes `value` within `relTol` (the student's own measurement). */
export function quotesNumber(id: string, guidance: string, value: number, relTol = 0.1, weight = 1): Concept {
  return {
    id,
    guidance,
    lecturerNote: Number.isFinite(value)
      ? `quotes the measured value ${value.toPrecision(3)} (within ${100 * relTol} %)`
      : `quotes the measured value (within ${100 * relTol} %)`,
    weight,
    matches: (t) =>
      (t.match(/[-+]?\d*\.?\d+(?:e[-+]?\d+)?/gi) ?? [])
        .map(Number)
        .some((v) => Math.abs(v - value) <= relTol * Math.abs(value)),
  };
}

export const MIN_WORDS = 20;

/**
 * Grades `text` against `concepts`: fails only when there is no answer (empty, TODO, under
 * MIN_WORDS words); otherwise 'review' with the matched fraction as a provisional score.
 */
export function gradeFreeText(question: string, text: unknown, concepts: Concept[]): CheckOutcome {
  if (typeof text !== 'string' || text.trim() === '' || /\bTODO\b/.test(text))
    throw new AssignmentCheckError(question, 'write your answer as a string (replace the TODO).');
  const words = text.trim().split(/\s+/).length;
  if (words < MIN_WORDS)
    throw new AssignmentCheckError(
      question,
      `${words} words is too short to explain anything: answer in full sentences (at least ${MIN_WORDS} words).`,
    );
  const total = concepts.reduce((s, c) => s + (c.weight ?? 1), 0);
  const results = concepts.map((c) => ({
    id: c.id,
    note: c.lecturerNote,
    guidance: c.guidance,
    matched: c.matches(text),
    weight: c.weight ?? 1,
  }));
  const got = results.filter((r) => r.matched).reduce((s, r) => s + r.weight, 0);
  const missing = results.filter((r) => !r.matched).map((r) => r.guidance);
  const feedback =
    `recorded for your lecturer to read (a person grades this answer).` +
    (missing.length
      ? ` Before you hand in, check that it answers: ${missing.map((m) => `“${m}”`).join(' ')}`
      : ' It touches every point the rubric asks about.');
  return {
    status: 'review',
    fraction: total ? got / total : 0,
    feedback,
    lecturer: { words, text, rubric: results.map(({ guidance: _g, ...r }) => r) },
  };
}

/** The rubric as Markdown for the lecturer (solutions build). */
export function rubricMarkdown(question: string, concepts: Concept[]): string {
  return [
    `### ${question}`,
    '',
    '| concept | weight | student guidance | lecturer looks for |',
    '|---|---|---|---|',
    ...concepts.map((c) => `| ${c.id} | ${c.weight ?? 1} | ${c.guidance} | ${c.lecturerNote} |`),
    '',
  ].join('\n');
}
