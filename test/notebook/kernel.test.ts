import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inKernel, sendBundle } from '../../src/notebook/kernel';
import { fakeKernel } from './fakeKernel';

test('outside a kernel: inKernel is false, sendBundle sends nothing, tslab is never loaded', () => {
  assert.equal(inKernel(), false);
  assert.equal(sendBundle({ 'text/plain': 'x' }), false);
  assert.ok(!Object.keys(require.cache).some((f) => /[\\/]tslab[\\/]/.test(f)), 'tslab was required in plain Node');
});

test('in a (fake) tslab kernel: one message carries every mime type; updates keep the display id', () => {
  const k = fakeKernel();
  try {
    assert.equal(inKernel(), true);
    assert.equal(sendBundle({ 'text/html': '<b>x</b>', 'text/plain': 'x', 'application/json': { a: 1 } }), true);
    assert.deepEqual(k.sent[0], {
      data: { 'text/html': '<b>x</b>', 'text/plain': 'x', 'application/json': { a: 1 } },
      transient: undefined,
      update: false,
    });
    sendBundle({ 'text/plain': 'y' }, { displayId: 'abc', update: true });
    assert.deepEqual(k.sent[1].transient, { display_id: 'abc' });
    assert.equal(k.sent[1].update, true);
  } finally {
    k.restore();
  }
  assert.equal(inKernel(), false);
});

test('the real tslab exposes the writer we call (guards against a tslab upgrade renaming it)', () => {
  // Read the source rather than requiring it: loading tslab pulls in its TypeScript (slow).
  const src = require('node:fs').readFileSync(require.resolve('tslab/dist/jupyter.js'), 'utf8');
  assert.match(src, /exports\.lastWriteDisplayData = writeDisplayData/);
  assert.match(src, /update \? "update_display_data" : "display_data"/);
});
