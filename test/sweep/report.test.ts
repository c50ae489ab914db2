/**
 * `liederiv report --sweep DIR` on a merged sweep: the figures are drawn from the merged rows
 * (per-model means equal the means of merged.csv), the LEE-vs-accuracy fit uses the manifest's
 * accuracies, and the page is self-contained.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { mergeSweep, writeMerge } from '../../src/sweep/merge';
import { parseCsv, readMergedLayers, readMergedSweep, sweepSections } from '../../src/sweep/report';
import { planSweep } from '../../src/sweep/spec';
import { clearTaskCache, runTask } from '../../src/sweep/task';
import { runHere } from '../helpers/cli';
import { TOL } from '../helpers/tolerances';
import { writeSpec } from './helpers/sweepSpec';

const html0 = (out: string) => fs.readFileSync(path.join(out, 'report.html'), 'utf8');

describe('liederiv report --sweep', () => {
  let sweep: ReturnType<typeof writeSpec>;
  before(async () => {
    await useBackend('wasm');
    sweep = writeSpec(
      {
        name: 'report <b>test</b>',
        models: ['cnn-relu-mnist', 'mlp-mnist', 'cnn-blurpool-mnist'],
        groups: ['rotate', 'translate-x'],
        images: { dataset: 'mnist', limit: 3 },
        backend: 'wasm',
        layerwise: { group: 'translate-x', images: 2 },
      },
      'liederiv-sweep-report-',
    );
    const plan = planSweep(sweep.spec);
    for (const t of plan.tasks) await runTask(plan, t.index);
    clearTaskCache();
    writeMerge(mergeSweep(plan), plan.out);
  });
  after(() => fs.rmSync(sweep.dir, { recursive: true, force: true }));

  it('parseCsv reads what toCsv writes (quotes, commas, newlines)', () => {
    assert.deepEqual(parseCsv('a,b\n"x,1","he said ""hi"""\n"two\nlines",\n'), [
      ['a', 'b'],
      ['x,1', 'he said "hi"'],
      ['two\nlines', ''],
    ]);
  });

  it('draws LEE per group per model, LEE vs accuracy and layer kinds from the merged tables', async () => {
    const { rows, meta } = readMergedSweep(sweep.out);
    assert.equal(rows.length, 3 * 3 * 2);
    // Layer-wise tasks come after the LEE tasks; per image their projections add up to ‖L f‖ (DESIGN §5),
    // which the LEE tasks computed independently (the l2 column).
    const plan = planSweep(sweep.spec);
    assert.deepEqual(
      plan.tasks.map((t) => t.kind),
      ['lee', 'lee', 'lee', 'layerwise', 'layerwise', 'layerwise'],
    );
    const layers = readMergedLayers(sweep.out);
    assert.deepEqual([...new Set(layers.map((l) => l.model))], ['cnn-relu-mnist', 'mlp-mnist', 'cnn-blurpool-mnist']);
    assert.deepEqual([...new Set(layers.map((l) => l.image))], [0, 1]);
    const merged = parseCsv(fs.readFileSync(path.join(sweep.out, 'merged.csv'), 'utf8'));
    const h = merged[0];
    for (const model of ['cnn-relu-mnist', 'mlp-mnist', 'cnn-blurpool-mnist']) {
      for (const image of [0, 1]) {
        const sum = layers.filter((l) => l.model === model && l.image === image).reduce((a, l) => a + l.projection, 0);
        const l2 = Number(
          merged.find(
            (r) =>
              r[h.indexOf('model')] === model &&
              r[h.indexOf('image')] === String(image) &&
              r[h.indexOf('group')] === 'translate-x',
          )![h.indexOf('l2')],
        );
        assert.ok(
          Math.abs(sum - l2) <= TOL.layerwiseVsLeeTaskRel * l2,
          `${model} image ${image}: Σ projections ${sum} vs ‖L f‖ ${l2} from the LEE task`,
        );
      }
    }
    const csv = parseCsv(fs.readFileSync(path.join(sweep.out, 'merged.csv'), 'utf8'));
    const [header, ...body] = csv;
    const meanOf = (model: string, group: string) => {
      const vals = body
        .filter((r) => r[header.indexOf('model')] === model && r[header.indexOf('group')] === group)
        .map((r) => Number(r[header.indexOf('lee')]));
      return vals.reduce((a, b) => a + b, 0) / vals.length;
    };
    const sections = sweepSections(rows, meta);
    const byGroup = sections.find((s) => s.title === 'LEE per group per model')!;
    const pivot = byGroup.tables![0] as Array<Record<string, number | string>>;
    // Cells read 'mean [lo, hi]' (the report's table, 3 significant digits for the mean).
    for (const p of pivot)
      for (const g of ['rotate', 'translate-x'])
        assert.equal(
          Number(String(p[g]).split(' ')[0]),
          Number(meanOf(p.model as string, g).toPrecision(3)),
          `${p.model} ${g}: ${p[g]}`,
        );
    const vsAcc = sections.find((s) => s.title === 'LEE vs test accuracy')!;
    assert.equal(vsAcc.figures!.length, 2, 'one fit per group over the three mnist models');
    assert.deepEqual(
      (vsAcc.tables![0] as Array<{ models: number }>).map((f) => f.models),
      [3, 3],
    );

    const r = await runHere(['report', '--sweep', sweep.out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /report: wrote .*report\.html \(5 figures, 4 tables/); // the mean-sq (Eq. 4) pivot is the 4th
    assert.ok(html0(sweep.out).includes('Which layers break equivariance (translate-x)'));
    const html = fs.readFileSync(path.join(sweep.out, 'report.html'), 'utf8');
    assert.ok(!html.includes('<b>test</b>') && html.includes('&lt;b&gt;test&lt;/b&gt;'), 'the sweep name is escaped');
    assert.ok(!/<script[^>]+src=["']https?:/i.test(html), 'no CDN scripts');
  });

  it("mean-sq (Eq. 4) in the merged tables: mean-sq = sq-l2/K per image, Σ layer meanSqShare = the LEE task's mean-sq, a second pivot in the report", () => {
    const [h, ...body] = parseCsv(fs.readFileSync(path.join(sweep.out, 'merged.csv'), 'utf8'));
    const at = (r: string[], c: string) => Number(r[h.indexOf(c)]);
    assert.ok(h.includes('mean-sq'), `merged.csv columns: ${h.join(',')}`);
    // MNIST probabilities: K = 10 outputs, so mean-sq = ‖L f‖²/10 (both from the same float64 sums).
    for (const r of body)
      assert.ok(
        Math.abs(at(r, 'mean-sq') * 10 - at(r, 'sq-l2')) <= TOL.float64RoundOffRel * at(r, 'sq-l2'),
        `mean-sq ${at(r, 'mean-sq')} vs sq-l2 ${at(r, 'sq-l2')}`,
      );
    const [lh, ...lbody] = parseCsv(fs.readFileSync(path.join(sweep.out, 'merged-layerwise.csv'), 'utf8'));
    assert.ok(lh.includes('meanSq') && lh.includes('meanSqShare'), `merged-layerwise.csv columns: ${lh.join(',')}`);
    for (const model of ['cnn-relu-mnist', 'mlp-mnist']) {
      for (const image of ['0', '1']) {
        const share = lbody
          .filter((l) => l[lh.indexOf('model')] === model && l[lh.indexOf('image')] === image)
          .reduce((a, l) => a + Number(l[lh.indexOf('meanSqShare')]), 0);
        const leeRow = body.find(
          (r) =>
            r[h.indexOf('model')] === model &&
            r[h.indexOf('image')] === image &&
            r[h.indexOf('group')] === 'translate-x',
        )!;
        assert.ok(
          Math.abs(share - at(leeRow, 'mean-sq')) <= TOL.layerwiseVsLeeTaskSqRel * at(leeRow, 'mean-sq'),
          `${model} image ${image}: Σ meanSqShare ${share} vs mean-sq ${at(leeRow, 'mean-sq')} from the LEE task`,
        );
      }
    }
    const { rows, meta } = readMergedSweep(sweep.out);
    const byGroup = sweepSections(rows, meta).find((s) => s.title === 'LEE per group per model')!;
    assert.equal(byGroup.tables!.length, 2);
    const sq = byGroup.tables![1] as Array<Record<string, string>>;
    const mean = rows
      .filter((r) => r.model === 'mlp-mnist' && r.group === 'rotate')
      .reduce((a, r, _i, all) => a + r.meanSq! / all.length, 0);
    assert.equal(
      Number(String(sq.find((p) => p.model === 'mlp-mnist')!.rotate).split(' ')[0]),
      Number(mean.toPrecision(3)),
    );
  });

  it('explains what is missing', async () => {
    const r = await runHere(['report', '--sweep', sweep.dir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /has no merged\.csv and merged\.meta\.json; run 'liederiv sweep merge SPEC' first/);
    const u = await runHere(['report', '--sweep', sweep.out, '--images', '4']);
    assert.equal(u.code, 2);
    assert.match(u.err, /--images belongs in the sweep spec/);
  });
});
