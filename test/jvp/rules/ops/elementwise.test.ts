import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { assertGraphJvp, attr, tinyGraph, type TinyNode } from '../../../helpers/opGraph';
import { TOL } from '../../../helpers/tolerances';

// Smooth ops: h = 1e-2 with N(0,1) inputs kept ≥ 0.5 away from 0 (Log/Sqrt/Rsqrt get |x| + 0.5
// through Abs first... see below); truncation h²·|f'''|/6 ≲ 1e-4·|f'|, round-off ≈ 1e-5: tol 2e-3
// (JAX's float32 check_jvp tolerance). Kinked ops (Relu, Maximum, ...) are exact away from kinks:
// the margin 0.1 ≫ h = 1e-3 keeps every FD step on one side.
const SMOOTH = { h: TOL.fdStepLinear, tol: TOL.fdRelNonlinear };
const KINKED = { h: TOL.fdStepSmooth, tol: TOL.fdRelNonlinear, margin: 0.1 };

const unary = (op: string, extra: Record<string, unknown> = {}): TinyNode[] => [
  { name: 'y', op, input: ['x'], attr: extra },
];
// Positive-domain ops see Abs(x) + 0.5 ∈ [0.5, ∞) (margin keeps |x| ≥ 0.1 so Abs is smooth there).
const positive = (op: string): TinyNode[] => [
  { name: 'ax', op: 'Abs', input: ['x'] },
  { name: 'px', op: 'AddV2', input: ['ax', 'half'] },
  { name: 'y', op, input: ['px'] },
];

for (const backend of TEST_BACKENDS) {
  describe(`elementwise op rules (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('hand-checked: Mul with both operands from x uses the product rule', async () => {
      // y = x ⊙ (x·c) with c = 3: ẏ = ẋ·(3x) + x·(3ẋ) = 6·x·ẋ = 6·2·0.5 = 6.
      const m = await tinyGraph(
        [-1, 1],
        [
          { name: 'xc', op: 'Mul', input: ['x', 'c'] },
          { name: 'y', op: 'Mul', input: ['x', 'xc'] },
        ],
        { c: tf.tensor1d([3]) },
      );
      const x = tf.tensor2d([[2]]);
      const v = tf.tensor2d([[0.5]]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual([primal.dataSync()[0], tangent.dataSync()[0]], [12, 6]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    it('hand-checked: Softmax-free RealDiv a/b with both from x: d(x/(x+1)) = ẋ/(x+1)² = 1/9 at x = 2', async () => {
      const m = await tinyGraph(
        [-1, 1],
        [
          { name: 'den', op: 'AddV2', input: ['x', 'one'] },
          { name: 'y', op: 'RealDiv', input: ['x', 'den'] },
        ],
        { one: tf.tensor1d([1]) },
      );
      const x = tf.tensor2d([[2]]);
      const v = tf.tensor2d([[1]]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.ok(Math.abs(tangent.dataSync()[0] - 1 / 9) < TOL.float32Ulp);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    for (const op of [
      'Add',
      'AddV2',
      'BiasAdd',
      'Sub',
      'Mul',
      'RealDiv',
      'Div',
      'Maximum',
      'Minimum',
      'SquaredDifference',
    ]) {
      it(`${op}: x ∘ const (broadcast) and x ∘ f(x) match central differences, k = 2`, async () => {
        // b1: a per-channel constant (broadcast); b2 = Tanh(x)+2 depends on x (bilinear/product rules).
        const m = await tinyGraph(
          [-1, 3, 4],
          [
            { name: 't', op: 'Tanh', input: ['x'] },
            { name: 'b2', op: 'AddV2', input: ['t', 'two'] },
            { name: 'y1', op, input: ['x', 'b1'] },
            { name: 'y', op: op === 'BiasAdd' ? 'AddV2' : op, input: ['y1', 'b2'] },
          ],
          { b1: tf.tensor1d([0.5, -1.5, 2, 3]), two: tf.scalar(2) },
        );
        const kinked = op === 'Maximum' || op === 'Minimum';
        assertGraphJvp(m, [2, 3, 4], {
          ...(kinked ? { h: TOL.fdStepSmooth, tol: TOL.fdRelNonlinear } : SMOOTH),
          seed: 21,
          what: op,
        });
        m.dispose();
      });
    }

    it('AddN of three x-dependent terms matches central differences', async () => {
      const m = await tinyGraph(
        [-1, 5],
        [
          { name: 's', op: 'Square', input: ['x'] },
          { name: 'y', op: 'AddN', input: ['x', 's', 'x'], attr: { N: attr.i(3) } },
        ],
      );
      assertGraphJvp(m, [3, 5], { ...SMOOTH, what: 'AddN' });
      m.dispose();
    });

    for (const op of ['Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Abs']) {
      it(`${op} matches central differences away from its kinks`, async () => {
        // Scale x by 4 so Relu6's upper kink at 6 is also exercised.
        const m = await tinyGraph(
          [-1, 4, 5],
          [
            { name: 'sx', op: 'Mul', input: ['x', 'four'] },
            ...unary(op, op === 'LeakyRelu' ? { alpha: attr.f(0.3) } : {}).map((n) => ({ ...n, input: ['sx'] })),
          ],
          { four: tf.scalar(4) },
        );
        assertGraphJvp(m, [2, 4, 5], { ...KINKED, what: op });
        m.dispose();
      });
    }

    for (const op of ['Sigmoid', 'Tanh', 'Softplus', 'Exp', 'Square', 'Neg']) {
      it(`${op} matches central differences`, async () => {
        const m = await tinyGraph([-1, 4, 5], unary(op));
        assertGraphJvp(m, [2, 4, 5], { ...SMOOTH, what: op });
        m.dispose();
      });
    }

    for (const op of ['Log', 'Sqrt', 'Rsqrt']) {
      it(`${op} (on |x| + 0.5) matches central differences`, async () => {
        const m = await tinyGraph([-1, 4, 5], positive(op), { half: tf.scalar(0.5) });
        assertGraphJvp(m, [2, 4, 5], { ...SMOOTH, margin: 0.1, what: op });
        m.dispose();
      });
    }

    it('Prelu with per-channel (negative) slopes matches central differences', async () => {
      const m = await tinyGraph([-1, 3, 4], [{ name: 'y', op: 'Prelu', input: ['x', 'alpha'] }], {
        alpha: tf.tensor1d([0.2, -0.5, 1.5, 0]),
      });
      assertGraphJvp(m, [2, 3, 4], { ...KINKED, what: 'Prelu' });
      m.dispose();
    });
  });
}
