import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { LiederivError, UnsupportedLayerError } from '../../src/errors';
import { jvp } from '../../src/jvp';
import {
  fallbackText,
  methodSupport,
  workingFallbacks,
  wrapTfjsError,
  type FallbackMethod,
} from '../../src/jvp/methodSupport';
import { loadModel } from '../../src/models/load';
import { setTestBackend } from '../helpers/backends';
import { runHere } from '../helpers/cli';
import { expectNoLeak } from '../helpers/noLeak';
import { attr, seededNormal, tinyGraph } from '../helpers/opGraph';
import { TOL } from '../helpers/tolerances';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'cases');
const RESIZE_MODEL = path.join(FIXTURES, 'graph-resize-bilinear', 'model.json');
const BASELINE = path.join(FIXTURES, 'baseline-x.npy');

/** Parses the flags workingFallbacks returns and runs that method on that backend: it must not throw. */
async function runCombo(model: tf.GraphModel | tf.LayersModel, combo: string, active: string): Promise<void> {
  const backend = /--backend (\w+)/.exec(combo)?.[1] ?? active;
  const method = /--method ([\w-]+)/.exec(combo)![1] as FallbackMethod;
  await setTestBackend(backend as 'cpu' | 'wasm');
  try {
    const shape = (model.inputs[0].shape as number[]).map((d, i) => (i === 0 || d < 0 ? 2 : d));
    const x = seededNormal(shape, 1);
    const d = jvp(model, x, tf.onesLike(x), { method });
    assert.ok(Number.isFinite(tf.sum(d.tangent).dataSync()[0]), `${combo}: non-finite tangent`);
    tf.dispose([x, d.primal, d.tangent]);
  } finally {
    await setTestBackend(active as 'cpu' | 'wasm');
  }
}

describe('graph-resize-bilinear (test/fixtures/cases): forward mode works and no suggested fallback crashes', () => {
  let model: tf.GraphModel;
  before(async () => {
    await setTestBackend('wasm');
    model = (await loadModel(RESIZE_MODEL)).net as tf.GraphModel;
  });

  it('lee: forward mode (the default) and the suggested fallback --method fd agree (wasm)', async () => {
    // The cases' README lists 2.712e-4, 2.854e-4, 1.260e-3, 3.321e-4: those are softmax ∘ softmax ∘ net
    // (main put a second softmax behind the graph's Softmax → Identity; test/jvp/measured.test.ts pins
    // the fix against reverse mode). With the graph's own softmax once, values are ~10× larger; fd at
    // h = 1e-3 still differs by ~2.5%, moving towards forward mode as h shrinks (ReLU kinks crossed
    // within ±h); the ResizeBilinear rule itself is pinned to 1e-5 by test/jvp/rules/ops/image.test.ts.
    const run = async (...extra: string[]) => {
      const r = await runHere([
        'lee',
        '--model',
        RESIZE_MODEL,
        '--images',
        BASELINE,
        '--groups',
        'rotate',
        '--format',
        'json',
        '--backend',
        'wasm',
        ...extra,
      ]);
      assert.equal(r.code, 0, r.err);
      return JSON.parse(r.out).rows.map((row: { lee: number }) => row.lee) as number[];
    };
    const fd = await run('--method', 'fd');
    const forward = await run();
    forward.forEach((v, i) =>
      assert.ok(Math.abs(v - fd[i]) / fd[i] < TOL.fdMethodVsForward, `image ${i}: forward ${v} vs fd ${fd[i]}`),
    );
  });

  it('double-vjp is refused on cpu and wasm, naming ResizeBilinearGrad; fd is supported on both', async () => {
    for (const backend of ['wasm', 'cpu']) {
      const dv = await methodSupport(model, 'double-vjp', backend);
      assert.equal(dv.ok, false, backend);
      assert.ok(
        dv.missing.some((m) => m.includes('ResizeBilinearGrad')),
        `${backend}: ${dv.missing}`,
      );
      const fd = await methodSupport(model, 'fd', backend);
      assert.deepEqual([fd.ok, fd.missing], [true, []], backend);
      assert.ok(fd.kernels.includes('ResizeBilinear'));
    }
    assert.equal(tf.getBackend(), 'wasm', 'the probe switches back');
  });

  it('workingFallbacks suggests only combinations that run, and never double-vjp here', async () => {
    const combos = await workingFallbacks(model, 'wasm');
    assert.deepEqual(combos, ['--method fd', '--backend cpu --method fd']);
    for (const combo of combos) await runCombo(model, combo, 'wasm');
    assert.match(fallbackText(combos), /`--backend cpu --method fd`/);
    // An UnsupportedLayerError rebuilt with the checked text names only these combinations.
    const e = new UnsupportedLayerError('resize/ResizeBilinear', 'ResizeBilinear', [], 'op', fallbackText(combos));
    assert.equal(e.kind, 'op');
    assert.ok(!/double-vjp/.test(e.message), e.message);
  });

  it('a failing double-vjp leaves no tensors behind (tfjs keeps its tape when a gradient is missing)', async () => {
    const x = seededNormal([1, 28, 28, 3], 2);
    const before = tf.memory().numTensors;
    assert.throws(() => jvp(model, x, x, { method: 'double-vjp' }), /ResizeBilinearGrad/);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });

  it('methodSupport leaves tf.memory().numTensors unchanged, also when the probe fails', async () => {
    await expectNoLeak(
      () => methodSupport(model, 'double-vjp', 'wasm').then(() => undefined),
      'methodSupport (failing probe)',
    );
    await expectNoLeak(() => methodSupport(model, 'fd', 'cpu').then(() => undefined), 'methodSupport (other backend)');
  });
});

