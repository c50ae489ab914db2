/**
 * Inputs of the kinds real users send (test/fixtures/cases/README.md), beyond the listed files:
 * other spellings of the same fault, each checked against an oracle independent of the forward
 * rules and of the contract code — reverse mode on the cpu backend (tf.grad of each output
 * component of the model as tfjs runs it, dotted with the image tangent), or the expected refusal.
 * docs/USER-INPUTS.md is the user-facing table of these kinds.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { FileFormatError, InputError } from '../../src/errors';
import { imageTangent } from '../../src/groups';
import { measuredModel } from '../../src/jvp';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { loadModel, saveModel } from '../../src/models/load';
import { expectNoLeak } from '../helpers/noLeak';
import { attr, tinyGraph, type TinyNode } from '../helpers/opGraph';

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-30);
};

/** J_F(x)·(L x) by reverse mode: one tf.grad per output component, dotted with the tangent. [N·K] row-major. */
function reverseModeLie(F: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, group: string): Float64Array {
  const out: number[] = [];
  tf.tidy(() => {
    const v = imageTangent(x, group);
    const N = x.shape[0];
    const K = F(x).size / N;
    const rows = Array.from({ length: N }, () => new Array<number>(K));
    for (let k = 0; k < K; k++) {
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(tf.reshape(F(xx as tf.Tensor4D), [N, K]), [0, k], [N, 1])))(x);
      const dots = tf.sum(tf.mul(g, v), [1, 2, 3]).dataSync();
      for (let n = 0; n < N; n++) rows[n][k] = dots[n];
    }
    rows.forEach((r) => out.push(...r));
  });
  return Float64Array.from(out);
}

async function lieVector(model: Parameters<typeof lieDerivative>[0], x: tf.Tensor4D, group: string, opts: Parameters<typeof lieDerivative>[3] = {}): Promise<Float64Array> {
  const [r] = await lieDerivative(model, x, [group], opts);
  const v = Float64Array.from(r.lie.dataSync());
  r.lie.dispose();
  return v;
}

const mm = (name: string, a: string, b: string): TinyNode => ({ name, op: 'MatMul', input: [a, b], attr: { transpose_a: attr.b(false), transpose_b: attr.b(false) } });
const dense = (units: number, activation: string, seed: number) => tf.layers.dense({ units, activation: activation as 'linear', kernelInitializer: tf.initializers.glorotNormal({ seed }) });

/** A graph [B, 4, 4, 3] → logits [B, 5] ('fc'), then `tail` nodes after it. */
async function headGraph(tail: TinyNode[], extra: Record<string, tf.Tensor> = {}): Promise<tf.GraphModel> {
  return tinyGraph([-1, 4, 4, 3], [{ name: 'flat', op: 'Reshape', input: ['x', 'shape'] }, mm('fc', 'flat', 'w'), ...tail], {
    shape: tf.tensor1d([-1, 48], 'int32'),
    w: tf.randomNormal([48, 5], 0, 0.5, 'float32', 7),
    ...extra,
  });
}

