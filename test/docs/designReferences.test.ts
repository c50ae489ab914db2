/**
 * The conventions live in the repository (docs/DESIGN.md), and every "DESIGN §N" citation in the
 * code, tests, benchmarks, notebooks and README names a section that exists there; nothing reads
 * the sibling folder `../shared` that only the original authors had (issue 15, a fresh clone).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
const ROOT = repoRoot();
const SKIP_DIRS = new Set(['node_modules', 'dist', 'out', '.git', '.ipynb_checkpoints', 'fixtures']);
const TEXT = /\.(ts|js|mjs|cjs|py|sh|md|ipynb|json)$/;

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  if (fs.statSync(dir).isFile()) return [dir];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : walk(path.join(dir, e.name));
    return TEXT.test(e.name) ? [path.join(dir, e.name)] : [];
  });
}

/** Section numbers cited in `text`: "DESIGN §2", "DESIGN.md §10", ranges "DESIGN §2–3", lists "DESIGN §2, §5". */
export function citedSections(text: string): number[] {
  const out: number[] = [];
  const normalized = text.replace(/\\u00a7/gi, '§');
  for (const m of normalized.matchAll(
    /DESIGN(?:\.md)?\s*§\s*(\d+)(?:\s*[–-]\s*(\d+))?((?:\s*(?:,|and|&)\s*§\s*\d+)*)/g,
  )) {
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    for (let s = from; s <= to; s++) out.push(s);
    for (const extra of (m[3] ?? '').matchAll(/§\s*(\d+)/g)) out.push(Number(extra[1]));
  }
  return out;
}

/** The numbered sections of docs/DESIGN.md ("## 2. Coordinates ..."). */
function designSections(): Set<number> {
  const text = fs.readFileSync(path.join(ROOT, 'docs', 'DESIGN.md'), 'utf8');
  return new Set([...text.matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1])));
}

describe('docs/DESIGN.md and its citations', () => {
  it('has sections 1–10, in order', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'DESIGN.md'), 'utf8');
    assert.deepEqual(
      [...text.matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1])),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  it('the citation parser reads single sections, ranges, lists and JSON-escaped §', () => {
    assert.deepEqual(citedSections('see DESIGN §2 and (DESIGN.md §10).'), [2, 10]);
    assert.deepEqual(citedSections('DESIGN §2–3, DESIGN §4-6'), [2, 3, 4, 5, 6]);
    assert.deepEqual(citedSections('DESIGN §2, §5 and §9'), [2, 5, 9]);
    assert.deepEqual(citedSections('"DESIGN \\u00a71"'), [1]);
    assert.deepEqual(citedSections('no design here, § 3'), []);
  });

  it('every "DESIGN §N" in src/, test/, bench/, notebooks/, scripts/, README.md and environment.md names an existing section', () => {
    const sections = designSections();
    const files = ['src', 'test', 'bench', 'notebooks', 'scripts', 'README.md', 'environment.md'].flatMap((p) =>
      walk(path.join(ROOT, p)),
    );
    assert.ok(files.length > 100, `only ${files.length} files found under ${ROOT}`);
    const missing: string[] = [];
    let count = 0;
    for (const f of files) {
      for (const s of citedSections(fs.readFileSync(f, 'utf8'))) {
        count++;
        if (!sections.has(s)) missing.push(`${path.relative(ROOT, f)}: DESIGN §${s}`);
      }
    }
    assert.ok(count > 50, `only ${count} citations found; is the pattern right?`);
    assert.deepEqual(missing, []);
  });

  it('README and environment.md point to docs/DESIGN.md; no source, test, notebook, script or doc reads ../shared', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, /docs\/DESIGN\.md/);
    assert.match(fs.readFileSync(path.join(ROOT, 'environment.md'), 'utf8'), /docs\/DESIGN\.md/);
    // bench/ is in since its baselines live in the repository (issue 16); the two tests that check
    // for the string itself are the exceptions.
    const files = [
      'src',
      'test',
      'bench',
      'notebooks',
      'scripts',
      'docs',
      'README.md',
      'environment.md',
      'package.json',
    ].flatMap((p) => walk(path.join(ROOT, p)));
    const selfChecks = new Set([
      path.join(ROOT, 'test', 'docs', 'designReferences.test.ts'),
      path.join(ROOT, 'test', 'bench', 'bench.test.ts'),
    ]);
    const offenders = files.filter(
      (f) =>
        !selfChecks.has(f) &&
        /(\.\.\/|\/work\/)shared\b|['"]shared['"]\s*,\s*['"](reference|bench|cases)['"]/.test(
          fs.readFileSync(f, 'utf8'),
        ),
    );
    assert.deepEqual(
      offenders.map((f) => path.relative(ROOT, f)),
      [],
    );
  });
});
