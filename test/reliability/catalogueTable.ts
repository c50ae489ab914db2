/**
 * Turns the JSON lines written by the reliability tests (LIEDERIV_CATALOGUE=<file>, catalogue.ts)
 * into the Markdown tables of test/RELIABILITY.md:
 *   LIEDERIV_CATALOGUE=/tmp/cat.jsonl node --test --test-concurrency=1 dist/test/reliability/*.test.js
 *   node dist/test/reliability/catalogueTable.js /tmp/cat.jsonl > /tmp/tables.md
 */
import * as fs from 'node:fs';
import type { CatalogueEntry } from './catalogue';

const cell = (s: string) =>
  s
    .replace(/\/tmp\/liederiv-[\w-]+/g, '$TMP')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
/** Outside code spans: markup shows as text, and very long messages (lists of layer classes) are cut. */
const text = (s: string) => {
  const c = cell(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return c.length > 420 ? `${c.slice(0, 400)} … (cut)` : c;
};

export function catalogueTables(entries: CatalogueEntry[]): string {
  // One row per (area, case, message): the same check through several entry points lists them all.
  const merged = new Map<string, CatalogueEntry & { triggers: string[] }>();
  for (const e of entries) {
    const key = `${e.area}\0${e.case}\0${cell(e.message)}`;
    const m = merged.get(key);
    if (m) {
      if (!m.triggers.includes(e.trigger)) m.triggers.push(e.trigger);
    } else merged.set(key, { ...e, triggers: [e.trigger] });
  }
  const areas = [...new Set([...merged.values()].map((e) => e.area))];
  return areas
    .map((area) => {
      const rows = [...merged.values()].filter((e) => e.area === area);
      return [
        `### ${area}`,
        '',
        '| case | triggered by | outcome | message / measurement (verbatim) | test |',
        '|---|---|---|---|---|',
        ...rows.map(
          (e) =>
            `| ${text(e.case)} | ${e.triggers.map((t) => `\`${cell(t).replace(/`/g, "'")}\``).join('<br>')} | ${text(e.outcome)} | ${text(e.message)} | ${e.test.replace('test/reliability/', '')} |`,
        ),
        '',
      ].join('\n');
    })
    .join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  const entries = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as CatalogueEntry);
  process.stdout.write(catalogueTables(entries));
}
