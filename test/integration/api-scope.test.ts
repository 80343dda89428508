// Every API route enforces a key's tenant, site list and role the same way: a table of route ×
// key. Another tenant's site answers exactly like a site that does not exist, so a key cannot
// probe which site ids other tenants use.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { createApp } from '../../analytics-api/index.ts';
import type { IntegrationDeps } from '../../analytics-api/integration/integration-routes.ts';
import { CHART_ENDPOINTS } from '../../analytics-api/routes/chart-endpoints.ts';
import { REPORT_ENDPOINTS } from '../../analytics-api/routes/report-endpoints.ts';
import { SMALL_KEYS, startSmallCountsStore, type SmallCountsStore } from '../harness/small-counts-store.ts';

let store: SmallCountsStore;
let app: ReturnType<typeof createApp>;
let range: string;

before(async () => {
  store = await startSmallCountsStore();
  // The upload app answers behind the scope checks; these tests are about the checks, not uploads.
  const upload = new Hono().post('/sites/:site/cameras/:camera/*', (c) => c.json({ status: 'queued' }, 202));
  app = createApp({
    config: store.config,
    clickhouse: store.clickhouse,
    integration: { upload, pipeline: {}, erasure: {} } as unknown as IntegrationDeps,
  });
  range = `from=${store.days[0]}&to=${store.days[1]}`;
});
after(async () => store?.close());

type Key = keyof typeof SMALL_KEYS;
type Method = 'GET' | 'POST';

async function call(
  method: Method,
  path: string,
  key: Key,
): Promise<{ status: number; code?: string; message?: string }> {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${SMALL_KEYS[key]}`, 'content-type': 'text/plain' },
    body: method === 'POST' ? 'x' : undefined,
  });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  return { status: res.status, code: body?.error?.code, message: body?.error?.message };
}

/** Each route with the site it is asked about filled in. */
const ROUTES: Array<{
  name: string;
  method: Method;
  path: (site: string) => string;
  role: 'viewer' | 'integrator' | 'admin';
  ok: number;
}> = [
  ...REPORT_ENDPOINTS.map((e) => ({
    name: `report ${e.name}`,
    method: 'GET' as const,
    path: (s: string) => `/api/v1/sites/${s}/reports/${e.name}?${range}`,
    role: 'viewer' as const,
    ok: 200,
  })),
  ...REPORT_ENDPOINTS.map((e) => ({
    name: `report ${e.name} csv`,
    method: 'GET' as const,
    path: (s: string) => `/api/v1/sites/${s}/reports/${e.name}?${range}&format=csv`,
    role: 'viewer' as const,
    ok: 200,
  })),
  ...CHART_ENDPOINTS.map((e) => ({
    name: `chart ${e.name}`,
    method: 'GET' as const,
    path: (s: string) => `/api/v1/sites/${s}/charts/${e.name}?${range}`,
    role: 'viewer' as const,
    ok: 200,
  })),
  {
    name: 'face upload',
    method: 'POST',
    path: (s) => `/api/v1/sites/${s}/cameras/entrance/faces`,
    role: 'integrator',
    ok: 202,
  },
  {
    name: 'embedding upload',
    method: 'POST',
    path: (s) => `/api/v1/sites/${s}/cameras/entrance/embeddings`,
    role: 'integrator',
    ok: 202,
  },
  // Past the scope and role checks the erasure handler refuses a text body: proof the checks let it through.
  { name: 'erasure', method: 'POST', path: (s) => `/api/v1/sites/${s}/erasure`, role: 'admin', ok: 415 },
];

const RANK = { viewer: 0, integrator: 1, admin: 2 };
const ROLE_OF: Record<Key, keyof typeof RANK> = {
  all: 'viewer',
  s2only: 'viewer',
  other: 'viewer',
  integrator: 'integrator',
  admin: 'admin',
};

/** What a key asking about a site must get: a site's existence is only ever told to keys that may read it. */
function expected(route: (typeof ROUTES)[number], key: Key, site: string): { status: number; code?: string } {
  const tenant = key === 'other' ? 'other' : 'sim';
  const siteTenant = { s1: 'sim', s2: 'sim', x1: 'other' }[site];
  if (siteTenant !== tenant) return { status: 404, code: 'unknown_site' };
  if (key === 's2only' && site !== 's2') return { status: 404, code: 'unknown_site' };
  if (RANK[ROLE_OF[key]] < RANK[route.role]) return { status: 403, code: 'forbidden' };
  return { status: route.ok };
}

test('route × key × site: tenant, site list and role are enforced identically on every route', async () => {
  const keys = Object.keys(SMALL_KEYS) as Key[];
  let cases = 0;
  for (const route of ROUTES) {
    for (const key of keys) {
      for (const site of ['s1', 's2', 'x1', 'nope']) {
        const got = await call(route.method, route.path(site), key);
        const want = expected(route, key, site);
        assert.equal(got.status, want.status, `${route.name}, key ${key}, site ${site}: ${JSON.stringify(got)}`);
        if (want.code) assert.equal(got.code, want.code, `${route.name}, key ${key}, site ${site}`);
        cases++;
      }
    }
  }
  assert.equal(cases, ROUTES.length * 5 * 4);
});

test("another tenant's site and a made-up one get the same answer, word for word", async () => {
  for (const route of ROUTES) {
    for (const key of ['all', 'admin', 'other'] as const) {
      const foreign = key === 'other' ? 's1' : 'x1';
      const a = await call(route.method, route.path(foreign), key);
      const b = await call(route.method, route.path('nope'), key);
      assert.deepEqual(
        { ...a, message: a.message?.replace(foreign, '?') },
        { ...b, message: b.message?.replace('nope', '?') },
        `${route.name}, key ${key}`,
      );
    }
  }
});

test('the site list of a key: only its own sites, in every tenant', async () => {
  const sites = async (key: Key) =>
    (
      await (await app.request('/api/v1/sites', { headers: { authorization: `Bearer ${SMALL_KEYS[key]}` } })).json()
    ).sites.map((s: { id: string }) => s.id);
  assert.deepEqual(await sites('all'), ['s1', 's2']);
  assert.deepEqual(await sites('s2only'), ['s2']);
  assert.deepEqual(await sites('other'), ['x1']);
});
