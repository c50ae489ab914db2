import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as math from 'mathjs';
import { InputError } from '../../src/errors';
import { isLatex, latex } from '../../src/notebook/latex';

test('latex: a matrix becomes a pmatrix, −0 prints as 0, tiny entries use ×10^', () => {
  // The rotate generator's field (v, −u) in homogeneous form (DESIGN §2).
  assert.equal(
    latex([
      [0, 1, 0],
      [-1, -0, 0],
    ]),
    '$$\\begin{pmatrix} 0 & 1 & 0 \\\\ -1 & 0 & 0 \\end{pmatrix}$$',
  );
  assert.equal(
    latex([[1.5e-7, 0.5]], { name: 'G' }),
    '$$G = \\begin{pmatrix} 1.5 \\times 10^{-7} & 0.5 \\end{pmatrix}$$',
  );
});

test('latex: mathjs matrices and expressions', () => {
  const k = math.multiply(
    1 / Math.sqrt(3),
    math.matrix([
      [0, -1, 1],
      [1, 0, -1],
      [-1, 1, 0],
    ]),
  );
  assert.equal(
    latex(k as math.Matrix),
    '$$\\begin{pmatrix} 0 & -0.5774 & 0.5774 \\\\ 0.5774 & 0 & -0.5774 \\\\ -0.5774 & 0.5774 & 0 \\end{pmatrix}$$',
  );
  assert.equal(latex('exp(t*G)'), `$$${math.parse('exp(t*G)').toTex()}$$`);
  assert.ok(isLatex(latex([[1]])));
  assert.equal(isLatex('$5 and $6'), false);
});

test('latex: non-numeric entries are an InputError', () => {
  assert.throws(() => latex([['a' as unknown as number]]), InputError);
});
