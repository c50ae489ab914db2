import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listNotebooks, REPO_ROOT } from '../../src/runtime/jupyter';

// Notebooks are committed without outputs, use the project-local kernel, and match their
// reviewable source in notebooks/src/*.nb.txt (scripts/make_notebook.py writes one from the other).
describe('committed notebooks', () => {
  for (const nb of listNotebooks()) {
    const name = path.relative(REPO_ROOT, nb);
    it(`${name} has no outputs and uses the liederiv kernel`, () => {
      const json = JSON.parse(fs.readFileSync(nb, 'utf8'));
      assert.equal(json.metadata?.kernelspec?.name, 'liederiv');
      for (const [i, cell] of json.cells.entries()) {
        if (cell.cell_type !== 'code') continue;
        assert.deepEqual(cell.outputs, [], `cell ${i + 1} has outputs`);
        assert.equal(cell.execution_count, null, `cell ${i + 1} has an execution count`);
      }
    });
  }
});
