/**
 * Registers every GraphModel op rule — the only module under rules/ops with side effects.
 * `import './rules/ops'` (or this file) once before calling jvpGraphModel; importing it again is a
 * no-op (Node caches modules), while registering the same op twice anywhere else throws.
 * Every exported OpRule of the files below is registered; keep the list sorted.
 */
import { registerOpRule } from '../../registry';
import type { OpRule } from '../../types';
import * as batchNorm from './batchNorm';
import * as conv2d from './conv2d';
import * as depthwiseConv2d from './depthwiseConv2d';
import * as einsum from './einsum';
import * as elementwise from './elementwise';
import * as image from './image';
import * as math from './math';
import * as matMul from './matMul';
import * as normalization from './normalization';
import * as pooling from './pooling';
import * as reduction from './reduction';
import * as shape from './shape';
import * as softmax from './softmax';
import * as structure from './structure';

const RULE_FILES: Record<string, Record<string, unknown>> = {
  batchNorm,
  conv2d,
  depthwiseConv2d,
  einsum,
  elementwise,
  image,
  math,
  matMul,
  normalization,
  pooling,
  reduction,
  shape,
  softmax,
  structure,
};

function isOpRule(v: unknown): v is OpRule {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as OpRule).op === 'string' &&
    typeof (v as OpRule).jvp === 'function'
  );
}

/** Every built-in op rule with the file it comes from, in file order. */
export const OP_RULES: ReadonlyArray<{ file: string; rule: OpRule }> = Object.entries(RULE_FILES).flatMap(
  ([file, mod]) =>
    Object.values(mod)
      .filter(isOpRule)
      .map((rule) => ({ file, rule })),
);

for (const { rule } of OP_RULES) registerOpRule(rule);
