// The periodic re-clustering pass in the running worker (embedded runtime, fake clock): a person
// split into two identities is merged, and the registry, sightings, visits, reports and the
// audit table all follow; a redelivery cannot resurrect the merged id; a merge a crash left
// half-done is finished by the next worker. Each merge is announced on the identity-merges topic.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { Subscription } from '../../common/bus/bus.ts';
import { buildObservation, ObservationPublisher } from '../../ingest/index.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { decodeIdentityMerge, type FaceObservation, type IdentityMergeEvent } from '../../schemas/index.ts';
import { mergeIdentities } from '../../reid-worker/match/merge-identities.ts';
import { VISIT_AGGREGATES } from '../../storage/visit-aggregates-table.ts';
import { queryFootfall, queryReturningVisitors, type ReportRange } from '../../reports/index.ts';
import { openEmbeddedWorker, type EmbeddedWorker, publisherOf } from './open-embedded-worker.ts';
import { faceOnAxis } from '../../reid-worker/index/synthetic-embeddings.ts';

const SEC = 1000;
const DIM = 512;
// Recent (sightings carry a TTL from their time) and whole hours, so every visit lies in one UTC day.
const T0 = Math.floor((Date.now() - 6 * 3600_000) / 3600_000) * 3600_000;
const DAY = new Date(T0).toISOString().slice(0, 10);
const NEXT_DAY = new Date(T0 + 24 * 3600_000).toISOString().slice(0, 10);
let clock = T0 + 400 * SEC;
let env: EmbeddedWorker;
let publisher: ObservationPublisher;
let redis: Redis;
let restarted: Subscription | undefined;
let announcements: Subscription;
/** What integrated-mode applications read on the identity-merges topic. */
const announced: IdentityMergeEvent[] = [];

function face(axis: number, x: number): Float32Array {
  return faceOnAxis(DIM, axis, x);
}

function observation(
  siteId: string,
  embedding: Float32Array,
  cameraId: string,
  fromS: number,
  toS: number,
): FaceObservation {
  return buildObservation(
    { embedding, quality: 1 },
    { siteId, cameraId, trackId: `${cameraId}-${fromS}`, tStartMs: T0 + fromS * SEC, tEndMs: T0 + toS * SEC },
  );
}

async function deliver(...observations: FaceObservation[]): Promise<void> {
  await publisher.publish(observations);
  await (restarted ?? env.worker).drain();
}

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await env.runtime.clickhouse.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

const range = (siteId: string): ReportRange => ({ siteId, timeZone: 'UTC', from: DAY, to: NEXT_DAY });
const sightingIds = (siteId: string) =>
  rows<{ observation_id: string; identity_id: string }>(
    'SELECT observation_id, identity_id FROM sightings FINAL WHERE site_id = {s:String} ORDER BY t_start',
    { s: siteId },
  );
const visitRows = (siteId: string) =>
  rows<{ identity_id: string; returning: number; counted: number; cameras: string[] }>(
    'SELECT identity_id, returning, counted, cameras FROM visits FINAL WHERE site_id = {s:String} ORDER BY start',
    { s: siteId },
  );

before(async () => {
  env = await openEmbeddedWorker(
    {
      sites: ['store-1', 'store-2'].map((id) => ({ id, name: id, tenant: 't1', timezone: 'UTC' })),
      // A strict threshold splits the person's first two faces (cos 0.8); the merge threshold follows it (0.85).
      matching: { matchMinCosine: 0.85, reclusterEveryMs: 60_000 },
      // The fake clock only moves where re-clustering needs it; the scene runs up to 20 minutes ahead of it.
      limits: { maxFutureSkewMs: 3600_000 },
    },
    () => clock,
  );
  publisher = publisherOf(env);
  redis = new Redis(env.redisUrl);
  announcements = await env.runtime.bus.subscribe(
    { topic: env.runtime.config.topics.merges, groupId: 'integrator' },
    async (batch) => {
      for (const m of batch.messages) announced.push(decodeIdentityMerge(m.value));
    },
  );
});

after(async () => {
  redis?.disconnect();
  await announcements?.stop();
  await restarted?.stop();
  await env?.close();
});

