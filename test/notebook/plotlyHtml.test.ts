import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { layerHeatmap } from '../../src/figures/layerHeatmap';
import { leeByGroup } from '../../src/figures/leeByGroup';
import { figureDivHtml, figureText, plotlyLoaderHtml } from '../../src/notebook/plotlyHtml';
import { checkRenderedHtml } from '../../src/report/checkHtml';
import { leeRows, mapRows } from '../figures/fixtures';

test('figureDivHtml: data cannot close the script element', () => {
  const evil = '</script><script>alert(1)</script><!--';
  const html = figureDivHtml(
    { data: [{ type: 'bar', name: evil, x: [evil], y: [1] }], layout: { title: { text: evil } } },
    'f1',
  );
  assert.equal(html.split('</script>').length - 1, 1, 'only our own closing tag');
  assert.ok(!html.includes('<!--'));
  // The embedded JSON still carries the exact string (\u003c escapes decode back).
  const json = /var fig = (.*);\n/.exec(html)![1];
  assert.equal(JSON.parse(json).layout.title.text, evil);
  assert.match(html, /id="f1" class="liederiv-plot plotly-graph-div"/);
});

test('plotlyLoaderHtml: the full bundle (with heatmap), inline, no "</script" inside, define hidden then restored', () => {
  const html = plotlyLoaderHtml();
  assert.ok(html.length > 3_000_000, `full plotly.js bundle expected, got ${html.length} chars`);
  assert.equal(html.split('</script>').length - 1, 3, 'three script elements, nothing closes them early');
  assert.ok(!/<script[^>]+src=/.test(html), 'no external script');
  assert.ok(html.indexOf('window.define = undefined') < html.indexOf('plotly.js v4'));
  assert.ok(html.lastIndexOf('window.define = window.__liederivDefine') > html.indexOf('plotly.js v4'));
});

test('figureText: title, trace kinds and axes, entities decoded', () => {
  const text = figureText(leeByGroup(leeRows));
  assert.match(text, /traces: 3 bar \(A; B <script>; C\)/);
  assert.match(text, /y: LEE \(mean-abs of probs\), mean over images/);
});

test('in headless Chromium under require.js (as in Debian nbconvert HTML): two figures drawn, define restored, no error', async () => {
  const requireJs = '/usr/share/javascript/requirejs/require.min.js';
  // A stand-in AMD loader when Debian's require.js is absent: what matters is a global define.amd.
  const loader = fs.existsSync(requireJs)
    ? `<script src="file://${requireJs}"></script>`
    : '<script>window.define = function () {}; window.define.amd = {};</script>';
  const page =
    `<!doctype html><html><head><meta charset="utf-8">${loader}</head><body>` +
    plotlyLoaderHtml() +
    `<script>if (typeof define !== 'function' || !define.amd) console.error('define was not restored');</script>` +
    figureDivHtml(leeByGroup(leeRows)) +
    figureDivHtml(layerHeatmap(mapRows)) +
    '</body></html>';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-plotly-'));
  const file = path.join(dir, 'page.html');
  fs.writeFileSync(file, page);
  try {
    const result = await checkRenderedHtml(file);
    assert.deepEqual(result, { figures: 2, drawn: 2, errors: [] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
