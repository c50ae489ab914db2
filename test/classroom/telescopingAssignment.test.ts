import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { layerTools, type LayerTools } from '../../src/classroom/layerTools';
import {
  checkContributions,
  checkLargestLayer,
  checkTelescopingExplanation,
  checkTelescopingGap,
  referenceContributions,
} from '../../src/classroom/telescopingAssignment';
import { checkRng } from '../../src/classroom/variant';
import { loadMnist } from '../../src/data/mnist';
import { layerContributions } from '../../src/lie/layerwise';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { buildZooModel } from '../../src/models/zoo';
import { setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';
import { TOL } from '../helpers/tolerances';

async function rejects(fn: () => unknown, feedback: RegExp): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (err: unknown) => {
      assert.match((err as Error).message, feedback);
      return true;
    },
  );
}

describe('assignment 03: the layer-wise telescoping sum', () => {
  let model: tf.LayersModel;
  let x: tf.Tensor4D;
  before(async () => {
    await setTestBackend('cpu');
    model = buildZooModel('cnn-relu', { seed: 5 });
    x = loadMnist({ split: 'test', limit: 6 }).images;
  });
  after(() => {
    model.dispose();
    x.dispose();
  });

  /** The student's answer, written from DESIGN §5 with the tools. */
  const student = (tools: LayerTools, xs: tf.Tensor4D, group: string) => {
    const hs = tools.outputs(xs);
    const D = hs.map((h, i) => tools.generatorOn(h, group, i === 0));
    const C = hs
      .slice(1)
      .map((h, k) => tf.tidy(() => tools.tailJvp(k + 1, h, tf.sub(tools.layerJvp(k + 1, hs[k], D[k]), D[k + 1]))));
    const out = tf.stack(C);
    tf.dispose([...hs, ...D, ...C]);
    return out;
  };

  it("the reference agrees with liederiv's layerContributions (fused activations summed) and telescopes to L f", async () => {
    const tools = layerTools(model);
    const xs = x.slice([0], [3]) as tf.Tensor4D;
    for (const g of ['rotate', 'translate-x']) {
      const mine = referenceContributions(tools, xs, g);
      const lc = layerContributions(model, xs, g);
      const fused = tools.names.map((name) =>
        tf.tidy(() =>
          tf.addN(
            lc.layers
              .map((l, i) => [l, i] as const)
              .filter(([l]) => l.name === name || l.name.startsWith(`${name}/`))
              .map(([, i]) => tf.gather(lc.contribs, i)),
          ),
        ),
      );
      const ref = tf.stack(fused);
      const [{ lie }] = await lieDerivative(model, xs, [g]);
      const rel = (a: tf.Tensor, b: tf.Tensor) =>
        tf.tidy(() => tf.div(tf.norm(tf.sub(a, b)), tf.norm(b)).dataSync()[0]);
      assert.ok(rel(mine, ref) < TOL.telescopingSum, `vs layerContributions: ${rel(mine, ref)}`);
      assert.ok(tf.tidy(() => rel(tf.sum(mine, 0), lie)) < TOL.telescopingSum);
      tf.dispose([mine, lc.contribs, lc.lf, ...fused, ref, lie]);
    }
    xs.dispose();
  });

  it('Q1 accepts the contributions on several draws; no leak', async () => {
    for (const draw of [1, 2])
      assert.equal((await checkContributions(student, model, x, { rand: checkRng(draw).rand })).status, 'pass');
    await expectNoLeak(() => checkContributions(student, model, x, { rand: checkRng(3).rand }), 'checkContributions');
  });

  it('Q1 shortcuts fail: all of L f in one layer (sums right), ignoring the group, the opposite sign, calling layerContributions', async () => {
    const allInFirst = (tools: LayerTools, xs: tf.Tensor4D, group: string) => {
      const c = student(tools, xs, group);
      const total = tf.sum(c, 0);
      const out = tf.concat([tf.expandDims(total, 0), tf.zerosLike(c).slice([1], [c.shape[0] - 1])]);
      tf.dispose([c, total]);
      return out;
    };
    for (const draw of [1, 2]) {
      const c = { rand: checkRng(draw).rand };
      await rejects(() => checkContributions(allInFirst, model, x, c), /sum to L f, but not layer by layer/);
      await rejects(
        () => checkContributions((t, xs) => student(t, xs, 'rotate'), model, x, checkRng(10 + draw) as never),
        /./,
      );
      await rejects(() => checkContributions((t, xs, g) => tf.neg(student(t, xs, g)), model, x, c), /opposite sign/);
      await rejects(
        () =>
          checkContributions(
            ((_t: LayerTools, xs: tf.Tensor4D, g: string) => layerContributions(model, xs, g).contribs) as never,
            model,
            x,
            c,
          ),
        /calls liederiv's own layerContributions/,
      );
    }
  });

  it('Q2–Q4: the gap, the largest layer, the explanation for review', () => {
    assert.equal(checkTelescopingGap(3e-7, { gap: 3e-7 }).status, 'pass');
    assert.throws(() => checkTelescopingGap(0.2, { gap: 0.2 }), /telescopes/);
    assert.throws(() => checkTelescopingGap(1e-7, { gap: 0.3 }), /report the gap you computed/);
    const table = [
      { layer: 'conv1', meanSqNorm: 1 },
      { layer: 'maxpool1', meanSqNorm: 5 },
    ];
    assert.equal(checkLargestLayer('maxpool1', table).status, 'pass');
    assert.throws(
      () => checkLargestLayer('conv1', table),
      (e: Error) => !/maxpool1/.test(e.message),
    );
    assert.equal(
      checkTelescopingExplanation(
        'The max pooling layers alias sub-pixel shifts and carry most of the defect, while each convolution commutes with translation; the sum telescopes by the chain rule so it is exact.',
      ).status,
      'review',
    );
  });
});
