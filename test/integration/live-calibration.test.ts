// Label-free calibration through the whole pipeline: the worker bins the pairs of a simulated store
// in ClickHouse, and GET /api/v1/sites/:site/calibration estimates the error rates from them,
// scoped like every read of the API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../analytics-api/index.ts';
import { STORE_CAMERAS } from '../../simulator/plan-store-days.ts';
import { KEYS, startSeededDeployment, type SeededDeployment } from '../harness/seeded-store.ts';

let store: SeededDeployment;
let app: ReturnType<typeof createApp>;

before(async () => {
  store = await startSeededDeployment();
  app = createApp({ config: store.runtime.config, clickhouse: store.runtime.clickhouse });
});

after(async () => store?.close());

const get = (path: string, key: string) => app.request(path, { headers: { authorization: `Bearer ${key}` } });

test('the site calibration comes from the pairs the worker stored, per camera and camera pair', async () => {
  const res = await get('/api/v1/sites/s1/calibration?days=30', KEYS.all);
  assert.equal(res.status, 200);
  const c = await res.json();
  const stored = await (
    await store.runtime.clickhouse.query({
      query: "SELECT sum(pairs) AS n FROM calibration_scores WHERE site_id = 's1' AND kind = 'impostor'",
      format: 'JSONEachRow',
    })
  ).json<{ n: string }>();
  assert.ok(Number(stored[0].n) > 1000, 'the worker wrote binned pairs');
  assert.equal(
    c.pairsBySource.cross_identity,
    Number(stored[0].n),
    'a store without shared frames or tracks gives only pairs of identities kept apart',
  );
  assert.equal(c.site.impostorPairs, Number(stored[0].n));
  assert.equal(c.site.threshold, store.runtime.config.matching.matchMinCosine);
  // One exact embedding per person (perfect mode): strangers sit near cosine 0, far below the threshold.
  assert.ok(c.site.fmr >= 0 && c.site.fmr < 1e-6, `fmr ${c.site.fmr}`);
  assert.equal(c.site.fnmr, null, 'no genuine pairs without tracks');
  // Every identity the worker minted left its best score; one exact embedding per person: no near miss.
  assert.ok(c.pairsBySource.best_score >= store.truth.visitors, `best scores ${c.pairsBySource.best_score}`);
  assert.equal(c.site.split.newIdentities, c.pairsBySource.best_score);
  assert.equal(c.site.split.inBand, 0);
  assert.equal(
    c.site.split.splitShare,
    null,
    'a few dozen new identities: too few to estimate, the intervals keep the simulated rate',
  );
  assert.equal(c.reclusterMerges, 0);
  assert.ok(c.gallerySize >= store.truth.visitors && c.gallerySize <= store.plan.visitors, `gallery ${c.gallerySize}`);
  assert.deepEqual(
    c.cameras.map((x: { cameraId: string }) => x.cameraId),
    [...STORE_CAMERAS].sort(),
  );
  assert.ok(
    c.cameraPairs.length > 0 && c.cameraPairs.every((p: { cameraA: string; cameraB: string }) => p.cameraA < p.cameraB),
  );
});

test('calibration is scoped like every read, and bad parameters get a clear error', async () => {
  // A site outside the key answers exactly like one that does not exist.
  for (const [site, key] of [
    ['s1', KEYS.other],
    ['s1', KEYS.s2only],
    ['nowhere', KEYS.all],
  ]) {
    const res = await get(`/api/v1/sites/${site}/calibration`, key);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: { code: 'unknown_site', message: `no site "${site}"` } });
  }
  const bad = await get('/api/v1/sites/s1/calibration?days=400', KEYS.all);
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.code, 'bad_request');
  assert.equal((await app.request('/api/v1/sites/s1/calibration')).status, 401);
});
