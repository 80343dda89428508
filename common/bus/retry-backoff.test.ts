/** Unit tests of the redelivery pacing shared by both buses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryBackoff } from './retry-backoff.ts';

test('retry backoff doubles per failure up to the cap, per partition, and warns once per outage', () => {
  const backoff = new RetryBackoff({ initialMs: 100, maxMs: 1000 });
  const delays = Array.from({ length: 6 }, () => backoff.failed(0));
  assert.deepEqual(
    delays.map((d) => d.delayMs),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.deepEqual(
    delays.map((d) => d.outageStarted),
    [true, false, false, false, false, false],
  );
  assert.equal(backoff.failed(1).delayMs, 100, 'another partition has its own streak');
  assert.equal(backoff.succeeded(0), 6, 'the success ends a streak of 6');
  assert.equal(backoff.succeeded(0), 0);
  const next = backoff.failed(0);
  assert.equal(next.delayMs, 100);
  assert.equal(next.outageStarted, true, 'a new outage warns again');
});

test('retry backoff stays finite after very many failures and rejects a bad range', () => {
  const backoff = new RetryBackoff({ initialMs: 1, maxMs: 60_000 });
  let last = 0;
  for (let i = 0; i < 5000; i++) last = backoff.failed(0).delayMs;
  assert.equal(last, 60_000);
  assert.throws(() => new RetryBackoff({ initialMs: 500, maxMs: 100 }), /initialMs <= maxMs/);
  assert.throws(() => new RetryBackoff({ initialMs: Number.NaN, maxMs: 100 }), /retry backoff/);
});
