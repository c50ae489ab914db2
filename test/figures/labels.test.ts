import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as figures from '../../src/figures';
import { escapeLabel } from '../../src/figures/labels';
import { discreteRows, epochRows, finiteRows, layerRows, leeRows, mapRows } from './fixtures';

test('escapeLabel: &, < and > become entities Plotly decodes', () => {
  assert.equal(escapeLabel('<a href="x">A & B</a>'), '&lt;a href="x"&gt;A &amp; B&lt;/a&gt;');
  assert.equal(escapeLabel(3), '3');
});

test('no builder lets a hostile name reach Plotly as markup', () => {
  const evil = '<a href="javascript:alert(1)">x</a>';
  const figs = [
    figures.leeByGroup(leeRows.map((r) => ({ ...r, model: evil, group: evil }))),
    figures.leeByGroup(
      leeRows.map((r) => ({ ...r, model: evil })),
      { mode: 'box' },
    ),
    figures.leeVsAccuracy(leeRows.map((r) => ({ ...r, model: r.model + evil, family: evil, group: evil }))),
    figures.layerwiseCumulative(layerRows.map((r) => ({ ...r, model: evil, layer: evil, kind: evil }))),
    figures.layerwiseByKind(layerRows.map((r) => ({ ...r, model: evil, kind: evil }))),
    figures.layerHeatmap(mapRows.map((r) => ({ ...r, model: evil, layer: evil, quantity: evil }))),
    figures.leeVsEpoch(epochRows.map((r) => ({ ...r, run: evil, group: evil }))),
    figures.lieVsFinite(finiteRows.map((r) => ({ ...r, group: evil, derivative: evil }))),
    figures.discreteVsLee(discreteRows.map((r) => ({ ...r, model: evil, metric: evil, group: evil }))),
  ];
  for (const fig of figs) {
    const json = JSON.stringify(fig);
    assert.ok(!json.includes('<a'), `raw markup in ${json.slice(0, 200)}`);
    assert.ok(json.includes('&lt;a href'), 'the name is still shown, as text');
  }
});

test('src/figures is pure: no tslab, plotly.js, danfo or src/notebook imports', () => {
  const dir = path.resolve(__dirname, '..', '..', '..', 'src', 'figures');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 10, `found ${files.length} files in ${dir}`);
  for (const f of files) {
    const src = fs.readFileSync(path.join(dir, f), 'utf8');
    assert.doesNotMatch(
      src,
      /from '(tslab|plotly\.js[^']*|danfojs[^']*|\.\.\/notebook[^']*)'|require\('(tslab|plotly|danfojs)/,
      f,
    );
  }
});
