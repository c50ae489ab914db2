/**
 * Checks on what an executed notebook printed, beyond "it ran": notebooks.test.ts reads the
 * notebook's HTML export and applies the checks named after it here. Each check returns the list
 * of failures (empty when the output is right), so test/notebooks/outputChecks.test.ts can show
 * that a wrong output fails.
 */
import { TOL } from '../helpers/tolerances';

/** The visible text of an nbconvert HTML export: tags dropped, entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

const num = String.raw`([0-9.]+(?:e[-+]?[0-9]+)?|NaN|Infinity)`;

/**
 * notebooks/08-your-own-model: the layer-wise decomposition telescopes on every backbone (Σ C_i and
 * the summed shares equal L f and ‖L f‖, and ‖L f‖ equals lee's own l2, within 1e-4); the Keras 3
 * file measures what the zoo's Keras 2 form does; the contracts printed for the GraphModels say what
 * the files say (NCHW detected from the input shape, −1..1 from the sidecar or option, 0..1 assumed
 * with a note otherwise); and each wrong choice was refused with a message naming the fix.
 */
export function checkOwnModel(text: string): string[] {
  const fail: string[] = [];
  const tele = [...text.matchAll(new RegExp(String.raw`telescoping (.+?): (\d+) steps.*?max ‖Σ C_i − L f‖/‖L f‖ = ${num}; max \|Σ shares − ‖L f‖\|/‖L f‖ = ${num}; ‖L f‖ vs lee \(l2\) = ${num}`, 'g'))];
  if (tele.length < 3) fail.push(`expected 3 'telescoping' lines (one per backbone), found ${tele.length}`);
  for (const t of tele) {
    const [, model, steps, sum, shares, vsLee] = t;
    if (Number(steps) < 20) fail.push(`${model}: only ${steps} steps decomposed`);
    for (const [what, v] of [['Σ C_i vs L f', sum], ['Σ shares vs ‖L f‖', shares], ['‖L f‖ vs lee', vsLee]] as const) {
      if (!(Number(v) <= TOL.notebookPrintedTelescoping)) fail.push(`${model}: ${what} = ${v}, expected ≤ ${TOL.notebookPrintedTelescoping}`);
    }
  }
  const keras = new RegExp(String.raw`keras3 vs zoo: max relative \|ΔLEE\| = ${num}`).exec(text);
  if (!keras) fail.push(`no 'keras3 vs zoo' line`);
  else if (!(Number(keras[1]) <= TOL.notebookPrintedTelescoping)) fail.push(`Keras 3 file and zoo model differ: max relative |ΔLEE| = ${keras[1]}`);

  const contract = (name: string) => new RegExp(String.raw`contract ${name}: layout (\w+) \(([^)]*)\); range (\S+) \(([^)]*\)?)\)`, 'g');
  const nchw = [...text.matchAll(contract('graph-nchw'))];
  if (nchw.length < 2) fail.push(`expected the NCHW graph's contract twice (as loaded, with its sidecar), found ${nchw.length}`);
  for (const m of nchw) if (m[1] !== 'NCHW' || !/channels second/.test(m[2])) fail.push(`graph-nchw: layout ${m[1]} (${m[2]}), expected NCHW detected from the input shape`);
  if (nchw[0] && !(nchw[0][3] === '0..1' && /^default/.test(nchw[0][4]))) fail.push(`graph-nchw as loaded: range ${nchw[0][3]} (${nchw[0][4]}), expected 0..1 by default`);
  if (nchw[1] && !(nchw[1][3] === '-1..1' && nchw[1][4] === 'sidecar')) fail.push(`graph-nchw with its sidecar: range ${nchw[1][3]} (${nchw[1][4]}), expected -1..1 (sidecar)`);
  const blaze = [...text.matchAll(contract('blazeface-front'))].map((m) => `${m[3]} (${m[4]})`);
  const wantBlaze = [/^0\.\.1 \(default/, /^-1\.\.1 \(option\)$/, /^-1\.\.1 \(sidecar\)$/];
  if (blaze.length !== 3 || !wantBlaze.every((re, i) => re.test(blaze[i]))) fail.push(`BlazeFace ranges guessed / option / sidecar: got ${JSON.stringify(blaze)}`);
  const mid = [...text.matchAll(contract('nsfwjs-mobilenet_v2_mid'))];
  if (mid.length !== 1 || mid[0][1] !== 'NHWC') fail.push(`nsfwjs-mobilenet_v2_mid: expected one NHWC contract line, got ${mid.map((m) => m[1]).join(', ') || 'none'}`);

  const refusals: Array<[string, RegExp]> = [
    ['no output named', /no output named → refused: InputError: .*has 4 outputs.*output: NAME/],
    ['sidecar typo', /typo in the sidecar → refused: FileFormatError: .*unknown field\(s\) input_range/],
    ['unknown range', /does not know → refused: FileFormatError: .*inputRange .*one of '?0\.\.1/],
    ['NCHW read as NHWC', /read as NHWC → refused: InputError: .*channels second: use layout auto/],
    ['unknown tensor', /does not exist → refused: UnknownNameError: /],
  ];
  for (const [what, re] of refusals) if (!re.test(text)) fail.push(`refusal '${what}' missing or without its fix`);
  if (!/The paper's claims at this scale:/.test(text)) fail.push(`no "The paper's claims at this scale" section`);
  return fail;
}

/** Output checks by notebook file name. */
export const OUTPUT_CHECKS: Record<string, (text: string) => string[]> = {
  '08-your-own-model.ipynb': checkOwnModel,
};
