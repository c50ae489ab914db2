import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend } from '../../src/backend';
import { expectNoLeak } from '../helpers/noLeak';
import { listTrainedModels, type TrainedModel } from '../../src/models/trainedModels';
import { contradicts, type Comparison } from '../../src/science/claims';
import { architectureFindings, augmentationFindings, epochFindings, quickstartFindings, zooFindings, type PaperClaim } from '../../src/science/findings';

// Each notebook's claims, recomputed on two other image samples (seeds 1 and 2, a 120-image subsample
// to keep this fast): no printed direction may flip — a "lower" on one sample may become "no
// difference shown" on the other, never "higher". The notebooks print exactly these sentences.
const SMALL = 120;
const runs = [{ images: SMALL, seed: 1 }, { images: SMALL, seed: 2 }];

function assertStable(what: string, a: Comparison[], b: Comparison[]): void {
  assert.equal(a.length, b.length, `${what}: the two samples produced different claims`);
  assert.ok(a.length > 0, `${what}: no claims computed`);
  for (const c of a) {
    const d = b.find((x) => x.a === c.a && x.b === c.b && x.what === c.what);
    assert.ok(d, `${what}: ${c.what} missing on the second sample`);
    assert.ok(!contradicts(c.verdict, d.verdict), `${what}: "${c.sentence}" vs "${d.sentence}"`);
    // The sentence says what the verdict says.
    assert.ok(c.sentence.includes(c.verdict === 'no difference shown' ? 'no difference shown' : ` is ${c.verdict} than `), c.sentence);
  }
}

function assertPaperStable(what: string, a: PaperClaim[], b: PaperClaim[]): void {
  a.forEach((p, k) => {
    const flipped = (p.status === 'supported' && b[k].status === 'contradicted') || (p.status === 'contradicted' && b[k].status === 'supported');
    assert.ok(!flipped, `${what}: "${p.claim}" is ${p.status} on one sample and ${b[k].status} on the other`);
  });
}

describe('notebook findings hold on another image sample (src/science/findings)', () => {
  let models: TrainedModel[];
  let study: TrainedModel[];
  const by = (name: string) => {
    const m = models.find((x) => x.name === name);
    assert.ok(m, `the committed model ${name} is missing from datasets/models/manifest.json`);
    return m;
  };
  before(async () => {
    await useBackend('wasm');
    models = listTrainedModels();
    study = listTrainedModels(undefined, { studies: true }).filter((m) => m.study);
  });

  it('01: the group ranking per border pixel', async () => {
    const r1 = await expectNoLeak(() => quickstartFindings(by('cnn-relu-colored-mnist-random-hue'), ['translate-x', 'rotate', 'shear-x', 'hue'], runs[0]), 'quickstartFindings');
    const r2 = await quickstartFindings(by('cnn-relu-colored-mnist-random-hue'), ['translate-x', 'rotate', 'shear-x', 'hue'], runs[1]);
    assert.ok(r1.top && r2.top);
    // The claim is "least equivariant under <top group>" (top vs the runner-up, which may change).
    if (r1.top.a === r2.top.a) assert.ok(!contradicts(r1.top.verdict, r2.top.verdict), `01: "${r1.top.sentence}" vs "${r2.top.sentence}"`);
    else for (const r of [r1.top, r2.top]) assert.equal(r.verdict, 'no difference shown', `01: the top group changed between samples but "${r.sentence}" claims it`);
  });

  it('04: BlurPool and ViT against the CNN, probs and logits', async () => {
    const others = [{ role: 'BlurPool CNN', model: by('cnn-blurpool-mnist') }, { role: 'ViT', model: by('vit-tiny-mnist') }];
    const [r1, r2] = [await architectureFindings(by('cnn-relu-mnist'), others, runs[0]), await architectureFindings(by('cnn-relu-mnist'), others, runs[1])];
    assertStable('04', r1.comparisons, r2.comparisons);
    assertPaperStable('04', r1.paper, r2.paper);
  });

  it('05: first vs last epoch, and augmentation over seeds', async () => {
    const e1 = await expectNoLeak(() => epochFindings(by('cnn-relu-mnist'), ['translate-x', 'rotate'], runs[0]), 'epochFindings');
    const e2 = await epochFindings(by('cnn-relu-mnist'), ['translate-x', 'rotate'], runs[1]);
    assertStable('05 epochs', e1.comparisons, e2.comparisons);
    const arm = (aug: boolean) => study.filter((m) => m.study === 'augmentation-seeds' && (m.augmentation.length > 0) === aug);
    assert.ok(arm(false).length >= 3 && arm(true).length >= 3, 'the augmentation study needs 3 seeds per arm in the manifest');
    const a1 = await expectNoLeak(() => augmentationFindings(arm(false), arm(true), ['translate-x', 'rotate', 'scale'], runs[0]), 'augmentationFindings');
    const a2 = await augmentationFindings(arm(false), arm(true), ['translate-x', 'rotate', 'scale'], runs[1]);
    assertStable('05 augmentation (seeds)', a1.bySeed, a2.bySeed);
    assertStable('05 augmentation (images)', a1.byImage, a2.byImage);
    assertPaperStable('05', a1.paper, a2.paper);
  });

  it('03: LEE vs accuracy within and across families, extremes, the width series', async () => {
    const mnist = models.filter((m) => m.dataset === 'mnist');
    const size = ['cnn-relu-quarter', 'cnn-relu-half'].map((a) => study.find((m) => m.architecture === a && m.study === 'model-size')!).concat(study.filter((m) => m.study === 'augmentation-seeds' && m.seed === 1 && m.augmentation.length === 0));
    assert.ok(size.every(Boolean) && size.length === 3, 'the width series needs three models');
    const z1 = await zooFindings(mnist, ['translate-x', 'rotate'], size, runs[0]);
    const z2 = await zooFindings(mnist, ['translate-x', 'rotate'], size, runs[1]);
    z1.trends.forEach((t, k) => assert.ok(!contradicts(t.verdict, z2.trends[k].verdict), `03: "${t.sentence}" vs "${z2.trends[k].sentence}"`));
    assertStable('03 width series', z1.size, z2.size);
    assertPaperStable('03', z1.paper, z2.paper);
    for (const [x, y] of [[z1, z2]]) {
      for (const c of x.extremes) {
        const d = y.extremes.find((e) => e.what === c.what)!;
        // The extremes may be other models on another sample; a claimed difference must not reverse.
        if (c.a === d.a && c.b === d.b) assert.ok(!contradicts(c.verdict, d.verdict), c.sentence);
      }
    }
  });
});
