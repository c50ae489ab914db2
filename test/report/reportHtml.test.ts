import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leeByGroup } from '../../src/figures/leeByGroup';
import { lieVsFinite } from '../../src/figures/lieVsFinite';
import { reportHtml } from '../../src/report/reportHtml';
import { finiteRows, leeRows } from '../figures/fixtures';

const hostile = '<script>alert(1)</script>';

test('reportHtml: plotly.js inlined once for several figures; no external script, link or style', () => {
  const html = reportHtml([
    { title: 'one', figures: [leeByGroup(leeRows), lieVsFinite(finiteRows)] },
    { title: 'two', figures: [leeByGroup(leeRows, { mode: 'box' })] },
  ]);
  assert.equal(html.split('plotly.js v4').length - 1, 1);
  assert.equal(html.split('class="liederiv-plot').length - 1, 3);
  const tags = html.match(/<(script|link|img|iframe)\b[^>]*>/gi) ?? [];
  assert.ok(
    tags.every((t) => !/(src|href)\s*=/i.test(t)),
    `external reference in ${tags.filter((t) => /(src|href)=/.test(t))}`,
  );
  assert.ok(!/<link\b/i.test(html));
  assert.ok(!/@import|url\(\s*['"]?https?:/i.test(html.slice(0, html.indexOf('<body>'))), 'no remote CSS');
});

test('reportHtml: titles, text and table cells are escaped', () => {
  const html = reportHtml(
    [{ title: hostile, text: `para ${hostile}\n\nsecond`, tables: [[{ model: hostile, lee: 1e-9 }]] }],
    { title: hostile, subtitle: hostile },
  );
  assert.ok(!html.includes('<script>alert'), 'a hostile string became markup');
  assert.equal(
    html.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1,
    6,
    'title, h1, subtitle, h2, paragraph, cell',
  );
  assert.ok(!html.includes('plotly.js v4'), 'no figures, no plotly.js');
  assert.match(html, /<p>second<\/p>/);
  assert.match(html, /1e-9/);
});
