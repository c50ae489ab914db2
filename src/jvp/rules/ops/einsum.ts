/**
 * Einsum: multilinear in its operands, so ẏ = Σ_i einsum(a_1, …, ȧ_i, …, a_n) (product rule),
 * each term an einsum with the tangent's direction axis as one more free subscript.
 *
 * tfjs-backend-wasm 4.22 registers no 'Einsum' kernel (nor does tfjs's executor fall back), so
 * the contraction is written here with Transpose, Reshape, Sum and BatchMatMul, which every
 * backend has: pairwise, the way TF's own EinsumOp reduces a two-operand einsum to a batched
 * matrix product (tensorflow/core/kernels/linalg/einsum_op_impl.h). On backends that do have the
 * kernel, the primal is tfjs's own `tf.einsum`, so it equals `model.execute` bit for bit.
 * Not supported (as in tfjs): ellipsis '...', a subscript repeated within one operand.
 */
import * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from '../../../errors';
import { registeredOps } from '../../registry';
import type { OpRule } from '../../types';
import { fold, isDual, primalOf } from './dual';

/** One operand: its tensor and one subscript letter per axis. */
interface Term {
  t: tf.Tensor;
  s: string;
}

export interface ParsedEquation {
  inputs: string[];
  output: string;
}

/** 'ij,jk->ik' → {inputs: ['ij', 'jk'], output: 'ik'}; an implicit output is the once-used letters, sorted (numpy's rule). */
export function parseEquation(equation: string, n: number, nodeName = 'Einsum'): ParsedEquation {
  const eq = equation.replace(/\s+/g, '');
  const unsupported = (why: string) =>
    new UnsupportedLayerError(nodeName, `Einsum '${equation}' (${why})`, registeredOps(), 'op');
  if (eq.includes('.')) throw unsupported('ellipsis is not supported');
  const [lhs, rhs] = eq.split('->');
  const inputs = lhs.split(',');
  if (inputs.length !== n) throw unsupported(`${inputs.length} operand subscripts for ${n} operands`);
  for (const s of inputs) {
    if (!/^[a-zA-Z]*$/.test(s)) throw unsupported(`subscripts must be letters, got '${s}'`);
    if (new Set(s).size !== s.length) throw unsupported(`subscript repeated within operand '${s}' (a diagonal)`);
  }
  let output = rhs;
  if (output === undefined) {
    const counts = new Map<string, number>();
    for (const c of inputs.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    output = [...counts]
      .filter(([, c]) => c === 1)
      .map(([l]) => l)
      .sort()
      .join('');
  }
  if (!/^[a-zA-Z]*$/.test(output) || new Set(output).size !== output.length)
    throw unsupported(`bad output subscripts '${output}'`);
  for (const c of output)
    if (!inputs.some((s) => s.includes(c))) throw unsupported(`output subscript '${c}' appears in no operand`);
  return { inputs, output };
}

/** Sums the axes of `term` whose letters are not in `keep`. */
function sumOut(term: Term, keep: Set<string>): Term {
  const axes = [...term.s].map((c, i) => (keep.has(c) ? -1 : i)).filter((i) => i >= 0);
  if (!axes.length) return term;
  return { t: tf.sum(term.t, axes), s: [...term.s].filter((c) => keep.has(c)).join('') };
}

function permuteTo(term: Term, order: string): tf.Tensor {
  const perm = [...order].map((c) => term.s.indexOf(c));
  return perm.every((p, i) => p === i) ? term.t : tf.transpose(term.t, perm);
}

/** Contracts two terms, keeping the letters in `keep`, as one batched matrix product. */
function contractPair(a: Term, b: Term, keep: Set<string>): Term {
  const inB = new Set(b.s);
  const inA = new Set(a.s);
  const batch = [...a.s].filter((c) => inB.has(c) && keep.has(c));
  const contracted = [...a.s].filter((c) => inB.has(c) && !keep.has(c));
  const freeA = [...a.s].filter((c) => !inB.has(c));
  const freeB = [...b.s].filter((c) => !inA.has(c));
  const size = (t: Term, letters: string[]) => letters.reduce((n, c) => n * t.t.shape[t.s.indexOf(c)], 1);
  const dimsOf = (t: Term, letters: string[]) => letters.map((c) => t.t.shape[t.s.indexOf(c)]);
  const a3 = tf.reshape(permuteTo(a, [...batch, ...freeA, ...contracted].join('')), [
    size(a, batch),
    size(a, freeA),
    size(a, contracted),
  ]);
  const b3 = tf.reshape(permuteTo(b, [...batch, ...contracted, ...freeB].join('')), [
    size(b, batch),
    size(b, contracted),
    size(b, freeB),
  ]);
  const y = tf.matMul(a3, b3);
  return {
    t: tf.reshape(y, [...dimsOf(a, batch), ...dimsOf(a, freeA), ...dimsOf(b, freeB)]),
    s: [...batch, ...freeA, ...freeB].join(''),
  };
}

/**
 * einsum over any number of operands with forward ops only (no 'Einsum' kernel): letters no later
 * operand or the output needs are summed out as early as possible, then operands are contracted
 * left to right. Shapes follow the subscripts; sizes of a shared letter must agree.
 */
export function einsumDecomposed(eq: ParsedEquation, tensors: tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => {
    const terms: Term[] = tensors.map((t, i) => ({ t, s: eq.inputs[i] }));
    const needed = (from: number) => new Set([...eq.output, ...eq.inputs.slice(from).join('')]);
    let acc = sumOut(terms[0], needed(1));
    for (let i = 1; i < terms.length; i++) {
      const keep = needed(i + 1);
      const next = sumOut(terms[i], new Set([...keep, ...acc.s]));
      acc = contractPair(acc, next, keep);
      acc = sumOut(acc, keep);
    }
    acc = sumOut(acc, new Set(eq.output));
    return permuteTo(acc, eq.output);
  });
}

