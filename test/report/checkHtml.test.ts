import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as figures from '../../src/figures';
import { figureDivHtml } from '../../src/notebook/plotlyHtml';
import { checkRenderedHtml } from '../../src/report/checkHtml';
import { writeReport } from '../../src/report/writeReport';
import { discreteRows, epochRows, finiteRows, layerRows, leeRows, mapRows } from '../figures/fixtures';

test('a report with every figure opens offline in headless Chromium: all drawn, no error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-check-'));
  try {
    const figs = [
      figures.leeByGroup(leeRows),
      figures.leeVsAccuracy(leeRows, { group: 'rotate' }),
      figures.layerwiseCumulative(layerRows),
      figures.layerwiseByKind(layerRows),
      figures.layerHeatmap(mapRows),
      figures.leeVsEpoch(epochRows),
      figures.lieVsFinite(finiteRows),
      figures.discreteVsLee(discreteRows),
    ];
    const file = path.join(dir, 'report.html');
    writeReport(file, [
      { title: 'LEE <script>alert(1)</script>', text: 'all figures', figures: figs.slice(0, 4), tables: [leeRows] },
      { title: 'more', figures: figs.slice(4) },
    ]);
    const result = await checkRenderedHtml(file);
    assert.deepEqual(result, { figures: figs.length, drawn: figs.length, errors: [] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('checkRenderedHtml reports page errors, network requests and undrawn figures', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-check-'));
  try {
    const file = path.join(dir, 'bad.html');
    // No plotly.js loader: the figure's draw script waits in vain, so it is never drawn.
    fs.writeFileSync(
      file,
      '<!doctype html><html><body><script src="https://cdn.example.com/plotly.js"></script>' +
        "<script>throw new Error('boom')</script>" +
        figureDivHtml(figures.leeByGroup(leeRows)) +
        '</body></html>',
    );
    const result = await checkRenderedHtml(file, { timeoutMs: 1500 });
    assert.equal(result.figures, 1);
    assert.equal(result.drawn, 0);
    assert.ok(
      result.errors.some((e) => /network request refused.*cdn\.example\.com/.test(e)),
      result.errors.join('\n'),
    );
    assert.ok(
      result.errors.some((e) => /page error: boom/.test(e)),
      result.errors.join('\n'),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
