import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReadiness } from './check-readiness.ts';

test('ready only when every dependency answers; a failing or silent one is unavailable, named', async () => {
  assert.deepEqual(await checkReadiness({ kafka: async () => undefined, redis: async () => 'PONG' }), {
    ready: true,
    checks: { kafka: 'ok', redis: 'ok' },
  });
  const report = await checkReadiness(
    {
      kafka: () => Promise.reject(new Error('ECONNREFUSED')),
      redis: () => new Promise(() => undefined),
      clickhouse: async () => undefined,
    },
    50,
  );
  assert.deepEqual(report, { ready: false, checks: { kafka: 'unavailable', redis: 'unavailable', clickhouse: 'ok' } });
});

test('a service with no dependency is ready', async () => {
  assert.deepEqual(await checkReadiness({}), { ready: true, checks: {} });
});