test('a split person is merged by the periodic pass: one identity, one visitor, and a redelivery cannot bring the other back', async () => {
  const site = 'store-1';
  const first = observation(site, face(1, 0.5), 'entrance', 0, 200);
  const second = observation(site, face(2, 0.5), 'zone', 30, 250);
  await deliver(first);
  await deliver(second);
  const split = await sightingIds(site);
  assert.equal(new Set(split.map((s) => s.identity_id)).size, 2, 'the strict threshold split the person');
  assert.equal(
    (await queryFootfall(env.runtime.clickhouse, range(site), 'day')).totals.visitors,
    2,
    'before the merge the reports count two people',
  );

  // A third face pulls one centroid to cos 0.87 of the other; the pass is due (2 min ≥ 60 s).
  clock += 120 * SEC;
  await deliver(observation(site, face(0, 0), 'checkout', 300, 310));

  const [merge, ...more] = await rows<{ merged_identity_id: string; identity_id: string; similarity: number }>(
    'SELECT merged_identity_id, identity_id, similarity FROM identity_merges FINAL WHERE site_id = {s:String}',
    { s: site },
  );
  assert.equal(more.length, 0);
  assert.ok(merge, 'the merge is recorded in identity_merges');
  const { merged_identity_id: from, identity_id: to } = merge;
  assert.deepEqual(new Set([from, to]), new Set(split.map((s) => s.identity_id)));
  assert.ok(merge.similarity >= 0.85);
  await announcements.drain();
  assert.deepEqual(
    announced.map((a) => [a.siteId, a.fromIdentityId, a.intoIdentityId, a.mergedAtMs]),
    [[site, from, to, clock]],
    'integrators are told: re-point the merged id',
  );
  assert.ok(Math.abs(announced[0].similarity - merge.similarity) < 1e-6);

  const identities = await env.runtime.store.loadSite(site);
  assert.deepEqual(
    identities.map((i) => i.identityId),
    [to],
    'one identity left in Redis',
  );
  assert.equal(identities[0].sightings, 3);
  const prefix = env.runtime.config.redis.keyPrefix;
  assert.equal(await redis.exists(`${prefix}:{${site}}:rec:${from}`), 0);
  assert.deepEqual(await env.runtime.store.pendingMerges(site), [], 'nothing left pending');

  assert.deepEqual(
    (await sightingIds(site)).map((s) => s.identity_id),
    [to, to, to],
    'every sighting of the person carries the survivor',
  );
  const visits = await visitRows(site);
  assert.deepEqual(
    visits.map((v) => [v.identity_id, v.returning, v.counted]),
    [[to, 0, 1]],
    'the two overlapping visits became one new visit',
  );
  assert.deepEqual(visits[0].cameras, ['entrance', 'zone', 'checkout']);
  const footfall = await queryFootfall(env.runtime.clickhouse, range(site), 'day');
  assert.deepEqual(footfall.totals, {
    visitors: 1,
    visits: 1,
    newVisits: 1,
    returningVisits: 0,
    unidentifiedVisits: 0,
  });
  assert.equal((await queryFootfall(env.runtime.clickhouse, range(site), 'hour')).totals.visitors, 1);
  assert.equal((await queryReturningVisitors(env.runtime.clickhouse, range(site))).visitors, 1);

  // The merged id's observation comes again (a redelivery after a crash): it answers with the survivor.
  const mergedAway = split.find((s) => s.identity_id === from)!.observation_id;
  await deliver([first, second].find((o) => o.observationId === mergedAway)!);
  assert.deepEqual(
    (await env.runtime.store.loadSite(site)).map((i) => i.identityId),
    [to],
    'the redelivery did not recreate the merged identity',
  );
  assert.deepEqual(
    (await sightingIds(site)).map((s) => s.identity_id),
    [to, to, to],
  );
  assert.equal((await visitRows(site)).length, 1);
  assert.equal((await queryFootfall(env.runtime.clickhouse, range(site), 'day')).totals.visitors, 1);
});

test('a merge a crash left between Redis and ClickHouse is finished by the next worker', async () => {
  const site = 'store-2';
  await deliver(
    observation(site, face(3, 0.5), 'entrance', 1000, 1200),
    observation(site, face(4, 0.5), 'zone', 1030, 1250),
  );
  const [a, b] = await env.runtime.store.loadSite(site);
  assert.ok(a && b, 'two identities');
  // What a crash right after the registry transaction leaves behind: Redis merged, ClickHouse not.
  await env.runtime.store.applyMerges(
    site,
    [mergeIdentities(b, a)],
    [{ from: a.identityId, to: b.identityId, similarity: 0.8, mergedAtMs: clock }],
  );
  assert.equal(new Set((await sightingIds(site)).map((s) => s.identity_id)).size, 2);
  await env.worker.stop();
  restarted = await startReidWorker({ ...env.runtime, now: () => clock });

  await deliver(observation(site, face(4, 0.5), 'checkout', 1300, 1310));
  assert.deepEqual(await env.runtime.store.pendingMerges(site), []);
  assert.deepEqual(new Set((await sightingIds(site)).map((s) => s.identity_id)), new Set([b.identityId]));
  assert.deepEqual(
    (await visitRows(site)).map((v) => v.identity_id),
    [b.identityId],
  );
  assert.equal((await queryFootfall(env.runtime.clickhouse, range(site), 'day')).totals.visitors, 1);
  const merges = await rows<{ identity_id: string }>(
    'SELECT identity_id FROM identity_merges FINAL WHERE site_id = {s:String} AND merged_identity_id = {m:String}',
    { s: site, m: a.identityId },
  );
  assert.deepEqual(merges, [{ identity_id: b.identityId }]);
  await announcements.drain();
  assert.deepEqual(
    announced.filter((m) => m.siteId === site).map((m) => [m.fromIdentityId, m.intoIdentityId]),
    [[a.identityId, b.identityId]],
    'the finished merge is announced too',
  );
});

test('every materialized view on visits feeds a table the merge rebuilds', async () => {
  const views = await rows<{ create_table_query: string }>(
    "SELECT create_table_query FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView'",
  );
  const targets = views
    .filter((v) => /\bFROM\s+(?:`?\w+`?\.)?`?visits`?(?:\s|$)/i.test(v.create_table_query))
    .map((v) => /\bTO\s+(?:`?\w+`?\.)?`?(\w+)`?/i.exec(v.create_table_query)![1]);
  assert.deepEqual(targets.sort(), [...VISIT_AGGREGATES].sort());
});
