import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';

// scripts/jupyter.js is plain Node (what `npm run jupyter` runs); its command line is a pure function.
const { jupyterCommand, serverUrl } = require(path.resolve(__dirname, '..', '..', '..', 'scripts', 'jupyter.js'));

test('npm run jupyter: --allow-root only as root, --no-browser without a display, the project kernel path, extra args passed on', () => {
  const root = jupyterCommand(0, { PATH: '/usr/bin' }, ['--port', '9999']);
  assert.equal(root.command, '/usr/bin/python3');
  assert.deepEqual(root.args, ['-m', 'notebook', '--allow-root', '--no-browser', '--port', '9999']);
  assert.equal(root.env.JUPYTER_PATH, path.resolve(__dirname, '..', '..', '..', 'jupyter'));
  const user = jupyterCommand(1000, { DISPLAY: ':0' });
  assert.deepEqual(user.args, ['-m', 'notebook']);
  assert.deepEqual(
    jupyterCommand(0, { DISPLAY: ':0' }, ['--allow-root']).args,
    ['-m', 'notebook', '--allow-root'],
    'not twice',
  );
});

test("npm run jupyter: finds the URL with its token in Jupyter's log", () => {
  const log =
    '[I 21:30 NotebookApp] Serving notebooks from local directory: /work\n    To access the notebook, open this file in a browser:\n        file:///root/.local/share/jupyter/runtime/nbserver-1-open.html\n    Or copy and paste one of these URLs:\n        http://localhost:8888/?token=abc123\n';
  assert.equal(serverUrl(log), 'http://localhost:8888/?token=abc123');
  assert.equal(serverUrl('nothing yet'), undefined);
});

test('the notebook runner skips .ipynb_checkpoints (Jupyter autosaves would run twice, stale)', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const { listNotebooks } = require('../../src/runtime/jupyter') as typeof import('../../src/runtime/jupyter');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-nb-'));
  try {
    fs.mkdirSync(path.join(dir, '.ipynb_checkpoints'));
    fs.mkdirSync(path.join(dir, 'sub', '.ipynb_checkpoints'), { recursive: true });
    for (const f of [
      '01-a.ipynb',
      '.ipynb_checkpoints/01-a-checkpoint.ipynb',
      'sub/02-b.ipynb',
      'sub/.ipynb_checkpoints/02-b-checkpoint.ipynb',
    ])
      fs.writeFileSync(path.join(dir, f), '{}');
    assert.deepEqual(
      listNotebooks(dir)
        .map((f) => path.relative(dir, f))
        .sort(),
      ['01-a.ipynb', path.join('sub', '02-b.ipynb')],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
