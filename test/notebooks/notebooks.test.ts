import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { firstCheckCell, listNotebooks, notebookRole, REPO_ROOT, runNotebooks } from '../../src/runtime/jupyter';
import { checkRenderedHtml } from '../../src/report/checkHtml';
import { hasChromium, hasJupyter } from '../helpers/requirements';

const HTML_DIR = path.join(REPO_ROOT, 'out', 'notebooks');

/** The feedback each assignment's untouched TODO must produce at its first check cell. */
const EXPECTED_FEEDBACK: Record<string, RegExp> = {
  '01-rotation-generator': /✗ Q1 rotation generator: your matrix is all zeros/,
  '02-model-equivariance': /✗ Q1 the symmetric quotient: your quotient function threw "TODO/,
};

// Every notebook and every solution executes headless, and its HTML export draws every Plotly figure
// the notebook displayed, with no page error. Every assignment, as handed out, stops at its first
// check cell with an AssignmentCheckError whose feedback says what is wrong.
describe('notebooks', () => {
  const notebooks = listNotebooks();

  it('there are notebooks, assignments and their solutions to run', () => {
    assert.ok(notebooks.length >= 1, 'notebooks/ is empty');
    const assignments = notebooks.filter((n) => notebookRole(n) === 'assignment');
    const solutions = notebooks.filter((n) => notebookRole(n) === 'solution');
    assert.ok(assignments.length >= 2, `expected at least two classroom assignments, found ${assignments.length}`);
    for (const a of assignments) {
      const name = path.basename(a, '.ipynb');
      assert.ok(solutions.some((s) => path.basename(s, '.ipynb') === `${name}-solution`), `${name} has no solution notebook`);
      assert.ok(EXPECTED_FEEDBACK[name], `add the expected first-check feedback of ${name} to EXPECTED_FEEDBACK`);
    }
  });

  for (const nb of notebooks) {
    const name = path.relative(REPO_ROOT, nb);
    const role = notebookRole(nb);
    if (role === 'assignment') {
      it(`${name} (as handed out) fails at its first check cell with helpful feedback`, async (t) => {
        if (!hasJupyter()) return t.skip('Jupyter missing');
        const [result] = await runNotebooks([nb], {});
        assert.equal(result.ok, false, `${name} ran clean: its TODO placeholders must fail a check`);
        const error = result.error ?? '';
        assert.match(error, new RegExp(`^cell ${firstCheckCell(nb) + 1} failed:`), `it must stop at the first check cell (cell ${firstCheckCell(nb) + 1})`);
        assert.match(error, /AssignmentCheckError/, 'the failure must be an AssignmentCheckError, not a crash');
        assert.match(error, EXPECTED_FEEDBACK[path.basename(nb, '.ipynb')]);
      });
      continue;
    }
    it(`${name} runs without errors and its HTML draws every figure`, async (t) => {
      if (!hasJupyter()) return t.skip('Jupyter missing');
      const [result] = await runNotebooks([nb], { html: HTML_DIR });
      assert.ok(result.ok, `${name} failed:\n${result.error}`);
      if (!hasChromium()) return t.skip('Chromium missing');
      const rendered = await checkRenderedHtml(path.join(REPO_ROOT, result.html!));
      assert.deepEqual(rendered.errors, [], `page errors in ${result.html}`);
      assert.equal(rendered.figures, result.figures, `figure divs in the HTML vs Plotly outputs in ${name}`);
      assert.equal(rendered.drawn, result.figures, `figures drawn (SVG present) in ${result.html}`);
    });
  }
});