describe('user inputs: the probability head behind other ops (cpu, against reverse mode)', () => {
  before(async () => {
    await useBackend('cpu');
  });
  const x = () => tf.randomUniform([2, 4, 4, 3], 0, 1, 'float32', 8) as tf.Tensor4D;

  const graphCases: Array<[string, TinyNode[], Record<string, tf.Tensor>]> = [
    ['Softmax → Reshape', [{ name: 'sm', op: 'Softmax', input: ['fc'] }, { name: 'out', op: 'Reshape', input: ['sm', 'shape2'] }], { shape2: tf.tensor1d([-1, 5], 'int32') }],
    ['Softmax → ExpandDims → Squeeze', [{ name: 'sm', op: 'Softmax', input: ['fc'] }, { name: 'ex', op: 'ExpandDims', input: ['sm', 'one'] }, { name: 'out', op: 'Squeeze', input: ['ex'], attr: { squeeze_dims: attr.ints([1]) } }], { one: tf.scalar(1, 'int32') }],
    ['Softmax → IdentityN → Identity', [{ name: 'sm', op: 'Softmax', input: ['fc'] }, { name: 'idn', op: 'IdentityN', input: ['sm'] }, { name: 'out', op: 'Identity', input: ['idn'] }], {}],
    ['Softmax → StopGradient', [{ name: 'sm', op: 'Softmax', input: ['fc'] }, { name: 'out', op: 'StopGradient', input: ['sm'] }], {}],
  ];
  for (const [what, tail, extra] of graphCases) {
    it(`GraphModel ${what}: probs is the model's softmax (not a second one), logits its input`, async () => {
      const g = await headGraph(tail, extra);
      const xs = x();
      const m = measuredModel({ name: 'g', net: g });
      assert.equal(m.output.softmax, 'model');
      assert.match(m.formula, /^net \(its softmax\)/);
      // The oracle: the graph's own output as tfjs runs it (it already is a softmax).
      const probs = await expectNoLeak(() => lieVector(g, xs, 'rotate'), 'lieDerivative');
      assert.ok(relErr(probs, reverseModeLie((xx) => g.execute(xx, 'out') as tf.Tensor, xs, 'rotate')) < 1e-4);
      const logits = await lieVector(g, xs, 'rotate', { output: 'logits' });
      assert.ok(relErr(logits, reverseModeLie((xx) => g.execute(xx, 'fc') as tf.Tensor, xs, 'rotate')) < 1e-4);
      tf.dispose(xs);
      g.dispose();
    });
  }

  it('GraphModel ending in Sigmoid (multi-label, or binary [B, 1]): probs is the sigmoid output itself, logits its input', async () => {
    for (const units of [5, 1]) {
      const g = await tinyGraph([-1, 4, 4, 3], [{ name: 'flat', op: 'Reshape', input: ['x', 'shape'] }, mm('fc', 'flat', 'w'), { name: 'sg', op: 'Sigmoid', input: ['fc'] }, { name: 'Identity', op: 'Identity', input: ['sg'] }], {
        shape: tf.tensor1d([-1, 48], 'int32'),
        w: tf.randomNormal([48, units], 0, 0.5, 'float32', 7),
      });
      const xs = x();
      const m = measuredModel({ name: 'g', net: g });
      assert.equal(m.output.head, 'sigmoid');
      assert.equal(m.output.softmax, 'none');
      assert.match(m.formula, /net \(its sigmoid: per-class probabilities, no softmax\)/);
      const probs = await lieVector(g, xs, 'rotate');
      assert.equal(probs.length, 2 * units);
      assert.ok(relErr(probs, reverseModeLie((xx) => g.execute(xx, 'Identity') as tf.Tensor, xs, 'rotate')) < 1e-4);
      const logits = await lieVector(g, xs, 'rotate', { output: 'logits' });
      assert.ok(relErr(logits, reverseModeLie((xx) => g.execute(xx, 'fc') as tf.Tensor, xs, 'rotate')) < 1e-4);
      tf.dispose(xs);
      g.dispose();
    }
  });

  const layersCases: Array<[string, () => tf.layers.Layer[]]> = [
    ["Dense(softmax) → Reshape", () => [dense(5, 'softmax', 2), tf.layers.reshape({ targetShape: [5] })]],
    ["Dense(softmax) → Reshape [1, 5] → Flatten", () => [dense(5, 'softmax', 2), tf.layers.reshape({ targetShape: [1, 5] }), tf.layers.flatten()]],
    ["Dense → Activation('softmax') → Dropout", () => [dense(5, 'linear', 2), tf.layers.activation({ activation: 'softmax' }), tf.layers.dropout({ rate: 0.5 })]],
    ['Dense → Softmax(axis: -1)', () => [dense(5, 'linear', 2), tf.layers.softmax({ axis: -1 })]],
    ["Dense(sigmoid) (multi-label)", () => [dense(5, 'sigmoid', 2)]],
    ["Dense → Activation('sigmoid') → Reshape", () => [dense(5, 'linear', 2), tf.layers.activation({ activation: 'sigmoid' }), tf.layers.reshape({ targetShape: [5] })]],
  ];
  for (const [what, head] of layersCases) {
    it(`LayersModel ${what}: probs is the model's own output, logits the head's input`, async () => {
      const body = [tf.layers.flatten({ inputShape: [4, 4, 3] }), dense(8, 'tanh', 1)];
      const net = tf.sequential({ layers: [...body, ...head()] });
      const xs = x();
      const m = measuredModel({ name: 'l', net });
      assert.notEqual(m.output.softmax, 'added');
      const probs = await expectNoLeak(() => lieVector(net, xs, 'rotate'), 'lieDerivative');
      assert.ok(relErr(probs, reverseModeLie((xx) => net.predict(xx) as tf.Tensor, xs, 'rotate')) < 1e-4, what);
      // Logits: the pre-activation of the head (for a fused activation, the Dense layer without it).
      const pre = net.layers[2];
      const zOf = (xx: tf.Tensor) => {
        const h = body.reduce((t, l) => l.apply(t) as tf.Tensor, xx);
        if (pre.getClassName() === 'Dense' && (pre.getConfig().activation as string) !== 'linear') {
          const [k, b] = pre.getWeights();
          return tf.add(tf.matMul(h as tf.Tensor2D, k as tf.Tensor2D), b);
        }
        return pre.apply(h) as tf.Tensor;
      };
      const logits = await lieVector(net, xs, 'rotate', { output: 'logits' });
      assert.ok(relErr(logits, reverseModeLie(zOf, xs, 'rotate')) < 1e-4, what);
      tf.dispose(xs);
      net.dispose();
    });
  }
});
