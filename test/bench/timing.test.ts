/**
 * bench/timing.ts: the sampling method of both benchmark sides (windows of back-to-back calls after
 * a warm-up until two calls agree), on a fake clock: each sample is the window's time over its
 * calls and images, every window lasts at least windowMs, the warm-up stops when stable (or when a
 * call is long), and the collector runs once before each window, never inside one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeWindows, warmedUp } from '../../bench/timing';

/** A fake clock and a "call" whose durations (ms) follow `durations`, then its last one. */
function fake(durations: number[]) {
  let t = 0;
  let i = 0;
  const log: string[] = [];
  return {
    now: () => t,
    run: async () => {
      t += durations[Math.min(i++, durations.length - 1)];
      log.push('call');
    },
    gc: () => log.push('gc'),
    log,
  };
}

describe('bench timing windows', () => {
  it('warms up until two calls agree, then samples windows of ≥ windowMs: ms per image = window / (calls · batch)', async () => {
    // Warm-up: 100 (cold), 30, 20, 20 → stable at the 4th call; then 20 ms calls, 60 ms windows → 3 calls each.
    const f = fake([100, 30, 20, 20, 20]);
    const r = await timeWindows(f.run, { reps: 4, batch: 8, windowMs: 60, gc: f.gc, now: f.now, maxWarmup: 10 });
    assert.equal(r.warmupCalls, 4);
    assert.deepEqual(r.callsPerSample, [3, 3, 3, 3]);
    assert.deepEqual(r.samples, [60 / 24, 60 / 24, 60 / 24, 60 / 24]);
  });

  it('runs the collector once before each window, never between the calls of one', async () => {
    const f = fake([10]);
    await timeWindows(f.run, { reps: 3, batch: 1, windowMs: 25, gc: f.gc, now: f.now });
    const timed = f.log.slice(f.log.indexOf('gc'));
    assert.deepEqual(timed, ['gc', 'call', 'call', 'call', 'gc', 'call', 'call', 'call', 'gc', 'call', 'call', 'call']);
  });

  it('times a call longer than the window once per sample, after a single warm-up call', async () => {
    const f = fake([5000, 3000, 3100]);
    const r = await timeWindows(f.run, { reps: 2, batch: 8, windowMs: 400, now: f.now });
    assert.equal(r.warmupCalls, 1);
    assert.deepEqual(r.callsPerSample, [1, 1]);
    assert.deepEqual(r.samples, [3000 / 8, 3100 / 8]);
  });

  it('stops warming up after maxWarmup calls or 2 windows when the calls never agree', async () => {
    const f = fake([10, 30, 10, 30, 10, 30, 10, 30]);
    const r = await timeWindows(f.run, { reps: 1, batch: 1, windowMs: 1000, now: f.now, maxWarmup: 3 });
    assert.equal(r.warmupCalls, 3);
    const g = fake([10, 60, 10, 60, 10, 60, 10, 60]);
    const s = await timeWindows(g.run, { reps: 1, batch: 1, windowMs: 50, now: g.now, maxWarmup: 10 });
    assert.equal(s.warmupCalls, 4, 'after the first call, 2 × 50 ms had passed at the end of the 4th (60 + 10 + 60)');
  });

  it('agreement is relative to the earlier call', () => {
    assert.equal(warmedUp([100], 0.1), false);
    assert.equal(warmedUp([100, 109], 0.1), true);
    assert.equal(warmedUp([100, 111], 0.1), false);
    assert.equal(warmedUp([50, 100, 91], 0.1), true);
  });
});
