/**
 * The measured-model contract (src/jvp/measured.ts, DESIGN §10) as a notebook shows it: one row per
 * part (layout, channels, size, range, mean/std, batch, output mode, measured tensor, softmax) with
 * the value and how it was decided, plus one summary line. Pure: returns rows and strings.
 */
import type { MeasuredModel } from '../jvp';

export interface ContractRow {
  part: string;
  value: string;
  'decided by': string;
}

const vec = (v: readonly number[]) => (v.every((x) => x === v[0]) ? String(v[0]) : `[${v.join(', ')}]`);

/** One row per contract part, in the order of F(x) = select(net(layout(preprocess(channels(x))))). */
export function contractRows(m: MeasuredModel): ContractRow[] {
  const p = m.provenance;
  const { input, output } = m;
  return [
    {
      part: 'channels',
      value: `${input.channels}${input.channels === 1 ? ' (luma of RGB input)' : ''}`,
      'decided by': p.channels ?? '',
    },
    {
      part: 'size',
      value: `${input.size[0] || 'any'}×${input.size[1] || 'any'}`,
      'decided by': 'the net (or inputSize)',
    },
    { part: 'range', value: input.range, 'decided by': p.inputRange ?? '' },
    { part: 'mean', value: vec(input.mean), 'decided by': p.mean ?? '' },
    { part: 'std', value: vec(input.std), 'decided by': p.std ?? '' },
    { part: 'layout', value: input.layout.toUpperCase(), 'decided by': p.layout ?? '' },
    { part: 'batch', value: input.batch === 'one' ? 'one image at a time' : 'free', 'decided by': p.batch ?? '' },
    { part: 'output', value: output.mode, 'decided by': p.output ?? '' },
    {
      part: 'tensor',
      value: output.tensor,
      'decided by': output.mode === 'tensor' ? 'named' : 'the model’s only output',
    },
    {
      part: 'softmax',
      value: output.softmax,
      'decided by':
        output.softmax === 'model'
          ? 'the model ends in one'
          : output.softmax === 'added'
            ? 'liederiv adds one over class scores'
            : 'none measured',
    },
  ];
}

/**
 * 'contract NAME: layout NCHW (detected: …); range -1..1 (sidecar); output probs, softmax model; measures …'
 * — the line notebook 08 prints and its test reads.
 */
export function contractLine(m: MeasuredModel): string {
  const p = m.provenance;
  return (
    `contract ${m.name}: layout ${m.input.layout.toUpperCase()} (${p.layout}); range ${m.input.range} (${p.inputRange}); ` +
    `output ${m.output.mode}, softmax ${m.output.softmax}; measures ${m.formula}`
  );
}
