import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedLayerError } from '../../../../src/errors';
import { einsumDecomposed, parseEquation } from '../../../../src/jvp/rules/ops/einsum';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { attr, seededNormal } from '../../../helpers/opGraph';
import { oracleSuite, type OracleCase } from '../../../helpers/reverseOracle';
import { TOL } from '../../../helpers/tolerances';

// tfjs has no gradient for Einsum, so each case's oracle is reverse mode (tf.grad on cpu) through an
// equivalent graph of BatchMatMulV2 / Mul / Sum / Transpose written out by hand. Bilinear maps: only
// round-off remains (≈ 1e-6 rel.); tol 1e-4. wasm has no Einsum kernel: the rule's own decomposition runs there.
const einsum = (equation: string, input: string[]) => ({
  name: 'y',
  op: 'Einsum',
  input,
  attr: { equation: attr.s(equation), N: attr.i(input.length) },
});
const i32 = (v: number[]) => tf.tensor1d(v, 'int32');

const cases: OracleCase[] = [
  {
    what: "Einsum 'bij,jk->bik' (x times a constant weight)",
    shape: [2, 3, 4],
    nodes: [einsum('bij,jk->bik', ['x', 'w'])],
    oracleNodes: [
      { name: 'y', op: 'BatchMatMulV2', input: ['x', 'w'], attr: { adj_x: attr.b(false), adj_y: attr.b(false) } },
    ],
    consts: { w: seededNormal([4, 5], 7) },
  },
  {
    what: "Einsum 'bqd,bkd->bqk' (attention scores, both factors from x)",
    shape: [2, 3, 4],
    nodes: [einsum('bqd,bkd->bqk', ['x', 'x'])],
    oracleNodes: [
      { name: 'y', op: 'BatchMatMulV2', input: ['x', 'x'], attr: { adj_x: attr.b(false), adj_y: attr.b(true) } },
    ],
  },
  {
    what: "Einsum 'bij,bij->b' (a per-image inner product, output without the other letters)",
    shape: [2, 3, 4],
    nodes: [{ name: 's', op: 'Square', input: ['x'] }, einsum('bij,bij->b', ['x', 's'])],
    oracleNodes: [
      { name: 's', op: 'Square', input: ['x'] },
      { name: 'p', op: 'Mul', input: ['x', 's'] },
      { name: 'y', op: 'Sum', input: ['p', 'axes'], attr: { keep_dims: attr.b(false) } },
    ],
    consts: { axes: i32([1, 2]) },
  },
  {
    what: "Einsum 'bhwc,cd->bdhw' (a 1×1 conv with the output transposed)",
    shape: [2, 2, 3, 4],
    nodes: [einsum('bhwc,cd->bdhw', ['x', 'w'])],
    oracleNodes: [
      { name: 'm', op: 'BatchMatMulV2', input: ['x', 'w'], attr: { adj_x: attr.b(false), adj_y: attr.b(false) } },
      { name: 'y', op: 'Transpose', input: ['m', 'perm'] },
    ],
    consts: { w: seededNormal([4, 3], 8), perm: i32([0, 3, 1, 2]) },
  },
];

oracleSuite('Einsum rule', cases, TEST_BACKENDS, 1e-4);

describe('einsumDecomposed (forward ops only) equals tf.einsum on cpu', () => {
  it('on matrix, batched, transposed, summed-out and three-operand equations', async () => {
    await setTestBackend('cpu');
    const a = seededNormal([2, 3, 4], 1);
    const b = seededNormal([2, 4, 5], 2);
    const c = seededNormal([5, 6], 3);
    for (const [eq, ops] of [
      ['bij,bjk->bik', [a, b]],
      ['bij,bjk->kib', [a, b]],
      ['bij,bjk->bi', [a, b]],
      ['bij->jb', [a]],
      ['bij,bjk->bik', [a, b]],
    ] as Array<[string, tf.Tensor[]]>) {
      const want = tf.einsum(eq, ...ops);
      const got = einsumDecomposed(parseEquation(eq, ops.length), ops);
      assert.deepEqual(got.shape, want.shape, eq);
      const diff = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0];
      assert.ok(diff < TOL.float32Reordered, `${eq}: max |decomposed − tf.einsum| = ${diff}`);
      tf.dispose([want, got]);
    }
    const implicit = einsumDecomposed(parseEquation('bij,bjk', 2), [a, b]); // numpy: once-used letters, sorted = 'ik' (b is summed)
    const explicit = tf.sum(tf.einsum('bij,bjk->bik', a, b), 0);
    assert.ok(tf.max(tf.abs(tf.sub(implicit, explicit))).dataSync()[0] < TOL.float32Reordered, 'implicit output');
    tf.dispose([implicit, explicit]);
    const three = einsumDecomposed(parseEquation('bij,bjk,kl->bil', 3), [a, b, c]);
    const pairwise = tf.einsum('bik,kl->bil', tf.einsum('bij,bjk->bik', a, b), c);
    assert.ok(tf.max(tf.abs(tf.sub(three, pairwise))).dataSync()[0] < TOL.jvpVsOracle, 'three operands');
    tf.dispose([a, b, c, three, pairwise]);
  });

  it("sums a letter that only one operand has ('bij,bjk->b' = Σ_ijk a·b), where tfjs 4.22's einsum keeps it", async () => {
    await setTestBackend('cpu');
    const a = seededNormal([2, 3, 4], 1);
    const b = seededNormal([2, 4, 5], 2);
    const got = einsumDecomposed(parseEquation('bij,bjk->b', 2), [a, b]);
    const want = tf.sum(tf.matMul(a, b), [1, 2]);
    assert.deepEqual(got.shape, [2]);
    assert.ok(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] < TOL.float32Reordered);
    assert.deepEqual(
      tf.einsum('bij,bjk->b', a, b).shape,
      [2, 5],
      'tfjs einsum fixed? then tfjsEinsumHandles may use it again',
    );
    tf.dispose([a, b, got, want]);
  });

  it('refuses ellipsis and repeated subscripts by name', () => {
    assert.throws(
      () => parseEquation('...ij,jk->...ik', 2, 'attn/einsum'),
      (e: Error) => e instanceof UnsupportedLayerError && /attn\/einsum/.test(e.message) && /ellipsis/.test(e.message),
    );
    assert.throws(
      () => parseEquation('ii->i', 1),
      (e: Error) => e instanceof UnsupportedLayerError && /repeated/.test(e.message),
    );
  });
});
