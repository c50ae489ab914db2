#!/usr/bin/env node
// The one test entry (npm test): every compiled test file under dist/test with Node's test runner,
// notebooks last because they are the slowest. `--unit` leaves the notebooks out.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..', 'dist', 'test');
const unitOnly = process.argv.includes('--unit');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.test.js') ? [p] : [];
  });
}

if (!fs.existsSync(root)) {
  console.error('dist/test is missing: run `npm run build` first (npm test does).');
  process.exit(1);
}
const isNotebookTest = (f) => f.includes(`${path.sep}notebooks${path.sep}`);
let files = walk(root).sort();
files = [...files.filter((f) => !isNotebookTest(f)), ...(unitOnly ? [] : files.filter(isNotebookTest))];
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
if (!files.length) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
