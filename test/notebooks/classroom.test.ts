import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { buildSolutions, classroomPaths } from '../../src/classroom/build';
import { ASSIGNMENTS } from '../../src/classroom/handout';
import { firstCheckCell, REPO_ROOT, runNotebooks } from '../../src/runtime/jupyter';
import { hasJupyter } from '../helpers/requirements';

/** The feedback each assignment's untouched TODO must produce at its first check cell. */
const EXPECTED_FEEDBACK: Record<string, RegExp> = {
  '01-rotation-generator': /✗ Q1 rotation generator: your matrix is all zeros/,
  '02-model-equivariance': /✗ Q1 the symmetric quotient: your quotient function threw "TODO/,
  '03-layerwise-telescoping': /✗ Q1 the layer contributions: your contributions sum to L f|✗ Q1 the layer contributions: layer 1/,
  '04-colour-groups': /✗ Q1 the hue generator: your matrix is all zeros/,
  '05-augmentation-intervals': /✗ Q1 the interval of a mean LEE: expected \{ estimate, lo, hi \}/,
};

// Each handout, as handed out (with a student id from the environment), stops at its first check
// cell with feedback; each solution, generated into a temporary folder, runs clean in grading mode
// and its export has every check passed or awaiting review. Run one at a time: each takes ~1–2 min.
describe('classroom notebooks', () => {
  const p = classroomPaths(REPO_ROOT);
  const grades = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-grades-'));
  process.env.LIEDERIV_GRADES_DIR = grades;
  process.env.LIEDERIV_STUDENT = 'ci-student';
  const solDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-solutions-'));

  for (const id of Object.keys(ASSIGNMENTS)) {
    const handout = path.join(p.handouts, `${id}.ipynb`);
    it(`${id} (as handed out) fails at its first check cell with helpful feedback`, async (t) => {
      if (!hasJupyter()) return t.skip('Jupyter missing');
      assert.ok(EXPECTED_FEEDBACK[id], `add the expected first-check feedback of ${id}`);
      const [result] = await runNotebooks([handout], {});
      assert.equal(result.ok, false, `${id} ran clean: its TODO placeholders must fail a check`);
      const error = result.error ?? '';
      assert.match(error, new RegExp(`^cell ${firstCheckCell(handout) + 1} failed:`), `it must stop at the first check cell (cell ${firstCheckCell(handout) + 1})`);
      assert.match(error, /AssignmentCheckError/);
      assert.match(error, EXPECTED_FEEDBACK[id]);
    });
    it(`${id} solution runs clean in grading mode and exports its grades`, async (t) => {
      if (!hasJupyter()) return t.skip('Jupyter missing');
      const sol = buildSolutions({ root: REPO_ROOT, solutionsDir: solDir }).find((f) => path.basename(f) === `${id}-solution.ipynb`)!;
      process.env.LIEDERIV_GRADING = '1';
      try {
        const [result] = await runNotebooks([sol], {});
        assert.ok(result.ok, `${id} solution failed:\n${result.error}`);
      } finally {
        delete process.env.LIEDERIV_GRADING;
      }
      const report = JSON.parse(fs.readFileSync(path.join(grades, id, 'ci-student.json'), 'utf8'));
      for (const c of report.checks) assert.ok(c.status === 'pass' || c.status === 'review', `${id} ${c.check}: ${c.status} — ${c.feedback}`);
    });
  }
});
