import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { runHere } from '../helpers/cli';
import { loadDataset } from '../../src/data/loadDataset';
import { lee } from '../../src/lie/lee';
import { checkRenderedHtml } from '../../src/report/checkHtml';
import { describeProblems, renderReportFigures } from '../../src/report/renderedFigures';
import { toCsv } from '../../src/report/csv';
import {
  accuracyFits,
  computeHeadline,
  summarizeLee,
  type ModelGroupSummary,
  type ModelLeeRow,
} from '../../src/report/headline';
import { headlineSections } from '../../src/report/headlineReport';
import { loadTrainedModel, listTrainedModels } from '../../src/models/trainedModels';
import { expectNoLeak } from '../helpers/noLeak';
import { makeTinyModelsDir } from '../helpers/reportModels';
import { hasChromium } from '../helpers/requirements';
import { TOL } from '../helpers/tolerances';

/** Minimal CSV reader for the report's files (no quoted fields in them: names have no commas). */
function readCsv(file: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',')) };
}

describe('liederiv report (headline results)', () => {
  let modelsDir: string;
  let outDir: string;
  before(async () => {
    await useBackend('wasm');
    // Untrained zoo models: the pipeline is under test, not the training. Three MNIST models so the
    // accuracy fit exists, a CNN and a BlurPool CNN for the layer-wise roles, one Coloured MNIST model for hue.
    modelsDir = await makeTinyModelsDir([
      { name: 'cnn-relu-mnist', architecture: 'cnn-relu', dataset: 'mnist' },
      { name: 'cnn-blurpool-mnist', architecture: 'cnn-blurpool', dataset: 'mnist' },
      { name: 'mlp-mnist', architecture: 'mlp', dataset: 'mnist' },
      {
        name: 'cnn-relu-colored-mnist-random-hue',
        architecture: 'cnn-relu',
        dataset: 'colored-mnist-random-hue',
        seed: 2,
      },
    ]);
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-report-'));
  });
  after(() => {
    fs.rmSync(modelsDir, { recursive: true, force: true });
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('writes report.html (every figure drawn, no page error), the CSVs and a summary table', async () => {
    const { code, out, err } = await runHere([
      'report',
      '--models-dir',
      modelsDir,
      '--out',
      outDir,
      '--images',
      '8',
      '--layerwise-images',
      '2',
      '--backend',
      'wasm',
    ]);
    assert.equal(code, 0, err);
    // Progress on stderr: one line per model and stage.
    assert.match(err, /LEE 4\/4 models/);
    assert.match(err, /layer-wise 2\/2 models/);
    // Summary on stdout: a header and one line per model, with the four product-card groups.
    const lines = out.trim().split('\n');
    assert.match(lines[1], /^model\s+acc\s+translate-x\s+rotate\s+shear-x\s+hue$/);
    assert.equal(lines.length, 3 + 4);

    const lee = readCsv(path.join(outDir, 'lee.csv'));
    assert.deepEqual(lee.header, [
      'model',
      'family',
      'dataset',
      'accuracy',
      'image',
      'label',
      'group',
      'output',
      'reduction',
      'lee',
      'meanSq',
    ]);
    assert.equal(lee.rows.length, 4 * 8 * 4, 'models × images × groups');
    const summary = readCsv(path.join(outDir, 'lee-summary.csv'));
    assert.deepEqual(summary.header, [
      'model',
      'family',
      'dataset',
      'accuracy',
      'group',
      'output',
      'reduction',
      'images',
      'meanLee',
      'seLee',
      'ciLo',
      'ciHi',
      'meanSqLee',
      'meanSqCiLo',
      'meanSqCiHi',
    ]);
    // The summary is the mean of the per-image rows (recomputed here from the CSV text).
    for (const s of summary.rows) {
      const vals = lee.rows.filter((r) => r[0] === s[0] && r[6] === s[4]).map((r) => Number(r[9]));
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      assert.ok(
        Math.abs(mean - Number(s[8])) <= TOL.float64ClosedForm * Math.max(1, mean),
        `${s[0]} ${s[4]}: ${mean} vs ${s[8]}`,
      );
      // mean-sq (Eq. 4) beside it: the mean of the per-image meanSq column, inside its own CI.
      const sq = lee.rows.filter((r) => r[0] === s[0] && r[6] === s[4]).map((r) => Number(r[10]));
      const sqMean = sq.reduce((a, b) => a + b, 0) / sq.length;
      assert.ok(
        Math.abs(sqMean - Number(s[12])) <= TOL.float64RoundOffRel * Math.max(1, sqMean),
        `${s[0]} ${s[4]} mean-sq: ${sqMean} vs ${s[12]}`,
      );
      assert.ok(
        Number(s[13]) <= Number(s[12]) && Number(s[12]) <= Number(s[14]),
        `${s[0]} ${s[4]}: mean-sq ${s[12]} outside its CI [${s[13]}, ${s[14]}]`,
      );
    }
    // Colour groups do nothing to grey digits: hue LEE is exactly 0 on MNIST, positive on Coloured MNIST.
    const hue = (model: string) => lee.rows.filter((r) => r[0] === model && r[6] === 'hue').map((r) => Number(r[9]));
    assert.ok(hue('cnn-relu-mnist').every((v) => v === 0));
    assert.ok(hue('cnn-relu-colored-mnist-random-hue').some((v) => v > 0));
    assert.deepEqual(readCsv(path.join(outDir, 'accuracy-fit.csv')).header, [
      'dataset',
      'group',
      'models',
      'slope',
      'intercept',
      'r2',
    ]);
    const lw = readCsv(path.join(outDir, 'layerwise.csv'));
    assert.deepEqual(lw.header, [
      'model',
      'image',
      'index',
      'layer',
      'kind',
      'sqnorm',
      'projection',
      'meanSq',
      'meanSqShare',
      'defect',
      'pushed',
    ]);
    assert.deepEqual([...new Set(lw.rows.map((r) => r[0]))].sort(), ['cnn-blurpool-mnist', 'cnn-relu-mnist']);

    const html = path.join(outDir, 'report.html');
    const text = fs.readFileSync(html, 'utf8');
    assert.ok(!/<script[^>]+src=/.test(text), 'no external scripts (offline)');
    if (!hasChromium()) return;
    const rendered = await checkRenderedHtml(html);
    assert.deepEqual(rendered.errors, []);
    // per-group + 3 accuracy fits (the spatial groups) + 2 layer-wise + hue = 7 figures.
    assert.equal(rendered.figures, 7);
    assert.equal(rendered.drawn, rendered.figures);
    // Each figure exported beside report.html by the report command (Plotly.toImage in Chromium).
    const svgs = fs.readdirSync(outDir).filter((f) => /^figure-\d+-\d+.*\.svg$/.test(f));
    const pngs = fs.readdirSync(outDir).filter((f) => /^figure-\d+-\d+.*\.png$/.test(f));
    assert.equal(svgs.length, 7, svgs.join(' '));
    assert.equal(pngs.length, 7);
    assert.match(
      fs.readFileSync(path.join(outDir, svgs[0]), 'utf8'),
      /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
    assert.deepEqual([...fs.readFileSync(path.join(outDir, pngs[0])).subarray(1, 4)], [0x50, 0x4e, 0x47]); // \x89PNG
    assert.match(err, /report: exported 7 figures as SVG and PNG/);
    assert.doesNotMatch(err, /layout problem/);
    // The browser check a reviewer would do: no two labels overlap, none is clipped (read from the drawn SVG).
    const layout = await renderReportFigures(html);
    assert.equal(layout.figures.length, 7);
    assert.ok(
      layout.figures.every(
        (f) => f.labels.some((l) => l.role === 'x tick') && f.labels.some((l) => l.role === 'y title'),
      ),
      'tick and title labels were found',
    );
    assert.ok(
      layout.figures.some((f) => f.labels.some((l) => l.role === 'legend')),
      'legend labels were found',
    );
    assert.deepEqual(layout.problems, [], describeProblems(layout.problems));
    // Units stated for the run's size, and every finding of a comparison carries its CI.
    assert.match(text, /t = 1 ≙ 13\.5 px for translations and 57\.3°/);
    const found = text.slice(text.indexOf('What we found'));
    assert.doesNotMatch(found, /most equivariant/);
    for (const m of found.matchAll(/(is (lower|higher) than|no difference shown)[^<]*/g)) assert.match(m[0], /95% CI/);
  });

  it('matches a direct lee() call on the same model and images, and leaves no tensors', async () => {
    const models = listTrainedModels(modelsDir);
    const result = await expectNoLeak(
      () =>
        computeHeadline({ modelsDir, models: ['cnn-relu-mnist'], images: 4, groups: ['rotate'], layerwiseImages: 1 }),
      'computeHeadline',
    );
    const data = loadDataset('mnist', { split: 'test', limit: 4 });
    const model = await loadTrainedModel('cnn-relu-mnist', models);
    const direct = await lee(model, data, { groups: ['rotate'] });
    data.images.dispose();
    model.net.dispose();
    assert.deepEqual(
      result.lee.map((r) => r.lee),
      direct.map((r) => r.lee),
    );
    assert.deepEqual(
      result.lee.map((r) => r.meanSq),
      direct.map((r) => r['mean-sq']),
    );
    const sections = headlineSections(result);
    const perGroup = sections.find((s) => s.title === 'LEE per group per model')!;
    assert.equal(perGroup.tables!.length, 2, 'a mean LEE table and a mean-sq (Eq. 4) table');
    assert.match(perGroup.text!, /Eq\. 4/);
    assert.deepEqual(
      result.lee.map((r) => r.label),
      direct.map((r) => r.label),
    );
  });

  it('says how to train the models when the manifest lists none, and names unknown models', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-empty-'));
    try {
      await assert.rejects(computeHeadline({ modelsDir: empty }), /no trained models in .*scripts\/trainZoo\.sh/);
      await assert.rejects(
        computeHeadline({ modelsDir, models: ['vit-nope'] }),
        /no trained model 'vit-nope'.*trained: .*cnn-blurpool-mnist/,
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const { code, err } = await runHere(['report', '--models-dir', modelsDir, '--groups', 'rotat']);
    assert.equal(code, 2);
    assert.match(err, /unknown group 'rotat'/);
  });
});

describe('headline aggregation', () => {
  const row = (model: string, accuracy: number, group: string, lee: number, image = 0): ModelLeeRow => ({
    model,
    family: 'CNN',
    dataset: 'mnist',
    accuracy,
    image,
    group,
    output: 'probs',
    reduction: 'mean-abs',
    lee,
  });

  it('summarizeLee: mean and standard error in closed form', () => {
    // values 1, 2, 3, 6: mean 3, sample variance (4 + 1 + 0 + 9)/3 = 14/3, s.e. = sqrt(14/12).
    const s = summarizeLee([1, 2, 3, 6].map((v, i) => row('a', 0.9, 'rotate', v, i)));
    assert.equal(s.length, 1);
    assert.equal(s[0].meanLee, 3);
    assert.ok(Math.abs(s[0].seLee - Math.sqrt(14 / 12)) < TOL.float64FewOps);
    assert.equal(s[0].images, 4);
    assert.ok(Number.isNaN(s[0].meanSqLee), 'rows without meanSq give no mean-sq summary');
    // mean-sq values 1, 4, 9, 36 (the squares): mean 12.5.
    const q = summarizeLee([1, 2, 3, 6].map((v, i) => ({ ...row('a', 0.9, 'rotate', v, i), meanSq: v * v })));
    assert.equal(q[0].meanSqLee, 12.5);
    assert.ok(q[0].meanSqCiLo! <= 12.5 && 12.5 <= q[0].meanSqCiHi!);
  });

  it('accuracyFits: recovers an exact power law in accuracy, skips groups with too few models or zero LEE', () => {
    // LEE = 10^(2 − 0.05·acc%) exactly ⇒ slope −0.05, intercept 2, R² = 1.
    const summary: ModelGroupSummary[] = [80, 90, 95].map((a, i) => ({
      ...row(`m${i}`, a / 100, 'rotate', 0),
      meanLee: 10 ** (2 - 0.05 * a),
      seLee: 0,
      ciLo: 0,
      ciHi: 0,
      images: 1,
    }));
    summary.push(
      ...[80, 90].map((a, i) => ({
        ...row(`m${i}`, a / 100, 'shear-x', 0),
        meanLee: 1,
        seLee: 0,
        ciLo: 0,
        ciHi: 0,
        images: 1,
      })),
    );
    summary.push(
      ...[80, 90, 95].map((a, i) => ({
        ...row(`m${i}`, a / 100, 'hue', 0),
        meanLee: 0,
        seLee: 0,
        ciLo: 0,
        ciHi: 0,
        images: 1,
      })),
    );
    const fits = accuracyFits(summary);
    assert.equal(fits.length, 1);
    assert.equal(fits[0].group, 'rotate');
    assert.ok(
      Math.abs(fits[0].slope + 0.05) < TOL.float64ClosedForm &&
        Math.abs(fits[0].intercept - 2) < TOL.float64ClosedFormLoose &&
        Math.abs(fits[0].r2 - 1) < TOL.float64ClosedForm,
      JSON.stringify(fits[0]),
    );
  });

  it('headlineSections: the findings state bootstrap CIs and claim a difference only when the CI excludes zero', () => {
    const meta = {
      backend: 'cpu',
      images: 40,
      groups: ['rotate'],
      layerwiseImages: 1,
      layerwiseGroup: 'translate-x',
      output: 'probs',
      reduction: 'mean-abs',
      seconds: 1,
      modelsDir: '',
    };
    const rowsOf = (model: string, dataset: string, group: string, values: number[]) =>
      values.map((v, i) => ({ ...row(model, 0.9, group, v, i), dataset }));
    const found = (lee: ModelLeeRow[]) =>
      headlineSections({
        models: [],
        lee,
        summary: summarizeLee(lee),
        fits: [],
        layerwise: [],
        layerwiseModels: [],
        meta,
      }).find((x) => x.title === 'What we found')!.text!;
    const noise = Array.from({ length: 40 }, (_, i) => 0.1 + 0.05 * Math.sin(i * 1.7));
    // vit = 4 × cnn on every image: a paired difference far from zero.
    const clear = found([
      ...rowsOf('cnn', 'mnist', 'rotate', noise),
      ...rowsOf(
        'vit',
        'mnist',
        'rotate',
        noise.map((v) => 4 * v),
      ),
    ]);
    assert.match(
      clear,
      /rotate on mnist \(2 models, mean LEE \[95% CI\]\): lowest cnn 0\.1\d* \[[\d.]+, [\d.]+\], highest vit 0\.4\d* \[/,
    );
    assert.match(
      clear,
      /vit is higher than cnn: difference [\d.]+ \[[\d.]+, [\d.]+\], ratio 4 \[4, 4\] \(paired bootstrap over the same 40 images, 95% CI\) excludes 0/,
    );
    // Same values shuffled between the models: the means differ a little, within noise — no claim.
    const shuffled = noise.map((_, i) => noise[(i * 7) % 40] * (1 + 0.02 * ((i % 3) - 1)));
    const close = found([...rowsOf('cnn', 'mnist', 'rotate', noise), ...rowsOf('vit', 'mnist', 'rotate', shuffled)]);
    assert.match(close, /no difference shown: difference -?[\d.e-]+ \[-[\d.e-]+, [\d.e-]+\].* includes 0/);
    assert.doesNotMatch(close, /is (lower|higher) than/);
    // Two datasets: never ranked against each other; a colour group on grey digits: no finding.
    const split = found([
      ...rowsOf('a', 'mnist', 'rotate', noise),
      ...rowsOf(
        'b',
        'colored-mnist-random-hue',
        'rotate',
        noise.map((v) => 9 * v),
      ),
      ...rowsOf('a', 'mnist', 'hue', noise),
      ...rowsOf('c', 'mnist', 'hue', noise),
    ]);
    assert.doesNotMatch(split, /rotate on/);
    assert.doesNotMatch(split, /hue on mnist/);
  });

  it('toCsv quotes commas, quotes and newlines (RFC 4180)', () => {
    assert.equal(
      toCsv([{ a: 'x,y', b: 'say "hi"', c: 'l1\nl2', d: 1.5, e: undefined }]),
      'a,b,c,d,e\n"x,y","say ""hi""","l1\nl2",1.5,\n',
    );
  });
});
