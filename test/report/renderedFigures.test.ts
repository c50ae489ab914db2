import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  inside,
  layoutProblems,
  overlapArea,
  renderReportFigures,
  type FigureLayout,
} from '../../src/report/renderedFigures';
import { writeReport } from '../../src/report/writeReport';
import { hasChromium } from '../helpers/requirements';

const box = (x: number, y: number, width: number, height: number, text = 't', role = 'x tick') => ({
  x,
  y,
  width,
  height,
  text,
  role,
});

describe('report figure layout check', () => {
  it('overlapArea and inside on hand-made boxes (1 px slack for glyph side bearings)', () => {
    assert.equal(overlapArea(box(0, 0, 10, 10), box(20, 0, 10, 10)), 0);
    assert.equal(overlapArea(box(0, 0, 10, 10), box(10.5, 0, 10, 10)), 0, 'touching is not overlapping');
    assert.equal(overlapArea(box(0, 0, 10, 10), box(5, 5, 10, 10)), 3 * 3);
    assert.ok(inside(box(1, 1, 5, 5), box(0, 0, 10, 10)));
    assert.ok(!inside(box(-5, 1, 5, 5), box(0, 0, 10, 10)));
  });

  it('layoutProblems names overlapping pairs, labels outside the figure, and legend entries its legend clips', () => {
    const fig: FigureLayout = {
      id: 'figure-1-1',
      title: 'T',
      figure: box(0, 0, 100, 100),
      legend: { ...box(80, 10, 20, 20), scrolls: true },
      labels: [
        box(10, 90, 20, 8, 'a'),
        box(20, 92, 20, 8, 'b'),
        box(-10, 40, 8, 30, 'y title', 'y title'),
        box(82, 12, 10, 5, 'in', 'legend'),
        box(82, 40, 10, 5, 'hidden', 'legend'),
      ],
    };
    const p = layoutProblems([fig]);
    assert.deepEqual(
      p.map((x) => [x.kind, ...x.labels]),
      [
        ['outside', "y title 'y title'"],
        ['outside', "legend 'hidden' (clipped by its legend, which scrolls)"],
        ['overlap', "x tick 'a'", "x tick 'b'"],
      ],
    );
  });

  it('in Chromium: finds the overlap of two annotations placed on top of each other, and exports SVG + PNG', async (t) => {
    if (!hasChromium()) return t.skip('no Chromium');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-layout-'));
    try {
      const fig = (x2: number) => ({
        data: [{ type: 'scatter', x: [1, 2], y: [1, 2], name: 'series' }],
        layout: {
          title: { text: 'Overlap test' },
          annotations: [
            { x: 1.5, y: 1.5, text: 'first label here', showarrow: false },
            { x: x2, y: 1.5, text: 'second label here', showarrow: false },
          ],
        },
      });
      const file = path.join(dir, 'report.html');
      writeReport(file, [{ title: 'A', figures: [fig(1.5), fig(1.9)] }]);
      const r = await renderReportFigures(file, { exportDir: dir });
      assert.deepEqual(r.errors, []);
      assert.equal(r.figures.length, 2);
      const overlaps = r.problems.filter((p) => p.kind === 'overlap');
      assert.ok(
        overlaps.some(
          (p) =>
            p.id === 'figure-1-1' &&
            p.labels.join(' ').includes('first label here') &&
            p.labels.join(' ').includes('second label here'),
        ),
        JSON.stringify(r.problems),
      );
      assert.ok(!r.problems.some((p) => p.id === 'figure-1-2'), JSON.stringify(r.problems));
      assert.equal(r.exported.length, 4);
      assert.ok(r.exported.every((f) => fs.statSync(f).size > 1000));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