/**
 * Whether tfjs's own einsum computes this equation right: it needs the backend's 'Einsum' kernel,
 * and tfjs 4.22 keeps (does not sum) a letter that occurs in only one operand and not in the output
 * ('bij,bjk->b' comes out [b, k]) takes at most two operands and needs an explicit '->'; other equations use the decomposition.
 */
function tfjsEinsumHandles(eq: ParsedEquation, equation: string): boolean {
  if (!equation.includes('->')) return false; // tfjs: no implicit output
  if (tf.getKernel('Einsum', tf.getBackend()) === undefined || eq.inputs.length > 2) return false; // tfjs: at most 2 operands
  const all = eq.inputs.join('');
  return [...all].every((c) => eq.output.includes(c) || all.indexOf(c) !== all.lastIndexOf(c));
}

/** A letter no subscript of `eq` uses, for the tangent's direction axis. */
function freshLetter(eq: ParsedEquation): string {
  const used = new Set([...eq.inputs.join(''), ...eq.output]);
  const letter = [...'zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA'].find((c) => !used.has(c));
  if (!letter) throw new Error('Einsum rule: no free subscript letter left for the direction axis');
  return letter;
}

export const einsumRule: OpRule = {
  op: 'Einsum',
  jvp: ({ inputs, attrs, k, name }) => {
    const operands = inputs.filter((v) => v !== undefined);
    const eq = parseEquation(String(attrs.equation), operands.length, name);
    const primals = operands.map(primalOf);
    const primal = tfjsEinsumHandles(eq, String(attrs.equation))
      ? tf.einsum(String(attrs.equation), ...primals)
      : einsumDecomposed(eq, primals);
    const tangent = tf.tidy(() => {
      const d = freshLetter(eq);
      const withDirection: ParsedEquation = { inputs: eq.inputs, output: d + eq.output };
      let sum: tf.Tensor | undefined;
      operands.forEach((v, i) => {
        if (!isDual(v)) return;
        const unfolded = tf.reshape(v.tangent, [k, ...v.primal.shape]);
        const ins = eq.inputs.map((s, j) => (j === i ? d + s : s));
        const term = einsumDecomposed(
          { ...withDirection, inputs: ins },
          primals.map((p, j) => (j === i ? unfolded : p)),
        );
        sum = sum ? tf.add(sum, term) : term;
      });
      return fold(sum!);
    });
    return [{ primal, tangent }];
  },
};
