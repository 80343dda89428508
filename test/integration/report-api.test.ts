// The report API on a seeded store: every endpoint with and without keys, across tenants, with bad parameters.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../analytics-api/index.ts';
import { FileApiKeyStore } from '../../analytics-api/keys/file-api-key-store.ts';
import { join } from 'node:path';
import { KEYS, startSeededDeployment, type SeededDeployment } from '../harness/seeded-store.ts';

const REPORTS = ['footfall', 'dwell', 'returning', 'paths', 'transitions', 'occupancy', 'capture'];
const CHARTS = ['footfall', 'new-vs-returning', 'dwell', 'paths', 'transitions', 'occupancy', 'capture'];

let store: SeededDeployment;
let app: ReturnType<typeof createApp>;
let keyStore: FileApiKeyStore;
let range: string;

before(async () => {
  store = await startSeededDeployment();
  keyStore = new FileApiKeyStore(join(store.runtime.config.dataDir, 'api-keys.json'));
  app = createApp({ config: store.runtime.config, clickhouse: store.runtime.clickhouse, keyStore });
  range = `from=${store.range.from}&to=${store.range.to}`;
});

after(async () => store?.close());

const get = (path: string, key?: string) =>
  app.request(path, { headers: key ? { authorization: `Bearer ${key}` } : {} });

async function expectError(res: Response, status: number, code: string) {
  assert.equal(res.status, status);
  const body = await res.json();
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  return body;
}

test('sites lists only what the key may read', async () => {
  assert.deepEqual(
    (await (await get('/api/v1/sites', KEYS.all)).json()).sites.map((s: { id: string }) => s.id),
    ['s1', 's2'],
  );
  assert.deepEqual(
    (await (await get('/api/v1/sites', KEYS.s2only)).json()).sites.map((s: { id: string }) => s.id),
    ['s2'],
  );
  assert.deepEqual(
    (await (await get('/api/v1/sites', KEYS.other)).json()).sites.map((s: { id: string }) => s.id),
    ['x1'],
  );
});

test('every report answers with the numbers of the simulated truth', async () => {
  const footfall = (await (await get(`/api/v1/sites/s1/reports/footfall?${range}&granularity=day`, KEYS.all)).json())
    .report;
  assert.equal(footfall.totals.visitors, store.truth.visitors);
  assert.equal(footfall.totals.visits, store.truth.visits);
  const returning = (await (await get(`/api/v1/sites/s1/reports/returning?${range}`, KEYS.all)).json()).report;
  assert.ok(Math.abs(returning.returningVisitRate - store.truth.returningRate) < 1e-9);
  // Error bars next to the figures, and how they were obtained: the worker stored label-free pairs, so the site's own false-match estimate scales the simulated rates.
  const inside = (x: number, r: { low: number; high: number }) => r.low <= x && x <= r.high;
  assert.ok(
    inside(footfall.totals.visitors, footfall.intervals.visitors) &&
      inside(footfall.totals.visits, footfall.intervals.visits),
    JSON.stringify(footfall.intervals),
  );
  assert.ok(
    inside(returning.returningVisitRate, returning.intervals.returningRate),
    JSON.stringify(returning.intervals),
  );
  assert.equal(returning.intervals.source, 'site-calibrated');
  assert.match(returning.intervals.method, /this site's false-match rate estimated without labels/);
  const dwell = (await (await get(`/api/v1/sites/s1/reports/dwell?${range}`, KEYS.all)).json()).report;
  assert.equal(dwell.medianS, store.truth.dwellMedianS);
  const paths = (await (await get(`/api/v1/sites/s1/reports/paths?${range}`, KEYS.all)).json()).report;
  assert.deepEqual(paths.paths[0].path, store.truth.topPath);
  for (const name of REPORTS)
    assert.equal((await get(`/api/v1/sites/s1/reports/${name}?${range}`, KEYS.all)).status, 200, name);
});

test('compare=previous adds the period before; CSV exports the main table', async () => {
  const body = await (await get(`/api/v1/sites/s1/reports/footfall?${range}&compare=previous`, KEYS.all)).json();
  assert.equal(body.previous.to, store.range.from);
  assert.equal(body.previous.report.totals.visits, null, 'before the simulation: no data, not zero');
  assert.deepEqual(
    [body.previous.complete, body.previous.reason],
    [false, 'previous_no_data'],
    'no change is computed against no data',
  );
  const csv = await get(`/api/v1/sites/s1/reports/footfall?${range}&granularity=day&format=csv`, KEYS.all);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  const lines = (await csv.text()).trim().split('\r\n');
  assert.equal(lines[0], 'period,visitors,visits,newVisits,returningVisits,unidentifiedVisits,coverage,suppressed');
  assert.equal(lines.length, 1 + 3);
});

test('charts are vega-lite specs with the data inline', async () => {
  for (const name of CHARTS) {
    const spec = await (await get(`/api/v1/sites/s1/charts/${name}?${range}`, KEYS.all)).json();
    assert.match(spec.$schema, /vega-lite/, name);
    const values = spec.data?.values ?? spec.layer?.[0]?.data?.values;
    assert.ok(Array.isArray(values) && values.length > 0, `${name} has data`);
  }
});

test('401 without or with a wrong key; across tenants and outside the key sites, the answer of a site that does not exist', async () => {
  for (const path of [
    '/api/v1/sites',
    `/api/v1/sites/s1/reports/footfall?${range}`,
    `/api/v1/sites/s1/charts/dwell?${range}`,
  ]) {
    await expectError(await get(path), 401, 'unauthenticated');
    await expectError(
      await get(path, 'rv_deadbeef_not-a-real-key-not-a-real-key-not-a-real-k'),
      401,
      'unauthenticated',
    );
  }
  for (const name of REPORTS) {
    for (const key of [KEYS.other, KEYS.s2only]) {
      assert.equal(
        (await expectError(await get(`/api/v1/sites/s1/reports/${name}?${range}`, key), 404, 'unknown_site')).error
          .message,
        'no site "s1"',
      );
    }
    await expectError(await get(`/api/v1/sites/nope/reports/${name}?${range}`, KEYS.all), 404, 'unknown_site');
  }
});

test('bad parameters are 400 with details', async () => {
  const bad = [
    'from=2026-11-03&to=2026-11-02',
    'from=2026-02-30&to=2026-03-02',
    'from=yesterday&to=2026-11-02',
    'to=2026-11-02',
    'from=2024-01-01&to=2026-01-01',
    `${range}&granularity=minute`,
    `${range}&format=xml`,
    `${range}&format=csv&compare=previous`,
  ];
  for (const q of bad)
    await expectError(await get(`/api/v1/sites/s1/reports/footfall?${q}`, KEYS.all), 400, 'bad_request');
  await expectError(
    await get(`/api/v1/sites/s1/reports/occupancy?${range}&compare=previous`, KEYS.all),
    400,
    'bad_request',
  );
});

test('keys from the key store work until revoked', async () => {
  const { record, key } = await keyStore.create({ tenant: 'sim', role: 'viewer', sites: ['s1'] });
  assert.equal((await get(`/api/v1/sites/s1/reports/dwell?${range}`, key)).status, 200);
  await expectError(await get(`/api/v1/sites/s2/reports/dwell?${range}`, key), 404, 'unknown_site');
  await keyStore.revoke(record.id);
  await expectError(await get(`/api/v1/sites/s1/reports/dwell?${range}`, key), 401, 'unauthenticated');
});

test('the dashboard, its libraries and the API docs page are served by the app itself', async () => {
  for (const [path, type] of [
    ['/', 'text/html'],
    ['/dashboard.js', 'javascript'],
    ['/assets/vega-embed.min.js', 'javascript'],
    ['/api/docs', 'text/html'],
  ]) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', new RegExp(type));
  }
});

