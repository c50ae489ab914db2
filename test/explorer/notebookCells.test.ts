import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkRenderedHtml } from '../../src/report/checkHtml';
import { REPO_ROOT, runNotebooks } from '../../src/runtime/jupyter';
import { hasChromium, hasJupyter } from '../helpers/requirements';

/** The t-slider cells (by cell id) of a committed notebook. */
function sliderCells(notebook: string, ids: string[]): unknown[] {
  const nb = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, notebook), 'utf8'));
  const cells = ids.map((id) => nb.cells.find((c: { id: string }) => c.id === id));
  assert.ok(cells.every(Boolean), `${notebook} lost its t-slider cells ${ids.join(', ')}`);
  return cells;
}

const SETUP = [
  "import * as tf from '@tensorflow/tfjs';",
  "import { useBackend } from './src/backend';",
  "import { show } from './src/notebook/index';",
  "import { loadMnist } from './src/data/index';",
  'await useBackend();',
].join('\n');

// The t-slider cells of notebook 07 and classroom/01, run on their own (notebook 07's other cells take
// minutes): each figure draws in the nbconvert HTML export, with one Plotly frame per t.
describe('t-slider notebook cells', () => {
  it(
    'notebook 07 and classroom/01 t-slider cells run and draw their slider in the exported HTML',
    { timeout: 900_000 },
    async (t) => {
      if (!hasJupyter()) return t.skip('Jupyter missing');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-tslider-nb-'));
      try {
        const cases = [
          {
            name: 'nb07-slider',
            cells: sliderCells('notebooks/07-lie-vs-discrete.ipynb', ['a7e51d3b', 'b0c4f7a2']),
            frames: 31,
          },
          {
            name: 'classroom01-slider',
            cells: sliderCells('notebooks/classroom/01-rotation-generator.ipynb', ['c3d9e0f1', 'd5a2b8c6']),
            frames: 25,
          },
        ];
        const files = cases.map(({ name, cells }) => {
          const template = JSON.parse(
            fs.readFileSync(path.join(REPO_ROOT, 'notebooks/07-lie-vs-discrete.ipynb'), 'utf8'),
          );
          template.cells = [
            { cell_type: 'code', id: 'setup0', metadata: {}, source: SETUP, execution_count: null, outputs: [] },
            ...cells,
          ];
          const file = path.join(dir, `${name}.ipynb`);
          fs.writeFileSync(file, JSON.stringify(template));
          return file;
        });
        const results = await runNotebooks(files, { html: path.join(dir, 'html') });
        for (const [i, r] of results.entries()) {
          assert.ok(r.ok, `${cases[i].name} failed:\n${r.error}`);
          assert.equal(r.figures, 1);
          if (!hasChromium()) return t.skip('Chromium missing');
          const html = path.isAbsolute(r.html!) ? r.html! : path.join(REPO_ROOT, r.html!);
          const rendered = await checkRenderedHtml(html);
          assert.deepEqual(rendered.errors, []);
          assert.equal(rendered.drawn, 1, `the slider figure is drawn in ${html}`);
          const text = fs.readFileSync(html, 'utf8');
          assert.equal(
            text.split('"traces":[0,3]').length - 1,
            cases[i].frames,
            'one frame per t in the exported figure',
          );
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
