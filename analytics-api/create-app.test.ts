// The API in-process (app.request) against embedded ClickHouse with known visits.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RevisitConfig } from '../common/config.ts';
import { VisitMaintainer } from '../reid-worker/visits/visit-maintainer.ts';
import { queryFootfall, suppressFootfall } from '../reports/index.ts';
import { applyMigrations } from '../storage/clickhouse/apply-migrations.ts';
import { createClickHouseClient, type ClickHouseClient } from '../storage/clickhouse/create-clickhouse-client.ts';
import { insertSightings } from '../storage/sightings-table.ts';
import { createApp, hashApiKey, serveApi } from './index.ts';

const KEY_A = 'key-of-tenant-a';
const KEY_B = 'key-of-tenant-b';
const T0 = Date.parse('2026-11-02T09:00:00Z');
const MIN = 60_000;

let dir: string;
let clickhouse: ClickHouseClient;
let config: RevisitConfig;
let app: ReturnType<typeof createApp>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-api-'));
  config = loadConfig(
    {
      dataDir: dir,
      sites: [
        { id: 'a-1', name: 'A one', tenant: 'a' },
        { id: 'b-1', name: 'B one', tenant: 'b' },
      ],
      api: {
        keys: [
          { tenant: 'a', sha256: hashApiKey(KEY_A) },
          { tenant: 'b', sha256: hashApiKey(KEY_B) },
        ],
      },
    },
    {},
  );
  clickhouse = await createClickHouseClient(config);
  await applyMigrations(clickhouse);
  const sighting = (id: string, identityId: string, t: number, label = '') => ({
    observationId: id,
    siteId: 'a-1',
    cameraId: 'entrance',
    identityId,
    tStartMs: t,
    tEndMs: t + 2 * MIN,
    similarity: 0.8,
    isNewIdentity: false,
    quality: 0.9,
    modelId: 'm',
    label,
  });
  // The worker's steps: sightings saved, then visits. p1: one visit 09:00-09:22, p2: two visits
  // (09:10, then 11:00 after a 108 min gap).
  const visits = new VisitMaintainer(clickhouse, config, { now: () => T0 + 24 * 60 * MIN });
  const deliver = async (batch: ReturnType<typeof sighting>[]) => {
    await insertSightings(clickhouse, batch);
    await visits.update(batch);
  };
  await deliver([
    sighting('o1', 'p1', T0),
    sighting('o2', 'p1', T0 + 20 * MIN),
    sighting('o3', 'p2', T0 + 10 * MIN),
    sighting('o4', 'p2', T0 + 120 * MIN),
  ]);
  await deliver([sighting('o1', 'p1', T0)]); // a redelivery must not count twice
  await deliver([sighting('o5', 'staff-1', T0, 'staff')]); // staff never count
  await visits.sweep();
  app = createApp({ config, clickhouse });
});

after(async () => {
  await clickhouse.close();
  rmSync(dir, { recursive: true, force: true });
});

const footfall = (site: string, query: string, key?: string) =>
  app.request(`/api/v1/sites/${site}/reports/footfall?${query}`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });

const DAY = { siteId: 'a-1', timeZone: 'UTC', from: '2026-11-02', to: '2026-11-03' };

test('footfall per hour: unique visitors and visits, redeliveries not doubled, staff excluded; the route publishes them suppressed', async () => {
  const raw = await queryFootfall(clickhouse, DAY, 'hour');
  assert.deepEqual(raw.buckets, [
    { period: '2026-11-02 09:00', visitors: 2, visits: 2, newVisits: 2, returningVisits: 0, unidentifiedVisits: 0 },
    { period: '2026-11-02 11:00', visitors: 1, visits: 1, newVisits: 0, returningVisits: 1, unidentifiedVisits: 0 },
  ]);
  assert.equal(raw.totals.visitors, 2);
  assert.equal(raw.totals.visits, 3);
  const res = await footfall('a-1', 'from=2026-11-02&to=2026-11-03&granularity=hour', KEY_A);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual([body.site, body.timezone, body.from, body.to], ['a-1', 'UTC', '2026-11-02', '2026-11-03']);
  assert.deepEqual(
    body.coverage,
    { coverage: null, noData: false, partial: false },
    'no heartbeats: coverage unknown, figures counted',
  );
  const published = suppressFootfall(raw, 'hour', config.privacy.minCount);
  assert.deepEqual(body.report.totals, { ...published.totals, coverage: null });
  assert.equal(body.report.buckets.length, 24, 'the full day: every hour, with visits or not');
  const byPeriod = new Map(body.report.buckets.map((b: { period: string }) => [b.period, b]));
  assert.deepEqual(byPeriod.get('2026-11-02 09:00'), { ...published.buckets[0], coverage: null });
  assert.deepEqual(
    byPeriod.get('2026-11-02 03:00'),
    {
      period: '2026-11-02 03:00',
      visitors: 0,
      visits: 0,
      newVisits: 0,
      returningVisits: 0,
      unidentifiedVisits: 0,
      coverage: null,
    },
    'an hour without visits before any heartbeat: counted, 0',
  );
  assert.deepEqual(
    [published.buckets[0].visits, body.report.totals.visits],
    [null, null],
    'fewer than minCount: hidden',
  );
});

