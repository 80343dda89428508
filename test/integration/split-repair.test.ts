// Split repair in the running worker (embedded runtime: Redis, chdb): two people merged by a
// too-loose threshold and later seen in one frame end as two identities, with their sightings,
// visits and reports reassigned, the split audited, and the cannot-link kept in the registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildObservation } from '../../ingest/index.ts';
import { queryFootfall, type ReportRange } from '../../reports/index.ts';
import type { FaceObservation } from '../../schemas/index.ts';
import { useEmbeddedWorker } from './open-embedded-worker.ts';

const SEC = 1000;
const DIM = 512;
const SITE = 'store-1';
// Recent (sightings carry a TTL from their time) and whole hours, so no visit crosses midnight; the second visit may fall on the next UTC day.
const T0 = Math.floor((Date.now() - 6 * 3600_000) / 3600_000) * 3600_000;
const DAY = new Date(T0).toISOString().slice(0, 10);
const range: ReportRange = {
  siteId: SITE,
  timeZone: 'UTC',
  from: DAY,
  to: new Date(T0 + 48 * 3600_000).toISOString().slice(0, 10),
};

/** Person A is e0, person B is at cosine 0.4 to A; photo k adds 0.2 along its own axis (same person ≈ 0.96). */
function photo(person: 'A' | 'B', k: number): Float32Array {
  const v = new Float32Array(DIM);
  if (person === 'A') v[0] = 1;
  else [v[0], v[1]] = [0.4, Math.sqrt(1 - 0.16)];
  v[10 + k] = 0.2;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function seen(
  person: 'A' | 'B',
  k: number,
  cameraId: string,
  fromS: number,
  extra: { trackId?: string; cannotLinkTrackIds?: string[] } = {},
): FaceObservation {
  return buildObservation(
    { embedding: photo(person, k), quality: 1 },
    {
      siteId: SITE,
      cameraId,
      trackId: extra.trackId ?? `${person}${k}`,
      tStartMs: T0 + fromS * SEC,
      tEndMs: T0 + (fromS + 10) * SEC,
      cannotLinkTrackIds: extra.cannotLinkTrackIds,
    },
  );
}

// Too loose: A and B (cosine 0.4) become one identity.
const worker = useEmbeddedWorker(
  SITE,
  {
    sites: [{ id: SITE, name: SITE, tenant: 't1', timezone: 'UTC' }],
    matching: { matchMinCosine: 0.3, reclusterEveryMs: 60_000 },
  },
  // The worker's clock after the last sighting: observations ahead of it are out of its time window.
  () => T0 + 3 * 3600_000,
);
const { deliver, rows } = worker;

test('two people merged by a loose threshold, later seen in one frame, end as two identities with their sightings and visits', async () => {
  const a = [seen('A', 1, 'entrance', 0), seen('A', 2, 'zone', 100), seen('A', 3, 'entrance', 7200)];
  const b = [seen('B', 1, 'entrance', 20), seen('B', 2, 'zone', 120), seen('B', 3, 'entrance', 7220)];
  for (const obs of [a[0], b[0], a[1], b[1], a[2], b[2]]) await deliver(obs);
  const before = await rows<{ identity_id: string }>(
    'SELECT DISTINCT identity_id FROM sightings FINAL WHERE site_id = {s:String}',
  );
  assert.equal(before.length, 1, 'the loose threshold merged A and B');
  assert.equal(
    (await queryFootfall(worker.env.runtime.clickhouse, range, 'day')).totals.visitors,
    1,
    'the reports count one person',
  );
  const x = before[0].identity_id;

  // One frame at the checkout shows both: B's face cannot be x, since A's face of the same frame is.
  const frameA = seen('A', 4, 'checkout', 7400, { trackId: 'ta' });
  const frameB = seen('B', 4, 'checkout', 7400, { trackId: 'tb', cannotLinkTrackIds: ['ta'] });
  await deliver(frameA, frameB);

  const byObservation = new Map(
    (
      await rows<{ observation_id: string; identity_id: string }>(
        'SELECT observation_id, identity_id FROM sightings FINAL WHERE site_id = {s:String}',
      )
    ).map((r) => [r.observation_id, r.identity_id]),
  );
  assert.deepEqual(
    new Set([...a, frameA].map((o) => byObservation.get(o.observationId))),
    new Set([x]),
    "A's sightings stay on x",
  );
  const ys = new Set([...b, frameB].map((o) => byObservation.get(o.observationId)));
  assert.equal(ys.size, 1, "B's sightings share one identity");
  const [y] = ys;
  assert.notEqual(y, x);

  const visits = await rows<{ identity_id: string; start: string; counted: number; returning: number }>(
    'SELECT identity_id, toString(start) AS start, counted, returning FROM visits FINAL WHERE site_id = {s:String} ORDER BY identity_id, start',
  );
  assert.deepEqual(
    visits.map((v) => [v.identity_id, v.counted, v.returning]),
    [x, x, y!, y!].sort().map((id, i) => [id, 1, i % 2]),
    'each person has a first and a returning visit of their own',
  );
  assert.deepEqual((await queryFootfall(worker.env.runtime.clickhouse, range, 'day')).totals, {
    visitors: 2,
    visits: 4,
    newVisits: 2,
    returningVisits: 2,
    unidentifiedVisits: 0,
  });

  const [audit, ...more] = await rows<{ identity_id: string; split_identity_id: string; observations: number }>(
    'SELECT identity_id, split_identity_id, observations FROM identity_splits FINAL WHERE site_id = {s:String}',
  );
  assert.deepEqual(
    { ...audit, observations: Number(audit.observations) },
    { identity_id: x, split_identity_id: y, observations: 3 },
    'the split is audited',
  );
  assert.equal(more.length, 0);

  // The registry: both identities, the cannot-link kept, nothing pending; an old observation redelivered answers with its new identity.
  assert.deepEqual(new Set((await worker.env.runtime.store.loadSite(SITE)).map((i) => i.identityId)), new Set([x, y]));
  assert.deepEqual(await worker.env.runtime.store.loadCannotLinks(SITE), [[x, y!].sort() as [string, string]]);
  assert.deepEqual(await worker.env.runtime.store.pendingSplits(SITE), []);
  assert.deepEqual((await worker.env.runtime.store.findProcessed(SITE, [b[0].observationId]))[0]?.identityId, y);
  await deliver(b[0]);
  assert.equal(
    (
      await rows<{ identity_id: string }>(
        `SELECT identity_id FROM sightings FINAL WHERE site_id = {s:String} AND observation_id = '${b[0].observationId}'`,
      )
    )[0].identity_id,
    y,
  );
});
