import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listNotebooks, notebookRole, REPO_ROOT, runNotebooks } from '../../src/runtime/jupyter';
import { checkRenderedHtml } from '../../src/report/checkHtml';
import { hasChromium, hasJupyter } from '../helpers/requirements';
import { htmlText, OUTPUT_CHECKS } from './outputChecks';

const HTML_DIR = path.join(REPO_ROOT, 'out', 'notebooks');

// Every notebook executes headless, and its HTML export draws every Plotly figure
// the notebook displayed, with no page error. Notebooks named in OUTPUT_CHECKS must also have
// printed the right things (outputChecks.ts).
describe('notebooks', () => {
  const notebooks = listNotebooks();

  it('there are notebooks to run', () => {
    assert.ok(notebooks.length >= 1, 'notebooks/ is empty');
  });

  for (const nb of notebooks) {
    const name = path.relative(REPO_ROOT, nb);
    const role = notebookRole(nb);
    // Classroom handouts and their solutions (generated into out/) run in classroom.test.ts.
    if (role !== 'notebook') continue;
    it(`${name} runs without errors and its HTML draws every figure`, async (t) => {
      if (!hasJupyter()) return t.skip('Jupyter missing');
      const [result] = await runNotebooks([nb], { html: HTML_DIR });
      assert.ok(result.ok, `${name} failed:\n${result.error}`);
      const check = OUTPUT_CHECKS[path.basename(nb)];
      if (check) {
        const failures = check(htmlText(fs.readFileSync(path.join(REPO_ROOT, result.html!), 'utf8')));
        assert.deepEqual(failures, [], `${name} printed wrong results`);
      }
      if (!hasChromium()) return t.skip('Chromium missing');
      const rendered = await checkRenderedHtml(path.join(REPO_ROOT, result.html!));
      assert.deepEqual(rendered.errors, [], `page errors in ${result.html}`);
      assert.equal(rendered.figures, result.figures, `figure divs in the HTML vs Plotly outputs in ${name}`);
      assert.equal(rendered.drawn, result.figures, `figures drawn (SVG present) in ${result.html}`);
    });
  }
});
