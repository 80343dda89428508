// Rate limits on a real app with real key resolution: keyed on the key id after auth, on the client address before it, memory bounded under floods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { loadConfig } from '../../common/config.ts';
import { hashApiKey } from '../keys/api-key-string.ts';
import { createRequestLimits, limitBeforeAuth, limitPerKey, type RequestLimits } from './limit-requests.ts';
import { requireApiKey } from './require-api-key.ts';
import { createPrincipalResolver } from './resolve-principal.ts';

const KEY = 'the-valid-key';

function limitedApp(api: Record<string, unknown>): { app: Hono; limits: RequestLimits } {
  const config = loadConfig({ api: { keys: [{ tenant: 't', sha256: hashApiKey(KEY) }], ...api } }, {});
  const limits = createRequestLimits(config.api, () => 0);
  const app = new Hono();
  app.use(limitBeforeAuth(limits), requireApiKey(createPrincipalResolver(config.api.keys)), limitPerKey(limits));
  app.get('/x', (c) => c.text('ok'));
  return { app, limits };
}

/** A request as @hono/node-server hands it over: with the socket's peer address. */
const from = (app: Hono, remoteAddress: string, headers: Record<string, string>) =>
  app.request('/x', { headers }, { incoming: { socket: { remoteAddress } } });

test('a random Authorization next to a valid X-API-Key is limited like the key itself (the bypass of issue 14)', async () => {
  const { app } = limitedApp({ requestsPerMinute: 3 });
  const statuses = [];
  for (let i = 0; i < 5; i++)
    statuses.push((await from(app, '203.0.113.1', { authorization: `Bearer random-${i}`, 'x-api-key': KEY })).status);
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  const other = await from(app, '198.51.100.7', { authorization: `Bearer ${KEY}` });
  assert.equal(other.status, 429, 'the same key from another address and header shares its budget');
  assert.equal(other.headers.get('retry-after'), '20');
});

test('failed authentications are limited per address: once spent, even a valid key from there waits; other addresses do not', async () => {
  const { app } = limitedApp({ failedAuthPerMinute: 3 });
  const statuses = [];
  for (let i = 0; i < 4; i++)
    statuses.push((await from(app, '203.0.113.2', { authorization: `Bearer guess-${i}` })).status);
  assert.deepEqual(statuses, [401, 401, 401, 429]);
  assert.equal((await from(app, '203.0.113.2', { authorization: `Bearer ${KEY}` })).status, 429);
  assert.equal((await from(app, '203.0.113.3', { authorization: `Bearer ${KEY}` })).status, 200);
  assert.equal((await from(app, '2001:db8:1:2::a', { authorization: 'Bearer guess' })).status, 401);
});

test('requests per address are limited before authentication; an IPv6 /64 is one address', async () => {
  const { app } = limitedApp({ addressRequestsPerMinute: 2 });
  const statuses = [];
  for (const address of ['2001:db8:5:6::1', '2001:db8:5:6::2', '2001:db8:5:6:ffff::3'])
    statuses.push((await from(app, address, { authorization: `Bearer ${KEY}` })).status);
  assert.deepEqual(statuses, [200, 200, 429]);
});

test('X-Forwarded-For counts only behind a trusted proxy, and only the hop that proxy appended', async () => {
  const direct = limitedApp({ addressRequestsPerMinute: 1 }).app;
  assert.equal((await from(direct, '203.0.113.4', { 'x-forwarded-for': '1.1.1.1', 'x-api-key': KEY })).status, 200);
  assert.equal(
    (await from(direct, '203.0.113.4', { 'x-forwarded-for': '2.2.2.2', 'x-api-key': KEY })).status,
    429,
    'a client cannot pick its own address',
  );

  const proxied = limitedApp({ addressRequestsPerMinute: 1, trustedProxies: ['10.0.0.0/8'] }).app;
  assert.equal(
    (await from(proxied, '10.0.0.5', { 'x-forwarded-for': '9.9.9.9, 203.0.113.5', 'x-api-key': KEY })).status,
    200,
  );
  assert.equal(
    (await from(proxied, '10.0.0.6', { 'x-forwarded-for': '8.8.8.8, 203.0.113.5', 'x-api-key': KEY })).status,
    429,
    'the spoofed left part is ignored',
  );
  assert.equal(
    (await from(proxied, '10.0.0.5', { 'x-forwarded-for': '203.0.113.6, 10.0.0.9', 'x-api-key': KEY })).status,
    200,
    'past a chain of trusted proxies',
  );
});

test('30,000 distinct bogus credentials from 30,000 addresses leave every limiter at its bound, and store no credential', async () => {
  const { app, limits } = limitedApp({ rateLimitMaxCallers: 500 });
  const filler = 'x'.repeat(1000);
  for (let i = 0; i < 30_000; i++) {
    const address = `198.18.${(i >> 8) & 255}.${i & 255}`;
    const res = await from(app, address, { authorization: `Bearer ${filler}${i}` });
    if (res.status !== 401) assert.fail(`request ${i} answered ${res.status}`);
  }
  assert.equal(limits.perAddress.size, 500);
  assert.equal(limits.failedAuth.size, 500);
  assert.equal(limits.perKey.size, 0, 'nothing is keyed before a key is known');
});
