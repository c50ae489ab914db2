/**
 * Issue 9.5: every HTML the toolkit renders escapes user-provided strings — model, group, layer,
 * class and file names, column names and values — in tables, image grids, figures (Plotly
 * labels and the <script> that embeds the spec) and the offline report. One sweep with hostile
 * strings in every string field of every renderer; the per-renderer tests are in test/notebook
 * and test/report (listed in test/RELIABILITY.md).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  discreteVsLee,
  layerHeatmap,
  layerwiseByKind,
  layerwiseCumulative,
  leeByGroup,
  leeVsAccuracy,
  leeVsEpoch,
  lieVsFinite,
  type PlotlyFigure,
} from '../../src/figures';
import { imageGrid, imageGridBundle } from '../../src/notebook/image';
import { figureDivHtml, figureText } from '../../src/notebook/plotlyHtml';
import { toBundle } from '../../src/notebook/show';
import { rowsToTable, tableHtml } from '../../src/notebook/table';
import { reportHtml } from '../../src/report/reportHtml';
import { record } from './catalogue';

const T = 'test/reliability/escaping.test.ts';
// A tag, an attribute-borne handler, a script breakout and an entity: none may reach the HTML as markup.
const HOSTILE = `<img src=x onerror=alert(1)></script><script>alert(2)</script>&amp;"'`;
const RAW = [/<img src=x/i, /<\/script><script>alert/i, /<script>alert/i];

/** The fixture rows of test/figures with every string field replaced by a hostile string. */
function hostileRows() {
  const h = (tag: string) => `${tag} ${HOSTILE}`;
  return {
    lee: [
      {
        model: h('model'),
        group: h('group'),
        output: 'probs',
        reduction: 'mean-abs',
        lee: 0.01,
        image: 0,
        accuracy: 0.7,
        family: h('family'),
      },
      {
        model: h('model'),
        group: h('group2'),
        output: 'probs',
        reduction: 'mean-abs',
        lee: 0.02,
        image: 1,
        accuracy: 0.7,
        family: h('family'),
      },
      {
        model: h('other'),
        group: h('group'),
        output: 'probs',
        reduction: 'mean-abs',
        lee: 0.03,
        image: 0,
        accuracy: 0.8,
        family: h('family2'),
      },
    ],
    layer: [
      { model: h('model'), image: 0, index: 0, layer: h('layer'), kind: 'conv', sqnorm: 1, projection: 0.5 },
      { model: h('model'), image: 0, index: 1, layer: h('layer2'), kind: 'activation', sqnorm: 2, projection: 1 },
    ],
    map: [
      {
        model: h('model'),
        image: 0,
        index: 0,
        layer: h('layer'),
        height: 2,
        width: 2,
        values: [0, 1, 2, 3],
        quantity: h('quantity'),
      },
    ],
    epoch: [
      { run: h('run'), epoch: 1, group: 'rotate', output: 'logits', reduction: 'l2', lee: 2, accuracy: 0.5 },
      { run: h('run'), epoch: 2, group: 'rotate', output: 'logits', reduction: 'l2', lee: 1, accuracy: 0.7 },
    ],
    finite: [
      { group: h('group'), t: 0.1, quotient: 'symmetric', relError: 1e-2 },
      { group: h('group'), t: 0.01, quotient: 'symmetric', relError: 1e-4 },
    ],
    discrete: [
      {
        model: h('model'),
        metric: h('metric'),
        value: 30,
        lee: 0.02,
        output: 'probs',
        reduction: 'mean-abs',
        group: h('group'),
      },
      {
        model: h('other'),
        metric: h('metric'),
        value: 45,
        lee: 0.001,
        output: 'probs',
        reduction: 'mean-abs',
        group: h('group'),
      },
    ],
  };
}

function figures(): Array<[string, PlotlyFigure]> {
  const r = hostileRows();
  return [
    ['leeByGroup', leeByGroup(r.lee as never)],
    ['leeVsAccuracy', leeVsAccuracy(r.lee as never, { group: r.lee[0].group })],
    ['layerwiseCumulative', layerwiseCumulative(r.layer as never)],
    ['layerwiseByKind', layerwiseByKind(r.layer as never)],
    ['layerHeatmap', layerHeatmap(r.map as never)],
    ['leeVsEpoch', leeVsEpoch(r.epoch as never)],
    ['lieVsFinite', lieVsFinite(r.finite as never)],
    ['discreteVsLee', discreteVsLee(r.discrete as never)],
  ];
}

