// Per-key BI admission: concurrency cap and rate limit, each key on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BiAdmission } from './bi-admission.ts';
import { BiError } from './bi-error.ts';

test('a key gets perKeyConcurrency queries in flight, then 429 (code 202) until one leaves; other keys are unaffected', () => {
  const admission = new BiAdmission({ requestsPerMinute: 100, perKeyConcurrency: 2, now: () => 0 });
  const leave1 = admission.enter('k');
  admission.enter('k');
  assert.throws(
    () => admission.enter('k'),
    (e: unknown) => e instanceof BiError && e.status === 429 && e.code === 202,
  );
  admission.enter('other');
  leave1();
  leave1();
  admission.enter('k');
});

test('a key gets requestsPerMinute queries a minute, then 429 (code 201) with the wait', () => {
  let t = 0;
  const admission = new BiAdmission({ requestsPerMinute: 2, perKeyConcurrency: 10, now: () => t });
  admission.enter('k')();
  admission.enter('k')();
  assert.throws(
    () => admission.enter('k'),
    (e: unknown) => e instanceof BiError && e.code === 201 && /retry in 30 s/.test(e.message),
  );
  t += 30_000;
  admission.enter('k')();
});
