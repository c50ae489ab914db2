import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runNotebooks } from '../../src/runtime/jupyter';
import { hasJupyter } from '../helpers/requirements';

// The README's notebook quick start must run as written, in the project's kernel.
describe('README quick start', () => {
  it('runs as one notebook cell without errors', async (t) => {
    if (!hasJupyter()) return t.skip('Jupyter missing');
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'README has a ```ts quick-start block');
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'liederiv', display_name: 'TypeScript (liederiv)', language: 'typescript' } },
      cells: [{ cell_type: 'code', id: 'readme', metadata: {}, execution_count: null, outputs: [], source: block[1] }],
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-readme-'));
    const file = path.join(dir, 'readme.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    try {
      const [result] = await runNotebooks([file]);
      assert.ok(result.ok, `README quick start failed:\n${result.error}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