test('a visit counts on the local day it started only, not again in a range that starts while it runs', async () => {
  const report = await queryFootfall(clickhouse, { ...DAY, from: '2026-11-03', to: '2026-11-04' }, 'hour');
  assert.equal(report.totals.visitors, 0);
  assert.equal(report.totals.visits, 0);
});

test("401 without a key or with an unknown key; another tenant's site answers exactly like a site that does not exist", async () => {
  for (const [res, status, code] of [
    [await footfall('a-1', 'from=2026-11-02&to=2026-11-03'), 401, 'unauthenticated'],
    [await footfall('a-1', 'from=2026-11-02&to=2026-11-03', 'nope'), 401, 'unauthenticated'],
  ] as const) {
    assert.equal(res.status, status);
    assert.equal((await res.json()).error.code, code);
  }
  const foreign = await footfall('a-1', 'from=2026-11-02&to=2026-11-03', KEY_B);
  const missing = await footfall('zz', 'from=2026-11-02&to=2026-11-03', KEY_B);
  assert.equal(foreign.status, 404);
  assert.equal(missing.status, 404);
  assert.deepEqual((await foreign.json()).error, { code: 'unknown_site', message: 'no site "a-1"' });
  assert.deepEqual((await missing.json()).error, { code: 'unknown_site', message: 'no site "zz"' });
});

test('bad ranges are 400 with details; windows narrower than whole local days too (they could be differenced)', async () => {
  for (const query of [
    'from=2026-11-03&to=2026-11-02',
    'from=yesterday&to=2026-11-02',
    'to=2026-11-02',
    'from=2024-01-01&to=2026-01-01',
    'from=2026-11-02T09:15:00Z&to=2026-11-03',
  ]) {
    const res = await footfall('a-1', query, KEY_A);
    assert.equal(res.status, 400, query);
    const body = await res.json();
    assert.equal(body.error.code, 'bad_request');
    assert.ok(Array.isArray(body.error.details) && body.error.details.length > 0);
  }
});

test('health, readiness and Prometheus metrics answer without a key', async () => {
  assert.deepEqual(await (await app.request('/healthz')).json(), { status: 'ok' });
  assert.equal((await app.request('/readyz')).status, 200);
  const metrics = await (await app.request('/metrics')).text();
  assert.match(metrics, /revisit_http_requests_total/);
});

test('security headers on every response: data, refusals, misses, errors and pages', async () => {
  const withFailure = createApp({ config, clickhouse });
  // A route that fails, added after the app's own: the real error handler answers it.
  withFailure.get('/api/v1/fails', () => {
    throw new Error('injected failure');
  });
  const cases: Array<[string, Record<string, string>, number]> = [
    ['/api/v1/sites/a-1/reports/footfall?from=2026-11-02&to=2026-11-03', { authorization: `Bearer ${KEY_A}` }, 200],
    ['/api/v1/sites/a-1/reports/footfall?from=2026-11-02&to=2026-11-03', {}, 401],
    ['/api/v1/sites/a-1/reports/footfall?from=2026-11-02&to=2026-11-03', { authorization: `Bearer ${KEY_B}` }, 404],
    ['/no/such/route', {}, 404],
    ['/api/v1/fails', { authorization: `Bearer ${KEY_A}` }, 500],
    ['/bi/', {}, 404],
    ['/healthz', {}, 200],
    ['/', {}, 200],
    ['/api/docs', {}, 200],
  ];
  for (const [path, headers, status] of cases) {
    const res = await withFailure.request(path, { headers });
    assert.equal(res.status, status, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.doesNotMatch(csp, /unsafe-eval/, path);
    if (path.startsWith('/api/') || path.startsWith('/bi'))
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
  }
  const api = await withFailure.request('/api/v1/sites/a-1/reports/footfall?from=2026-11-02&to=2026-11-03', {
    headers: { authorization: `Bearer ${KEY_A}` },
  });
  assert.match(api.headers.get('content-security-policy')!, /default-src 'none'/, 'API answers run nothing');
  const asset = await withFailure.request('/assets/vega.min.js');
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=86400', 'static libraries may be cached');
  assert.equal(asset.headers.get('x-content-type-options'), 'nosniff');
});

test('route labels are patterns, never raw paths: unknown paths do not add series', async () => {
  for (let i = 0; i < 50; i++) await app.request(`/invented-${i}/x`);
  const metrics = await (await app.request('/metrics')).text();
  assert.doesNotMatch(metrics, /invented-/);
});

test('with metrics.port, /metrics has its own listener and is gone from the API port', async () => {
  const running = await serveApi({
    config: { ...config, api: { ...config.api, port: 0 }, metrics: { host: '127.0.0.1', port: 0 } },
    clickhouse,
  });
  try {
    assert.ok(running.metricsUrl);
    const own = await fetch(`${running.metricsUrl}/metrics`);
    assert.equal(own.status, 200);
    assert.match(await own.text(), /revisit_http_requests_total/);
    assert.equal(own.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await fetch(`${running.url}/metrics`)).status, 404);
    assert.equal((await fetch(`${running.url}/healthz`)).status, 200);
  } finally {
    await running.close();
  }
});
