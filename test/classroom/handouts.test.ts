import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { buildHandouts, buildSolutions, classroomPaths } from '../../src/classroom/build';
import { ASSIGNMENTS } from '../../src/classroom/handout';
import { REPO_ROOT } from '../../src/runtime/jupyter';
import { hasJupyter } from '../helpers/requirements';

/** Modules a handout may import: tools (tf, data, models, lee, bootstrap, display) and the session/checks. */
const ALLOWED = new Set([
  '@tensorflow/tfjs',
  'mathjs',
  './src/backend',
  './src/notebook/index',
  './src/classroom/index',
  './src/data/index',
  './src/models/zoo/index',
  './src/models/train',
  './src/models/load',
  './src/lie/lee',
  './src/lie/metrics/modelOutput',
  './src/groups/apply',
  './src/stats/bootstrap',
  './src/figures/tSlider',
]);
/** Reference implementations of the answers: never imported by a handout, nor named in it. */
const REFERENCES = [
  'imageTangent',
  'featureTangent',
  'colorTangent',
  'lieDerivative',
  'layerContributions',
  'layerwise',
  'getGroup',
  'spatialCoefficients',
  'commutator',
  'jvp',
];

const p = classroomPaths(REPO_ROOT);
const handoutSources = () => fs.readdirSync(p.sources).filter((f) => f.endsWith('.nb.txt'));
const cellsOf = (ipynb: string): string[] =>
  (JSON.parse(fs.readFileSync(ipynb, 'utf8')).cells as Array<{ cell_type: string; source: string | string[] }>)
    .filter((c) => c.cell_type === 'code')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));

describe('classroom handouts', () => {
  it('every handout source has a solution source and a registered assignment, and vice versa', () => {
    const names = handoutSources().map((f) => f.replace(/\.nb\.txt$/, ''));
    assert.ok(names.length >= 4, `handouts: ${names.join(', ')}`);
    const sols = fs.readdirSync(p.solutionSources).map((f) => f.replace(/-solution\.nb\.txt$/, ''));
    assert.deepEqual([...sols].sort(), [...names].sort());
    assert.deepEqual(Object.keys(ASSIGNMENTS).sort(), [...names].sort());
  });

  it('handouts import no reference implementation (only tools and the checks) and name none', () => {
    for (const f of fs.readdirSync(p.handouts).filter((x) => x.endsWith('.ipynb'))) {
      const code = cellsOf(path.join(p.handouts, f)).join('\n');
      const imports = [...code.matchAll(/import\s+[^;]*?from\s+'([^']+)'/g)].map((m) => m[1]);
      assert.ok(imports.length > 0, f);
      for (const m of imports) assert.ok(ALLOWED.has(m), `${f} imports ${m}`);
      for (const name of REFERENCES)
        assert.ok(!new RegExp(`\\b${name}\\s*[(,}]`).test(code), `${f} uses the reference ${name}`);
    }
  });

  it('solutions are not under notebooks/ (beside the handouts) and not in git', () => {
    const walk = (d: string): string[] =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
    const ipynbs = walk(path.join(REPO_ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
    assert.ok(
      ipynbs.every((f) => !/solution/i.test(f)),
      ipynbs.filter((f) => /solution/i.test(f)).join(', '),
    );
    for (const f of fs.readdirSync(p.handouts).filter((x) => x.endsWith('.ipynb'))) {
      assert.ok(
        cellsOf(path.join(p.handouts, f)).some((c) => /TODO/.test(c)),
        `${f} has no TODO: is it a solution?`,
      );
    }
    const ignore = fs.readFileSync(path.join(REPO_ROOT, '.gitignore'), 'utf8');
    assert.match(ignore, /^out\/$/m, 'out/ (where solutions are generated) is git-ignored');
  });

  it('the handout build leaves the solutions out; the solutions build writes them and the rubrics elsewhere', (t) => {
    if (!hasJupyter()) return t.skip('nbformat (Jupyter) missing');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-classroom-'));
    const handoutDir = path.join(tmp, 'handout');
    const solDir = path.join(tmp, 'solutions');
    const built = buildHandouts({ root: REPO_ROOT, handoutDir, notebooksDir: path.join(tmp, 'notebooks') });
    const handed = fs.readdirSync(handoutDir);
    assert.deepEqual(handed.sort(), built.map((f) => path.basename(f)).sort());
    assert.ok(handed.every((f) => !/solution/.test(f)));
    for (const f of handed) {
      const cells = cellsOf(path.join(handoutDir, f));
      assert.ok(
        cells.some((c) => /TODO/.test(c)),
        `${f} in the handout folder is not a handout`,
      );
      assert.deepEqual(
        cells,
        cellsOf(path.join(p.handouts, f)),
        `${f}: committed handout is stale; run node scripts/classroom.js handouts`,
      );
    }
    const sols = buildSolutions({ root: REPO_ROOT, solutionsDir: solDir });
    assert.equal(sols.length, handed.length);
    for (const s of sols) assert.ok(!cellsOf(s).some((c) => /'TODO/.test(c)), `${s} still has a TODO placeholder`);
    assert.match(fs.readFileSync(path.join(solDir, 'RUBRICS.md'), 'utf8'), /lecturer looks for/);
    assert.ok(!fs.readdirSync(handoutDir).includes('RUBRICS.md'));
  });
});
