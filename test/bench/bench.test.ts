/**
 * `npm run bench`: the ratio rule (refused above the spread bound, reported with a bootstrap
 * interval below it) on synthetic timings, the baselines living in the repository (nothing reads
 * ../shared), and a smoke test of `--quick` (SmallCNN, batch 16, 3 groups, 2 runs of 2 reps)
 * against bench/torch_lie.py when Debian's torch is installed: the RESULTS format (columns, rows,
 * finite numbers) and the same-model check (PyTorch loaded our weights and images: the Lie
 * derivatives agree), never the timings themselves (they depend on the machine and its load).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { GENERATED_MARKER, RATIO_COLUMNS, ratioOf, TIME_COLUMNS } from '../../bench/results';
import { spread } from '../../bench/stats';
import { torchAvailable } from '../../bench/torch';
import { TOL } from '../helpers/tolerances';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUN = path.resolve(__dirname, '..', '..', 'bench', 'run.js');

describe('bench ratios', () => {
  it('reports their/our median with a bootstrap interval when both spreads are within the bound', () => {
    const ours = spread([10, 10.2, 9.9, 10.1, 10]);
    const theirs = spread([20, 20.5, 19.8, 20.1, 20.2]);
    const q = ratioOf(ours, theirs, 0.15);
    assert.equal(q.refused, undefined);
    assert.ok(Math.abs((q.ratio as number) - 20.1 / 10) < TOL.float64ClosedForm, `ratio ${q.ratio}`);
    assert.ok(
      (q.lo as number) < 2.01 && (q.hi as number) > 2.01 && (q.lo as number) > 1.9 && (q.hi as number) < 2.1,
      `CI ${q.lo}–${q.hi}`,
    );
  });

  it('refuses a ratio when either side spreads more than the bound, and says whose and how much', () => {
    const quiet = spread([10, 10.1, 9.9, 10, 10.05]);
    const noisy = spread([10, 14, 20, 9, 30]); // q1 10, q3 20, median 14: IQR 71% of the median
    assert.equal(spread([10, 14, 20, 9, 30]).relIqr.toFixed(3), ((20 - 10) / 14).toFixed(3));
    const a = ratioOf(noisy, quiet, 0.15);
    assert.equal(a.ratio, undefined);
    assert.match(a.refused as string, /ours 71% > 15%/);
    const b = ratioOf(quiet, noisy, 0.15);
    assert.match(b.refused as string, /PyTorch 71% > 15%/);
    assert.equal(ratioOf(quiet, noisy, 0.8).refused, undefined, 'a looser bound admits it');
    assert.equal(ratioOf(quiet, undefined, 0.15).refused, 'not measured');
    assert.match(
      ratioOf(spread([10, 10]), quiet, 0.15).refused as string,
      /fewer than 3 samples \(ours 2, PyTorch 5\)/,
      'two samples cannot show a quiet machine',
    );
  });
});

describe('bench baselines', () => {
  it('live in the repository: no bench script refers to ../shared', () => {
    const files = fs.readdirSync(path.join(ROOT, 'bench')).map((f) => path.join(ROOT, 'bench', f));
    for (const file of files.filter((f) => /\.(ts|py|sh)$/.test(f))) {
      const text = fs.readFileSync(file, 'utf8');
      assert.doesNotMatch(
        text,
        /\.\.\/shared|\/work\/shared|'shared'/,
        `${path.relative(ROOT, file)} refers to ../shared`,
      );
    }
    assert.ok(fs.existsSync(path.join(ROOT, 'bench', 'torch_lie.py')));
  });
});

describe('bench --quick', () => {
  it('writes timings and ratio tables with the expected columns and rows, keeping the hand-written part', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-bench-'));
    const out = path.join(dir, 'RESULTS.md');
    fs.writeFileSync(out, `# Notes kept by hand\n\n${GENERATED_MARKER}\nold generated text\n`);
    const r = spawnSync(process.execPath, [RUN, '--quick', '--out', out], { encoding: 'utf8', timeout: 400_000 });
    assert.equal(r.status, 0, r.stderr);
    const md = fs.readFileSync(out, 'utf8');
    assert.ok(md.startsWith('# Notes kept by hand'), 'the hand-written part is kept');
    assert.ok(!md.includes('old generated text'), 'the generated part is replaced');
    assert.ok(md.includes(`| ${TIME_COLUMNS.join(' | ')} |`), 'the timings header has every column');
    assert.ok(md.includes(`| ${RATIO_COLUMNS.join(' | ')} |`), 'the ratios header has every column');
    const withTorch = torchAvailable();
    const cells = (l: string) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
    const timeRows = md
      .split('\n')
      .filter(
        (l) =>
          /^\| (forward|one group \(translate-x\)|3 groups) \| /.test(l) &&
          cells(l).length === TIME_COLUMNS.length &&
          !/×/.test(l) &&
          !/refused|not measured/.test(cells(l)[2]),
      );
    const ours = timeRows.filter((l) => cells(l)[1] === 'liederiv');
    assert.equal(ours.length, 3, `forward, one group, 3 groups: ${md}`);
    assert.equal(
      timeRows.length,
      withTorch ? 9 : 3,
      `our 3 measures${withTorch ? ' and 6 PyTorch routes' : ''}: ${timeRows.join('\n')}`,
    );
    for (const line of timeRows) {
      const c = cells(line);
      assert.ok(Number.isFinite(parseFloat(c[2])) && parseFloat(c[2]) > 0, `median in ${line}`);
      assert.match(c[3], /^\d+(\.\d+)?–\d+(\.\d+)?$/, `IQR in ${line}`);
      assert.equal(c[5], '4', `2 runs × 2 reps pooled: ${line}`);
    }
    const ratioRows = md
      .split('\n')
      .filter(
        (l) =>
          cells(l).length === RATIO_COLUMNS.length &&
          /^\| (forward|one group \(translate-x\)|3 groups) \| /.test(l) &&
          (/×/.test(l) || /refused|not measured/.test(l)),
      );
    assert.equal(ratioRows.length, 6, `one ratio row per PyTorch route: ${ratioRows.join('\n')}`);
    for (const line of ratioRows) {
      const c = cells(line);
      if (!withTorch) assert.equal(c[2], 'not measured', line);
      else
        assert.ok(
          /^refused: IQR\/median .* > 15%$/.test(c[2]) ||
            (/^\d+(\.\d+)?×$/.test(c[2]) && /^\d+(\.\d+)?–\d+(\.\d+)?×$/.test(c[3])),
          `a ratio with its CI, or a refusal that says why: ${line}`,
        );
    }
    if (withTorch) {
      // PyTorch ran the same model on the same images: its Lie derivatives match ours.
      const m =
        /max \|Δ probs\| ([\d.e+-]+).*max \|Δ Lie derivative\| vs forward-AD ([\d.e+-]+), vs the paper's method ([\d.e+-]+) \(of ([\d.e+-]+)\)/.exec(
          md,
        );
      assert.ok(m, 'the same-model check line');
      assert.ok(Number(m[1]) < TOL.float32Reordered, `probs differ by ${m[1]}`);
      assert.ok(
        Number(m[2]) < TOL.float32DeepRel * Number(m[4]) + TOL.absFloorFloat32 &&
          Number(m[3]) < TOL.float32DeepRel * Number(m[4]) + TOL.absFloorFloat32,
        `Lie derivatives differ: ${m[0]}`,
      );
    }
    assert.match(md, /Peak RSS: liederiv \d+ MiB/);
    assert.match(md, /machine: \d+ CPUs/);
    assert.match(md, /noise: 1-minute load average [\d.]+ at the start/);
    assert.match(md, /1-minute load around our processes [\d.]+–[\d.]+/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
