/**
 * Smoke test of `npm run bench --quick`: SmallCNN only, batch 16, 3 groups, 1 rep, against the
 * PyTorch baseline when Debian's torch is installed. Checks the RESULTS format (columns, rows,
 * finite numbers), never the timings themselves (they depend on the machine and its load).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { COLUMNS, GENERATED_MARKER } from '../../bench/results';
import { torchAvailable } from '../../bench/torch';

const RUN = path.resolve(__dirname, '..', '..', 'bench', 'run.js');

describe('bench --quick', () => {
  it('writes a results table with the expected columns and finite numbers, keeping the hand-written part', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-bench-'));
    const out = path.join(dir, 'RESULTS.md');
    fs.writeFileSync(out, `# Notes kept by hand\n\n${GENERATED_MARKER}\nold generated text\n`);
    const r = spawnSync(process.execPath, [RUN, '--quick', '--out', out], { encoding: 'utf8', timeout: 240_000 });
    assert.equal(r.status, 0, r.stderr);
    const md = fs.readFileSync(out, 'utf8');
    assert.ok(md.startsWith('# Notes kept by hand'), 'the hand-written part is kept');
    assert.ok(!md.includes('old generated text'), 'the generated part is replaced');
    assert.ok(md.includes(`| ${COLUMNS.join(' | ')} |`), 'the table header has every column');
    const withTorch = torchAvailable();
    const rows = md.split('\n').filter((l) => /^\| (forward|translate-x \(alone\)|rotate \(alone\)|scale \(alone\)|all 3 groups)/.test(l));
    assert.equal(rows.length, 5, `forward, 3 groups alone, all groups: ${rows.join('\n')}`);
    for (const line of rows) {
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      assert.equal(cells.length, COLUMNS.length, line);
      // ours ms/img "median (min–max)", ours img/s, and ours / our forward are always numbers.
      for (const i of [1, 2, 6]) assert.ok(Number.isFinite(parseFloat(cells[i])) && parseFloat(cells[i]) > 0, `${COLUMNS[i]} in: ${line}`);
      for (const i of [3, 4, 5]) {
        if (withTorch) assert.ok(Number.isFinite(parseFloat(cells[i])) && parseFloat(cells[i]) > 0, `${COLUMNS[i]} in: ${line}`);
        else assert.equal(cells[i], 'n/a', line);
      }
    }
    const rss = md.split('\n').find((l) => l.startsWith('| peak RSS MiB'));
    assert.ok(rss && parseFloat(rss.split('|')[2]) > 0, `peak RSS row: ${rss}`);
    assert.match(md, /machine: \d+ CPUs/);
    assert.match(md, /noise: 1-minute load average/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