describe('methodSupport on graphs whose fallbacks crash in tfjs 4.22', () => {
  before(() => setTestBackend('wasm'));

  it("Einsum: fd is refused on wasm (no 'Einsum' kernel) and offered on cpu; the offer runs", async () => {
    const m = await tinyGraph(
      [-1, 3, 4],
      [{ name: 'y', op: 'Einsum', input: ['x', 'w'], attr: { equation: attr.s('bij,jk->bik'), N: attr.i(2) } }],
      { w: seededNormal([4, 2], 3) },
    );
    const wasm = await methodSupport(m, 'fd', 'wasm');
    assert.equal(wasm.ok, false);
    assert.ok(
      wasm.missing.some((s) => s.includes("kernel 'Einsum'")),
      String(wasm.missing),
    );
    const combos = await workingFallbacks(m, 'wasm');
    assert.ok(combos.includes('--backend cpu --method fd'), String(combos));
    assert.ok(!combos.includes('--method fd'), String(combos));
    for (const combo of combos) await runCombo(m, combo, 'wasm');
    m.dispose();
  });

  it('StridedSlice: double-vjp is refused on cpu (no StridedSlice gradient)', async () => {
    const i32 = (v: number[]) => tf.tensor1d(v, 'int32');
    const m = await tinyGraph(
      [-1, 4, 6],
      [
        {
          name: 's',
          op: 'StridedSlice',
          input: ['x', 'b', 'e', 'st'],
          attr: { begin_mask: attr.i(1), end_mask: attr.i(1), Index: attr.type('DT_INT32') },
        },
        { name: 'y', op: 'Square', input: ['s'] },
      ],
      { b: i32([0, 1, 0]), e: i32([0, 3, 6]), st: i32([1, 1, 2]) },
    );
    const s = await methodSupport(m, 'double-vjp', 'cpu');
    assert.equal(s.ok, false);
    assert.ok(
      s.missing.some((x) => x.includes('StridedSlice')),
      String(s.missing),
    );
    const combos = await workingFallbacks(m, 'wasm');
    assert.ok(
      combos.every((c) => !c.includes('double-vjp')),
      String(combos),
    );
    m.dispose();
  });

  it('an unavailable backend is reported, not thrown', async () => {
    const m = await tinyGraph([-1, 3], [{ name: 'y', op: 'Square', input: ['x'] }]);
    const s = await methodSupport(m, 'fd', 'no-such-backend');
    assert.deepEqual([s.ok, s.missing.length], [false, 1]);
    m.dispose();
  });
});

describe('wrapTfjsError', () => {
  it("names what was done, the model, layer, method and backend, and keeps tfjs's first line", () => {
    const raw = new Error("Kernel 'Einsum' not registered for backend 'wasm'\n    at stack...");
    const e = wrapTfjsError(raw, {
      what: 'finite differences',
      model: 'vit-tiny',
      layer: 'attn/einsum (Einsum)',
      method: 'fd',
      backend: 'wasm',
      hint: fallbackText(['--backend cpu --method fd']),
    });
    assert.ok(e instanceof LiederivError);
    assert.equal(e.code, 'E_UNSUPPORTED');
    for (const part of [
      'finite differences',
      "model 'vit-tiny'",
      'attn/einsum (Einsum)',
      "method 'fd'",
      "backend 'wasm'",
      "kernel 'Einsum'",
      '--backend cpu --method fd',
    ])
      assert.ok(e.message.includes(part), `${part} missing from: ${e.message}`);
    assert.ok(!e.message.includes('at stack'), 'no stack trace in the message');
  });

  it('passes LiederivErrors through and labels other tfjs failures E_TFJS', () => {
    const mine = new LiederivError('already clear', 'E_INPUT');
    assert.equal(wrapTfjsError(mine, { what: 'x' }), mine);
    const e = wrapTfjsError(new Error('Error when checking : expected input to have 4 dimension(s)'), {
      what: 'loading',
      model: 'm',
      backend: 'cpu',
    });
    assert.equal(e.code, 'E_TFJS');
    assert.match(e.message, /loading \(model 'm', backend 'cpu'\) failed inside tfjs: Error when checking/);
  });
});
