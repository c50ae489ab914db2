import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { REPO_ROOT, runNotebooks } from '../../src/runtime/jupyter';
import { hasJupyter } from '../helpers/requirements';

const fixture = (name: string) => path.join(REPO_ROOT, 'test', 'fixtures', 'notebooks', name);
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

// The notebook runner itself: it must fail on planted errors, with the real message.
describe('notebook runner', () => {
  it('passes a good notebook and fails on a cell error and on an uncaught timer rejection', async (t) => {
    if (!hasJupyter()) return t.skip('Jupyter missing');
    const [ok, badCell, badTimer] = await runNotebooks([fixture('ok.ipynb'), fixture('bad-cell.ipynb'), fixture('bad-timer.ipynb')], { stderr: quiet });
    assert.equal(ok.ok, true, `ok.ipynb failed: ${ok.error}`);
    assert.equal(badCell.ok, false);
    assert.match(badCell.error ?? '', /planted cell error 7f3a/, 'the real error message, not only the cell source');
    assert.match(badCell.error ?? '', /cell 2 failed/);
    assert.equal(badTimer.ok, false, 'an uncaught rejection in a timer is a failure');
    assert.match(badTimer.error ?? '', /planted timer rejection 9c1e/);
  });
});
