import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { leeByGroup } from '../../src/figures/leeByGroup';
import { writeReport } from '../../src/report/writeReport';
import { leeRows } from '../figures/fixtures';

test('writeReport: creates the folder, replaces the file atomically, leaves no temporary file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-report-'));
  try {
    const file = path.join(dir, 'out', 'report.html');
    const first = writeReport(file, [{ title: 'first', tables: [leeRows] }]);
    assert.equal(first.figures, 0);
    assert.equal(first.tables, 1);
    assert.match(fs.readFileSync(file, 'utf8'), /<h2>first<\/h2>/);
    const second = writeReport(file, [{ title: 'second', figures: [leeByGroup(leeRows)] }]);
    assert.equal(second.figures, 1);
    assert.equal(second.bytes, fs.statSync(file).size);
    assert.match(fs.readFileSync(file, 'utf8'), /<h2>second<\/h2>/);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['report.html']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('writeReport: a failing write keeps the old report and removes the temporary file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-report-'));
  try {
    const file = path.join(dir, 'report.html');
    writeReport(file, [{ title: 'old' }]);
    // A cyclic figure makes JSON.stringify throw while the HTML is built, before anything is written.
    const cyclic = { data: [], layout: {} as Record<string, unknown> };
    cyclic.layout.self = cyclic;
    assert.throws(() => writeReport(file, [{ title: 'new', figures: [cyclic] }]));
    assert.match(fs.readFileSync(file, 'utf8'), /<h2>old<\/h2>/);
    assert.deepEqual(fs.readdirSync(dir), ['report.html']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
