/**
 * Every numerical tolerance of the tests lives in test/helpers/tolerances.ts (issue 20 item 4): this
 * scans the TypeScript under test/ for a small number literal in a bound position (see
 * test/helpers/toleranceScan.ts) outside the table, and names each file:line.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { boundLiterals, codeOf, scanSource } from './helpers/toleranceScan';
import { TOL } from './helpers/tolerances';

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

/** Files the scan skips: the table itself, the scanner and this test (their examples are literals on purpose). */
const EXEMPT = [
  path.join('test', 'helpers', 'tolerances.ts'),
  path.join('test', 'helpers', 'toleranceScan.ts'),
  path.join('test', 'tolerances.test.ts'),
];

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === '__snapshots__' ? [] : testSources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const literals = (line: string) => boundLiterals(codeOf(line)).map((s) => s.text);

describe('tolerance table', () => {
  it('the scanner finds bounds and leaves data, prose and messages alone', () => {
    assert.deepEqual(literals('assert.ok(Math.abs(a - b) <= 1e-6 * (b + 1e-12));'), ['1e-6', '1e-12']);
    assert.deepEqual(literals('assert.ok(x > 1e-2 && y < 0.05, `off by ${d} > 0.01`);'), ['1e-2', '0.05']);
    assert.deepEqual(literals("assert.ok(Math.abs(rate(1e-3, 'cosine') - 5e-4) < 1e-12);"), ['1e-12']);
    assert.deepEqual(literals('const ts = [1e-2, 1e-3];'), []);
    assert.deepEqual(literals("assert.equal(format(3.5e-4), '3.5e-4');"), []);
    assert.deepEqual(literals('// within 1e-5 of the reference'), []);
    assert.deepEqual(literals("assert.ok(ok, 'more than 1e-3 < 2e-3');"), []);
    assert.deepEqual(literals('const REL_TOL = 0.005;'), ['0.005']);
    assert.deepEqual(literals('const tol = spatial ? 2e-3 : 1e-4;'), ['2e-3', '1e-4']);
    assert.deepEqual(literals("assertGraphJvp(m, [2, 3], { h: 1e-2, tol: 1e-3, what: 'x' });"), ['1e-2', '1e-3']);
    assert.deepEqual(literals('const step = { h: 1e-2 };'), []);
    assert.deepEqual(literals('close(got, 1.3e-4, 1e-3);'), ['1e-3']);
    assert.deepEqual(literals('const linear = makeImage(0.01, 0.02).clipByValue(0, 1);'), []);
    assert.deepEqual(literals('assert.ok(err < TOL.fdRel, `${err} > ${TOL.fdRel}`);'), []);
    assert.deepEqual(scanSource('/**\n * measured 2e-7 < 1e-4\n */\nx < 1e-3;\n', 'f.ts'), ['f.ts:4: x < 1e-3;']);
  });

  it('every entry of the table is a positive finite number', () => {
    for (const [name, v] of Object.entries(TOL)) assert.ok(Number.isFinite(v) && v > 0, `${name} = ${v}`);
  });

  it('no test file bounds a number with a literal outside test/helpers/tolerances.ts', () => {
    const root = repoRoot();
    const files = testSources(path.join(root, 'test')).filter((f) => !EXEMPT.includes(path.relative(root, f)));
    const found = files.flatMap((f) => scanSource(fs.readFileSync(f, 'utf8'), path.relative(root, f)));
    assert.deepEqual(
      found,
      [],
      `${found.length} tolerance literal(s) outside the table — move each into test/helpers/tolerances.ts, named for what it bounds, with why and where it was measured:\n${found.join('\n')}`,
    );
  });
});