test('OpenAPI lists every endpoint with its parameters', async () => {
  const spec = await (await get('/api/v1/openapi.json')).json();
  assert.equal(spec.openapi, '3.1.0');
  for (const name of REPORTS) {
    const op = spec.paths[`/api/v1/sites/{site}/reports/${name}`]?.get;
    assert.ok(op, name);
    assert.deepEqual(op.parameters.map((p: { name: string }) => p.name).sort(), [
      'compare',
      'format',
      'from',
      'granularity',
      'site',
      'to',
    ]);
  }
  const granularity = spec.paths['/api/v1/sites/{site}/reports/footfall'].get.parameters.find(
    (p: { name: string }) => p.name === 'granularity',
  );
  assert.deepEqual(granularity.schema.enum, ['hour', 'day', 'week']);
  assert.equal(
    spec.paths['/api/v1/sites/{site}/footfall'],
    undefined,
    'the sightings-based route is gone: one definition of a visit',
  );
});

test('CORS answers configured origins only', async () => {
  const withCors = createApp({
    config: { ...store.runtime.config, api: { ...store.runtime.config.api, corsOrigins: ['https://bi.example.com'] } },
    clickhouse: store.runtime.clickhouse,
  });
  const preflight = (origin: string) =>
    withCors.request('/api/v1/sites', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
  assert.equal(
    (await preflight('https://bi.example.com')).headers.get('access-control-allow-origin'),
    'https://bi.example.com',
  );
  assert.equal((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin'), null);
  assert.equal(
    (await get('/api/v1/sites', KEYS.all)).headers.get('access-control-allow-origin'),
    null,
    'no CORS unless configured',
  );
});

test('rate limits and body size limits', async () => {
  const limited = createApp({
    config: { ...store.runtime.config, api: { ...store.runtime.config.api, requestsPerMinute: 3, maxBodyBytes: 1024 } },
    clickhouse: store.runtime.clickhouse,
  });
  const statuses = [];
  for (let i = 0; i < 5; i++)
    statuses.push(
      (await limited.request('/api/v1/sites', { headers: { authorization: `Bearer ${KEYS.all}` } })).status,
    );
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  const big = await limited.request('/bi/', {
    method: 'POST',
    body: 'x'.repeat(5000),
    headers: { 'content-length': '5000' },
  });
  assert.equal(big.status, 413);
});
