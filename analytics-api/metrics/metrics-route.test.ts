// /metrics access: the token when set, loopback only without one, and the metrics themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsRoute } from './metrics-route.ts';

const TOKEN = 'a-long-metrics-token-0123456789';
const scrape = (app: ReturnType<typeof metricsRoute>, authorization?: string) =>
  app.request('/metrics', { headers: authorization ? { authorization } : {} });

test('with a token: no token, a wrong one or another scheme is 401; the token opens it, on any host', async () => {
  for (const host of ['127.0.0.1', '0.0.0.0']) {
    const app = metricsRoute({ token: TOKEN, host: '127.0.0.1' }, host);
    for (const auth of [
      undefined,
      'Bearer wrong-token-wrong-token-x',
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
    ]) {
      const res = await scrape(app, auth);
      assert.equal(res.status, 401, `${host} ${auth}`);
      assert.equal((await res.json()).error.code, 'unauthenticated');
    }
    const ok = await scrape(app, `Bearer ${TOKEN}`);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /revisit_process_cpu_seconds_total/);
  }
});

test('without a token: open on a loopback listener, 403 on a public one', async () => {
  for (const host of ['127.0.0.1', '::1', 'localhost'])
    assert.equal((await scrape(metricsRoute({ host: '127.0.0.1' }, host))).status, 200, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
    const res = await scrape(metricsRoute({ host: '127.0.0.1' }, host));
    assert.equal(res.status, 403, host);
    assert.match((await res.json()).error.message, /metrics\.token/);
  }
});
