/**
 * The one check of a measured-model contract value (DESIGN §10): `inputRange`, `layout`, `mean`,
 * `std`. Three routes give these values: a CLI option (src/cli/options.ts), a field of the
 * liederiv.json sidecar (src/models/load.ts) and a library argument (measuredModel). Each keeps its
 * own error class (UsageError, FileFormatError, InputError) and names its own source, but the
 * decision and the words for what was expected are made here once, so the same bad value is
 * refused the same way whichever route it came by.
 */

export const INPUT_RANGES = ['0..1', '0..255', '-1..1'] as const;
export type InputRange = (typeof INPUT_RANGES)[number];
export const LAYOUTS = ['auto', 'nhwc', 'nchw'] as const;
export type LayoutOption = (typeof LAYOUTS)[number];

export type ContractField = 'inputRange' | 'layout' | 'mean' | 'std';

/** The CLI option that sets each field (named by the sidecar's and the library's messages too). */
export const CONTRACT_FLAGS: Readonly<Record<ContractField, string>> = {
  inputRange: '--input-range',
  layout: '--layout',
  mean: '--mean',
  std: '--std',
};

const quoted = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/** What each field must be, in the words every route uses (the "expected …" of each refusal). */
export const CONTRACT_EXPECTED: Readonly<Record<ContractField, string>> = {
  inputRange: `one of ${quoted(INPUT_RANGES)} (with mean/std for other normalisations)`,
  layout: `one of ${quoted(LAYOUTS)} in lower case`,
  mean: '1 or 3 finite numbers (r, g, b; one value for all channels or a grey model)',
  std: '1 or 3 finite numbers > 0 (r, g, b; one value for all channels or a grey model)',
};

export interface ContractValues {
  inputRange?: InputRange;
  layout?: LayoutOption;
  mean?: number[];
  std?: number[];
}

/**
 * A checked value, or the sentence that refuses it: `<subject> <value> <what is wrong>; expected
 * <CONTRACT_EXPECTED>`. Test it with `r.ok === false`, not `!r.ok`: tslab compiles notebooks without strictNullChecks
 * (tsconfig.tslab.json), where a truthiness test does not narrow this union and `r.problem` fails
 * to type-check in every notebook.
 */
export type ContractCheck<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * Checks one contract value. `subject` names it as its source does (`--mean`, `mean`); `text`
 * (the command line) lets `mean`/`std` be given as comma-separated numbers ('0.5,0.5,0.5').
 * Never throws: the caller wraps `problem` in its own error class and adds where to fix it.
 */
export function checkContractValue<F extends ContractField>(
  field: F,
  value: unknown,
  subject: string,
  { text = false }: { text?: boolean } = {},
): ContractCheck<NonNullable<ContractValues[F]>> {
  // The command line's value as typed; JSON's spelling for the sidecar's and the library's values.
  const said = text && typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  const refuse = (what: string) => ({
    ok: false as const,
    problem: `${subject} ${said} ${what}; expected ${CONTRACT_EXPECTED[field]}`,
  });
  const ok = (v: unknown) => ({ ok: true as const, value: v as NonNullable<ContractValues[F]> });
  if (field === 'inputRange')
    return (INPUT_RANGES as readonly unknown[]).includes(value) ? ok(value) : refuse('is not a range liederiv knows');
  if (field === 'layout')
    return (LAYOUTS as readonly unknown[]).includes(value) ? ok(value) : refuse('is not a layout liederiv knows');
  let nums: unknown = value;
  if (text && typeof value === 'string') {
    const parts = value.split(',').map((p) => p.trim());
    nums = parts.some((p) => p === '') ? [Number.NaN] : parts.map(Number);
  }
  if (!Array.isArray(nums) || !nums.length || !nums.every((c) => typeof c === 'number' && Number.isFinite(c)))
    return refuse('must be a non-empty array of finite numbers');
  if (nums.length !== 1 && nums.length !== 3) return refuse(`has ${nums.length} values`);
  if (field === 'std' && (nums as number[]).some((c) => !(c > 0)))
    return refuse('must be positive (it divides the input)');
  return ok([...(nums as number[])]);
}
