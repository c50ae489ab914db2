/**
 * The conformance manifest (scripts/conformance/models.json) as issue 13 needs it: enough
 * classifiers measured on probs, logits and a named inner layer, each output told to `lee` and to
 * the oracle by the same name, and `contract.label` naming a node output as probs or logits.
 * Reads the committed manifest only (the npm cache of models is not needed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outputsOf, readManifest, type ModelEntry } from '../../scripts/conformance/manifest';

const manifest = readManifest();

describe('conformance manifest', () => {
  it('contract.label names a node output as probs or logits (a sigmoid head, one of several heads)', () => {
    const m = {
      id: 'm',
      contract: { output: 'head/Sigmoid', label: 'probs', measure: { node: 'head/Sigmoid' } },
      moreOutputs: [{ label: 'logits', output: 'head/BiasAdd', measure: { node: 'head/BiasAdd' } }],
    } as unknown as ModelEntry;
    assert.deepEqual(
      outputsOf(m).map((o) => [o.label, o.output]),
      [
        ['probs', 'head/Sigmoid'],
        ['logits', 'head/BiasAdd'],
      ],
    );
  });

  it('at least 10 models are measured on probs, logits and an inner node (issue 13)', () => {
    const full = manifest.models.filter((m) => {
      const labels = new Set(outputsOf(m).map((o) => o.label));
      return !m.expectRefusal && ['probs', 'logits', 'inner'].every((l) => labels.has(l as never));
    });
    assert.ok(full.length >= 10, `only ${full.length}: ${full.map((m) => m.id).join(', ')}`);
  });

  it("every named output is the oracle's node too, and no model measures one output twice", () => {
    for (const m of manifest.models) {
      const outs = outputsOf(m);
      assert.equal(new Set(outs.map((o) => o.output)).size, outs.length, `${m.id}: an output listed twice`);
      for (const o of outs) {
        if (o.output === 'probs' || o.output === 'logits' || m.expectRefusal) continue;
        // A named graph node: lee is told it, the oracle differentiates the same node.
        if (o.measure?.node !== undefined)
          assert.equal(o.measure.node, o.output, `${m.id}: lee measures '${o.output}', the oracle '${o.measure.node}'`);
        else assert.ok(o.measure?.layer, `${m.id}: output '${o.output}' has no node or layer for the oracle`);
      }
    }
  });

  it('a model with several outputs is never told just probs or logits (lee refuses: gear)', () => {
    const gear = manifest.models.find((m) => m.id === 'gear')!;
    for (const o of outputsOf(gear)) assert.ok(!['probs', 'logits'].includes(o.output), o.output);
  });
});
