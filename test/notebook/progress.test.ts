import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/errors';
import { progress } from '../../src/notebook/progress';
import { fakeKernel } from './fakeKernel';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } };
}

test('progress outside a kernel, not a terminal: one line per 10 % step and a final line', () => {
  const { writes, stream } = fakeStream(false);
  const p = progress(20, 'lee', { stream, minIntervalMs: 0 });
  for (let i = 0; i < 20; i++) p.tick();
  p.done();
  p.done(); // idempotent
  assert.equal(writes.length, 12, writes.join('')); // 0 %, ten steps of 10 %, final
  assert.match(writes[0], /^lee \[\.{24}\] 0\/20 0% /);
  assert.match(writes[writes.length - 1], /^lee \[#{24}\] 20\/20 100% [\d.]+s\n$/);
});

test('progress on a terminal redraws one line with \\r, throttled', () => {
  const { writes, stream } = fakeStream(true);
  const p = progress(1000, 'work', { stream, minIntervalMs: 60_000 });
  for (let i = 0; i < 1000; i++) p.tick();
  p.done();
  assert.equal(writes.length, 2, 'first draw and done only (throttle)');
  assert.ok(writes.every((w) => w.startsWith('\r')));
  assert.ok(writes[1].endsWith('\n'));
});

test('progress in a kernel: one output, then updates with the same display id', () => {
  const k = fakeKernel();
  try {
    const p = progress(4, 'groups', { minIntervalMs: 0 });
    p.update(2);
    p.tick(2);
    p.done();
    assert.equal(k.sent.length, 4);
    assert.equal(k.sent[0].update, false);
    assert.ok(k.sent.slice(1).every((m) => m.update));
    const ids = new Set(k.sent.map((m) => m.transient?.display_id));
    assert.equal(ids.size, 1);
    assert.match(String(k.sent[1].data['text/html']), /<progress value="2" max="4"/);
    assert.match(String(k.sent[3].data['text/plain']), /4\/4 100%/);
  } finally {
    k.restore();
  }
});

test('progress: total must be positive', () => {
  assert.throws(() => progress(0), InputError);
});
