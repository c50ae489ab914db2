import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leeByGroup } from '../../src/figures/leeByGroup';
import { imageGrid } from '../../src/notebook/image';
import { latex } from '../../src/notebook/latex';
import { PLOTLY_MIME, show, toBundle } from '../../src/notebook/show';
import { leeRows } from '../figures/fixtures';
import { captureStdout, fakeKernel } from './fakeKernel';

const PLOTLY_MARKER = 'plotly.js v4'; // the banner at the top of the inlined bundle
const count = (s: string, sub: string) => s.split(sub).length - 1;

test('toBundle(figure): Plotly JSON (an object), HTML drawing it, plain text', () => {
  const fig = leeByGroup(leeRows);
  const b = toBundle(fig);
  assert.deepEqual(Object.keys(b).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort());
  assert.deepEqual((b[PLOTLY_MIME] as { data: unknown }).data, fig.data);
  const html = b['text/html'] as string;
  assert.equal(count(html, PLOTLY_MARKER), 1, 'plotly.js inlined');
  assert.match(html, /Plotly\.newPlot/);
  assert.match(html, /window\.define = undefined/, 'require.js hidden while plotly loads');
  assert.match(b['text/plain'] as string, /^Plotly figure: LEE \(mean-abs of probs\) per group/);
  assert.match(b['text/plain'] as string, /B <script>/, 'plain text shows names unescaped');
  assert.equal(count(toBundle(fig, { includePlotly: false })['text/html'] as string, PLOTLY_MARKER), 0);
});

test('toBundle(rows): escaped HTML table and text', () => {
  const b = toBundle([{ model: '<script>alert(1)</script>', lee: 0.1 }]);
  assert.deepEqual(Object.keys(b).sort(), ['text/html', 'text/plain']);
  assert.ok(!(b['text/html'] as string).includes('<script>alert'));
  assert.ok((b['text/html'] as string).includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.match(b['text/plain'] as string, /<script>alert\(1\)<\/script>/, 'text/plain is not HTML: shown as is');
});

test('toBundle: image grid → html + png + text; LaTeX → latex + markdown + text; strings; other values', () => {
  const grid = imageGrid([
    { cells: [{ image: { width: 2, height: 2, channels: 1, data: [0, 1, 2, 3] }, label: 'map' }] },
  ]);
  assert.deepEqual(Object.keys(toBundle(grid)).sort(), ['image/png', 'text/html', 'text/plain']);
  const tex = latex([
    [0, 1],
    [-1, 0],
  ]);
  assert.deepEqual(toBundle(tex), { 'text/latex': tex, 'text/markdown': tex, 'text/plain': tex });
  assert.deepEqual(toBundle('hello'), { 'text/plain': 'hello' });
  assert.deepEqual(toBundle({ a: 1 }), { 'text/plain': '{\n  "a": 1\n}' });
  assert.deepEqual(toBundle([]), { 'text/plain': '[]' });
});

test('show in plain Node: no throw, prints the text/plain form (no HTML, no plotly.js)', () => {
  let out = '';
  assert.doesNotThrow(() => {
    out = captureStdout(() => {
      show(leeByGroup(leeRows));
      show([{ a: 1 }]);
      show(latex([[1]]));
      show(undefined);
    });
  });
  assert.match(out, /^Plotly figure: /);
  assert.ok(!out.includes('<div'), 'no HTML on a terminal');
  assert.match(out, /a\n-\n1/);
});

test('show in a kernel: one display_data per call with all mime types; plotly.js sent once for two figures', () => {
  const k = fakeKernel();
  try {
    const out = captureStdout(() => {
      show(leeByGroup(leeRows));
      show(leeByGroup(leeRows, { mode: 'box' }));
      show([{ a: 1 }]);
    });
    assert.equal(out, '', 'nothing printed in a kernel');
    assert.equal(k.sent.length, 3);
    assert.deepEqual(Object.keys(k.sent[0].data).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort());
    const html = k.sent.map((m) => String(m.data['text/html']));
    assert.equal(count(html[0], PLOTLY_MARKER), 1, 'first figure carries plotly.js');
    assert.equal(count(html[1], PLOTLY_MARKER), 0, 'second figure reuses it');
    const ids = html.slice(0, 2).map((h) => /id="([^"]+)"/.exec(h)![1]);
    assert.notEqual(ids[0], ids[1], 'each figure has its own div id');
    assert.equal(
      show(leeByGroup(leeRows)),
      undefined,
      'show returns nothing (a cell ending in show() prints no value)',
    );
  } finally {
    k.restore();
  }
});
