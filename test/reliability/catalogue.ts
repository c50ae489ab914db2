import assert from 'node:assert/strict';
import * as fs from 'node:fs';

/**
 * One row of test/RELIABILITY.md: what was tried, how, and what happened. With
 * LIEDERIV_CATALOGUE=<file> set, every checked case is appended there as a JSON line (the table in
 * RELIABILITY.md is generated from it), so the document quotes the messages the tests saw.
 */
export interface CatalogueEntry {
  area: string;
  case: string;
  trigger: string;
  /** Error class (library) or exit code (CLI). */
  outcome: string;
  message: string;
  test: string;
}

export function record(entry: CatalogueEntry): void {
  const file = process.env.LIEDERIV_CATALOGUE;
  if (file) fs.appendFileSync(file, JSON.stringify(entry) + '\n');
}

/**
 * Asserts that `fn` throws an instance of `type` whose message matches every pattern (what was
 * expected and what was found), and records the case.
 */
export async function expectError(
  entry: Omit<CatalogueEntry, 'outcome' | 'message'>,
  fn: () => unknown,
  type: new (...args: any[]) => Error,
  patterns: RegExp[],
): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `${entry.case}: expected ${type.name}, nothing was thrown`);
  const err = caught as Error;
  assert.ok(
    err instanceof type,
    `${entry.case}: expected ${type.name}, got ${err?.constructor?.name}: ${err?.message}`,
  );
  for (const p of patterns) assert.match(err.message, p, `${entry.case}: message`);
  record({ ...entry, outcome: type.name, message: err.message });
}