describe('escaping: user strings never become markup', () => {
  it('figure specs: every data string is entity-escaped (Plotly renders labels as HTML)', () => {
    for (const [name, fig] of figures()) {
      const json = JSON.stringify(fig);
      for (const raw of RAW) assert.doesNotMatch(json, raw, `${name}: raw markup in the figure spec`);
      assert.match(json, /&lt;img src=x onerror=alert\(1\)&gt;/, `${name}: the hostile label is shown, escaped`);
    }
    record({
      area: 'escaping',
      case: 'figure labels (8 builders)',
      trigger: `model/group/layer/run/metric/quantity = ${HOSTILE}`,
      outcome: 'escaped',
      message: 'labels carry &lt;img …&gt;; no raw <img / <script in any spec',
      test: T,
    });
  });

  it('figure HTML: the embedded spec cannot close its <script>; the text summary is plain text', () => {
    for (const [name, fig] of figures()) {
      const html = figureDivHtml(fig, 'plot-1');
      for (const raw of RAW) assert.doesNotMatch(html, raw, name);
      assert.equal(
        html.match(/<\/script>/g)?.length ?? 0,
        html.match(/<script>/g)?.length ?? 0,
        `${name}: balanced script tags`,
      );
      assert.ok(figureText(fig).length > 0);
      const bundle = toBundle(fig, { includePlotly: false });
      for (const raw of RAW) assert.doesNotMatch(bundle['text/html'] as string, raw, `${name}: toBundle`);
    }
  });

  it('tables (rows, column names, captions), image-grid labels and file names, and the report', () => {
    const rows = [{ [`col ${HOSTILE}`]: HOSTILE, file: `cat ${HOSTILE}.png`, className: `class ${HOSTILE}`, lee: 0.5 }];
    const table = tableHtml(rowsToTable(rows), { caption: `caption ${HOSTILE}` });
    const bundle = toBundle(rows)['text/html'] as string;
    const grid = imageGridBundle(
      imageGrid(
        [
          {
            label: `row ${HOSTILE}`,
            cells: [{ image: { width: 2, height: 2, channels: 1, data: [0, 1, 2, 3] }, label: `file ${HOSTILE}.jpg` }],
          },
        ],
        { title: `title ${HOSTILE}` },
      ),
    ).html;
    const report = reportHtml(
      [
        {
          title: `section ${HOSTILE}`,
          text: `text ${HOSTILE}`,
          figures: figures().map(([, f]) => f),
          tables: [rows, hostileRows().lee],
        },
      ],
      { title: `report ${HOSTILE}`, subtitle: `subtitle ${HOSTILE}` },
    );
    for (const [name, html] of [
      ['tableHtml', table],
      ['toBundle(rows)', bundle],
      ['imageGridBundle', grid],
      ['reportHtml', report],
    ] as const) {
      for (const raw of RAW) assert.doesNotMatch(html, raw, `${name}: raw markup`);
      assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/, `${name}: shown as text`);
    }
    // The report keeps exactly its own scripts: plotly.js once, and one per figure.
    const scripts = report.match(/<script\b/g)?.length ?? 0;
    assert.ok(
      scripts >= 1 + figures().length && scripts <= 2 + 2 * figures().length,
      `report has ${scripts} <script> tags`,
    );
    record({
      area: 'escaping',
      case: 'tables, image grids, report',
      trigger: `column names/values, class and file names, captions, titles, section text = ${HOSTILE}`,
      outcome: 'escaped',
      message: 'shown as &lt;img …&gt; text; no raw <img / <script',
      test: T,
    });
  });
});

describe('safety: no code from data files is executed', () => {
  it("src/ evaluates code in one place only: backbone.ts's vm bundle reader, on nsfwjs's own files", () => {
    const root = path.resolve(__dirname, '..', '..', '..', 'src');
    const walk = (d: string): string[] =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .flatMap((e) =>
          e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : [],
        );
    const dynamic =
      /\beval\s*\(|new Function\s*\(|\bvm\.\w+\(|runInNewContext|runInThisContext|compileFunction|(?<!typeof )\bimport\s*\(/; // `typeof import('x')` is a type
    const hits: string[] = [];
    for (const f of walk(root)) {
      fs.readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (dynamic.test(line) && !/^\s*(\/\/|\*)/.test(line)) hits.push(`${path.relative(root, f)}:${i + 1}`);
        });
    }
    assert.deepEqual(
      hits.map((h) => h.split(':')[0]),
      ['models/backbone.ts'],
      `dynamic code evaluation in: ${hits.join(', ')}`,
    );
    // That reader only ever sees files under the installed nsfwjs package's dist/models folder.
    const backbone = fs.readFileSync(path.join(root, 'models', 'backbone.ts'), 'utf8');
    assert.match(backbone, /const dir = path\.join\(modelsDir\(\), spec\.folder\);/);
    assert.equal(backbone.match(/readBundle\(/g)?.length, 3, 'definition + model.min.js + weight shards');
    // Model files go through JSON.parse and tfjs's class registry only (badFiles.test.ts runs the JS-looking-strings case).
    const load = fs.readFileSync(path.join(root, 'models', 'load.ts'), 'utf8');
    assert.match(load, /JSON\.parse\(text\)/);
    record({
      area: 'safety',
      case: 'code evaluation in src/',
      trigger: 'scan src/**/*.ts for eval, new Function, vm.*, dynamic import',
      outcome: 'one site',
      message:
        "models/backbone.ts vm.runInNewContext on nsfwjs@4.3.0's own dist/models bundles (fixed folder, trusted package files; not a sandbox)",
      test: T,
    });
  });
});
