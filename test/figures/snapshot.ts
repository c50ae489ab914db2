import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** test/figures/__snapshots__ in the source tree (tests run from dist/test/figures). */
export const SNAPSHOT_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'figures', '__snapshots__');

/**
 * Compares a figure structurally (after a JSON round trip, as Plotly receives it) with its
 * committed snapshot. UPDATE_SNAPSHOTS=1 rewrites the file; a missing snapshot fails.
 */
export function matchSnapshot(name: string, figure: unknown): void {
  const file = path.join(SNAPSHOT_DIR, `${name}.json`);
  const actual = JSON.parse(JSON.stringify(figure));
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    return;
  }
  assert.ok(fs.existsSync(file), `snapshot ${file} is missing; run with UPDATE_SNAPSHOTS=1 and review it`);
  assert.deepStrictEqual(
    actual,
    JSON.parse(fs.readFileSync(file, 'utf8')),
    `figure '${name}' differs from its snapshot ${file}`,
  );
}
