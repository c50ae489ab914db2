import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssignmentCheckError } from '../../src/classroom/assignmentCheckError';
import { checkAugmentationEffect, checkExplanation, checkMostSensitiveGroup, checkSymmetricQuotient } from '../../src/classroom/equivarianceAssignment';
import { loadMnist } from '../../src/data/mnist';
import { applyGroup } from '../../src/groups';
import { modelOutput } from '../../src/lie/metrics/modelOutput';
import { buildZooModel } from '../../src/models/zoo';
import { setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';

const quiet = () => undefined;
async function rejects(fn: () => unknown, feedback: RegExp): Promise<void> {
  await assert.rejects(async () => fn(), (err: unknown) => {
    assert.ok(err instanceof AssignmentCheckError, `expected AssignmentCheckError, got ${String(err)}`);
    assert.match((err as Error).message, feedback);
    return true;
  });
}

describe('assignment 02: measure and explain the equivariance of a model', () => {
  let model: tf.LayersModel;
  let x: tf.Tensor4D;
  before(async () => {
    await setTestBackend('cpu');
    model = buildZooModel('cnn-relu', { seed: 3 });
    const d = loadMnist({ split: 'test', limit: 8 });
    x = d.images;
  });
  after(() => {
    model.dispose();
    x.dispose();
  });

  const sym = (m: tf.LayersModel, xs: tf.Tensor4D, g: string, t: number) =>
    tf.tidy(() => tf.div(tf.sub(modelOutput(m, applyGroup(xs, g, t)), modelOutput(m, applyGroup(xs, g, -t))), 2 * t));

  it('Q1 accepts the symmetric quotient and names the one-sided, doubled, negated and zero mistakes', async () => {
    const msg = await expectNoLeak(() => checkSymmetricQuotient(sym as never, model, x, quiet), 'checkSymmetricQuotient');
    assert.match(msg, /^✓ Q1/);
    const oneSided = (m: tf.LayersModel, xs: tf.Tensor4D, g: string, t: number) => tf.tidy(() => tf.div(tf.sub(modelOutput(m, applyGroup(xs, g, t)), modelOutput(m, xs)), t));
    await rejects(() => checkSymmetricQuotient(oneSided as never, model, x, quiet), /one-sided quotient/);
    await rejects(() => checkSymmetricQuotient(((m: tf.LayersModel, xs: tf.Tensor4D, g: string, t: number) => tf.mul(sym(m, xs, g, t), 2)) as never, model, x, quiet), /twice too large/);
    await rejects(() => checkSymmetricQuotient(((m: tf.LayersModel, xs: tf.Tensor4D, g: string, t: number) => tf.neg(sym(m, xs, g, t))) as never, model, x, quiet), /wrong sign/);
    await rejects(() => checkSymmetricQuotient((() => tf.zeros([8, 10])) as never, model, x, quiet), /zero everywhere/);
    await rejects(() => checkSymmetricQuotient((() => { throw new Error('TODO: implement'); }) as never, model, x, quiet), /threw "TODO: implement"/);
  });

  const rows = [
    { group: 'translate-x', lee: 0.1 }, { group: 'translate-x', lee: 0.3 },
    { group: 'rotate', lee: 0.5 }, { group: 'rotate', lee: 0.7 },
    { group: 'hue', lee: 0 }, { group: 'hue', lee: 0 },
  ];

  it('Q2 accepts the group with the largest mean LEE (computed from the rows)', () => {
    assert.match(checkMostSensitiveGroup('rotate', rows, quiet), /^✓ Q2 the most sensitive group: rotate .*0\.6/);
    assert.throws(() => checkMostSensitiveGroup('translate-x', rows, quiet), /another group in your table has a larger one/);
    assert.throws(() => checkMostSensitiveGroup('TODO', rows, quiet), /answer with one group name/);
    assert.throws(() => checkMostSensitiveGroup('shear-x', rows, quiet), /not in your table/);
    assert.throws(() => checkMostSensitiveGroup('rotate', [], quiet), /table is empty/);
  });

  it('Q3 follows the data: lower when the augmented model is more invariant, higher otherwise', () => {
    const lo = [{ group: 'translate-x', lee: 0.1 }];
    const hi = [{ group: 'translate-x', lee: 0.2 }];
    assert.match(checkAugmentationEffect('lower', hi, lo, 'translate-x', quiet), /^✓ Q3.*lower/);
    assert.match(checkAugmentationEffect('higher', lo, hi, 'translate-x', quiet), /^✓ Q3.*higher/);
    assert.throws(() => checkAugmentationEffect('higher', hi, lo, 'translate-x', quiet), /your tables say otherwise/);
    assert.throws(() => checkAugmentationEffect('TODO', hi, lo, 'translate-x', quiet), /answer 'lower' or 'higher'/);
  });

  it('Q4 wants ≥ 25 words naming the group and quoting its mean LEE within 10 %', () => {
    const good = 'The rotate group has the largest mean LEE, 0.61, because max pooling and the ReLU nonlinearities alias small rotations of the digits and nothing in training asked the network to be invariant to them at all.';
    assert.match(checkExplanation(good, rows, 'rotate', quiet), /^✓ Q4/);
    assert.throws(() => checkExplanation('TODO', rows, 'rotate', quiet), /replace the TODO/);
    assert.throws(() => checkExplanation('rotate is big, 0.6.', rows, 'rotate', quiet), /too short/);
    assert.throws(() => checkExplanation(good.replace('0.61', '0.9'), rows, 'rotate', quiet), /quote the measured mean LEE/);
    assert.throws(() => checkExplanation(good.replace(/rotate/g, 'turning'), rows, 'rotate', quiet), /name the group/);
  });
});
