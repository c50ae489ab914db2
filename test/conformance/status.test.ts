/**
 * The conformance suite's verdicts (scripts/conformance/status.ts) and the manifest's output list:
 * pure functions, no models. Each case is one of the rules the committed table relies on.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { outputsOf, type ModelEntry } from '../../scripts/conformance/manifest';
import { imageCount, modelStatus, outputStatus, relativise, type OutputResult } from '../../scripts/conformance/status';
import { TOL as T } from '../helpers/tolerances';

const TOL = T.conformanceLeeVsOracle;
const wasm = (relError: number) => ({ relError, images: 3, checked: 2, of: 2, coverage: 1, probes: 0, seconds: 1 });
const out = (over: Partial<OutputResult> = {}): OutputResult => ({ label: 'logits', output: 'logits', ...over });

describe('outputStatus', () => {
  it('ok when lee agrees with the wasm oracle and, where it ran, the cpu pair agrees; the spread is not judged', () => {
    assert.equal(outputStatus(out({ wasm: wasm(2e-6) }), TOL).status, 'ok');
    assert.equal(
      outputStatus(out({ wasm: wasm(2e-6), cpu: { relError: 5e-7, seconds: 1 }, spread: 1.5e-3 }), TOL).status,
      'ok',
    );
  });
  it('FAIL when lee disagrees with the oracle on its own backend (wasm or cpu), naming which', () => {
    const w = outputStatus(out({ wasm: wasm(2e-3) }), TOL);
    assert.equal(w.status, 'FAIL');
    assert.match(w.detail!, /lee \(wasm\) disagrees with the reverse-mode oracle on wasm: rel\. error 2\.00e-3/);
    const c = outputStatus(out({ wasm: wasm(1e-6), cpu: { relError: 5e-3, seconds: 1 } }), TOL);
    assert.equal(c.status, 'FAIL');
    assert.match(c.detail!, /lee \(cpu\) disagrees with the reverse-mode oracle on cpu/);
    assert.equal(
      outputStatus(out({ wasm: wasm(Number.NaN) }), TOL).status,
      'FAIL',
      'NaN is never within the tolerance',
    );
  });
  it('ill-conditioned (unchecked, named) when the two oracles disagree beyond the tolerance themselves', () => {
    const r = outputStatus(
      out({ wasm: wasm(2.3e-3), cpu: { relError: 1.2e-3, seconds: 1 }, oracleSpread: 3.3e-3 }),
      TOL,
    );
    assert.equal(r.status, 'unchecked');
    assert.match(r.detail!, /ill-conditioned in float32: the wasm and cpu oracles disagree by 3\.30e-3/);
    // Oracles that agree with each other leave a disagreement of lee a FAIL.
    assert.equal(outputStatus(out({ wasm: wasm(2.3e-3), oracleSpread: 1e-6 }), TOL).status, 'FAIL');
  });
  it('without the wasm oracle: ok only if the cpu pair agrees and the wasm lee is within the tolerance of the cpu oracle', () => {
    assert.equal(
      outputStatus(out({ wasmError: 'no gradient', cpu: { relError: 1e-6, seconds: 1 }, spread: 2e-6 }), TOL).status,
      'ok',
    );
    const u = outputStatus(
      out({ wasmError: 'no gradient for X', cpu: { relError: 1e-6, seconds: 1 }, spread: 5e-3 }),
      TOL,
    );
    assert.equal(u.status, 'unchecked');
    assert.match(u.detail!, /no gradient for X/);
  });
  it('unchecked when no oracle ran, with both reasons; refused / FAIL for typed / untyped lee errors', () => {
    const u = outputStatus(
      out({ wasmError: 'gradient function not found for Foo', cpuSkipped: 'above the size cap' }),
      TOL,
    );
    assert.equal(u.status, 'unchecked');
    assert.match(u.detail!, /Foo.*size cap/);
    assert.equal(outputStatus(out({ leeError: { typed: true, message: 'int32 input' } }), TOL).status, 'refused');
    assert.deepEqual(outputStatus(out({ leeError: { typed: false, message: 'TypeError: x' } }), TOL), {
      status: 'FAIL',
      detail: 'lee crashed: TypeError: x',
    });
  });
});

describe('modelStatus', () => {
  const ok = out({ wasm: wasm(1e-6) });
  it('ok only when every output is ok; any FAIL fails the model; any unchecked output leaves it unchecked', () => {
    assert.equal(modelStatus([ok, { ...ok, label: 'inner' }], TOL).status, 'ok');
    const f = modelStatus([ok, out({ label: 'inner', wasm: wasm(0.5) })], TOL);
    assert.equal(f.status, 'FAIL');
    assert.match(f.detail!, /^inner:/);
    assert.equal(modelStatus([ok, out({ label: 'inner', wasmError: 'e', cpuSkipped: 's' })], TOL).status, 'unchecked');
  });
  it('a refusal of the first output refuses the model; of a further output it is kept in the detail', () => {
    assert.deepEqual(modelStatus([out({ leeError: { typed: true, message: 'has 3 outputs' } })], TOL), {
      status: 'refused',
      detail: 'has 3 outputs',
    });
    const r = modelStatus(
      [ok, out({ label: 'probs', leeError: { typed: true, message: 'probs needs ≥ 2 components' } })],
      TOL,
    );
    assert.equal(r.status, 'ok');
    assert.match(r.detail!, /probs \(probs needs/);
  });
  it('expectRefusal: refused when the library refuses, FAIL when it measures or crashes', () => {
    assert.equal(
      modelStatus([out({ leeError: { typed: true, message: 'int32' } })], TOL, 'int32 input').status,
      'refused',
    );
    assert.match(modelStatus([ok], TOL, 'int32 input').detail!, /returned numbers for a model it cannot measure/);
    assert.match(
      modelStatus([out({ leeError: { typed: false, message: 'boom' } })], TOL, 'int32 input').detail!,
      /crashed instead of refusing/,
    );
  });
});

describe('relativise and the manifest outputs', () => {
  const root = path.join(path.sep, 'work', 'repo');
  it('makes repository paths relative and an outside cache <cache>', () => {
    assert.equal(
      relativise(`${root}/.cache/conformance/packages/a/model.json: not found`, root, `${root}/.cache/conformance`),
      '.cache/conformance/packages/a/model.json: not found',
    );
    assert.equal(
      relativise(`/tmp/scratch/packages/a/model.json and ${root}/src/x.ts`, root, '/tmp/scratch'),
      '<cache>/packages/a/model.json and src/x.ts',
    );
    assert.equal(relativise('no paths here', root), 'no paths here');
    assert.ok(!relativise(`in ${root}`, root).includes(root));
  });
  it('outputsOf: the contract output first (labelled probs/logits/output), then moreOutputs in order', () => {
    const m = {
      id: 'm',
      contract: { output: 'Identity_2', measure: { node: 'Identity_2' } },
      moreOutputs: [{ label: 'inner', output: 'add_3', measure: { node: 'add_3' } }],
    } as unknown as ModelEntry;
    assert.deepEqual(
      outputsOf(m).map((o) => [o.label, o.output, o.measure?.node]),
      [
        ['output', 'Identity_2', 'Identity_2'],
        ['inner', 'add_3', 'add_3'],
      ],
    );
    assert.equal(
      outputsOf({ ...m, contract: { ...m.contract, output: 'probs' }, moreOutputs: undefined } as ModelEntry)[0].label,
      'probs',
    );
  });
  it('imageCount: one image above the big-model size, all below', () => {
    assert.equal(imageCount([224, 224], 3, 256 * 256), 3);
    assert.equal(imageCount([299, 299], 3, 256 * 256), 1);
  });
});
