// Token buckets per caller: limits, refill, and a bounded memory under a flood of callers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedRateLimiter } from './keyed-rate-limiter.ts';

test('a caller gets perMinute requests, then a retry-after, then tokens back as time passes', () => {
  let t = 0;
  const limiter = new KeyedRateLimiter({ perMinute: 3, now: () => t });
  for (let i = 0; i < 3; i++) assert.deepEqual(limiter.take('a'), { ok: true });
  assert.deepEqual(limiter.take('a'), { ok: false, retryAfterS: 20 });
  assert.deepEqual(limiter.take('b'), { ok: true }, 'another caller has its own bucket');
  t += 20_000;
  assert.deepEqual(limiter.take('a'), { ok: true });
  assert.equal(limiter.take('a').ok, false);
});

test('a flood of distinct callers keeps at most maxKeys buckets, forgetting the least recent', () => {
  const limiter = new KeyedRateLimiter({ perMinute: 1, maxKeys: 100, now: () => 0 });
  assert.equal(limiter.take('victim').ok, true);
  for (let i = 0; i < 99; i++) limiter.take(`flood-${i}`);
  assert.equal(limiter.take('victim').ok, false, 'still remembered: seen within the last 100');
  for (let i = 0; i < 10_000; i++) limiter.take(`flood2-${i}`);
  assert.equal(limiter.size, 100);
});

test('peek says whether a token is there without taking one or remembering a new caller', () => {
  let t = 0;
  const limiter = new KeyedRateLimiter({ perMinute: 2, now: () => t });
  assert.deepEqual(limiter.peek('stranger'), { ok: true });
  assert.equal(limiter.size, 0, 'peeking stores nothing');
  limiter.take('a');
  limiter.take('a');
  assert.deepEqual(limiter.peek('a'), { ok: false, retryAfterS: 30 });
  assert.deepEqual(limiter.peek('a'), { ok: false, retryAfterS: 30 }, 'peeking took nothing');
  t += 30_000;
  assert.deepEqual(limiter.peek('a'), { ok: true });
  assert.deepEqual(limiter.take('a'), { ok: true });
});
