// Retention on real faces with a fake clock: an identity unseen for the retention period is gone
// from index and registry, and the same face then gets a new id; sightings expire by ClickHouse TTL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { FacePipeline, ingestImages, ObservationPublisher } from '../../ingest/index.ts';
import { insertSightings } from '../../storage/sightings-table.ts';
import { personImages } from '../harness/faces-dir.ts';
import { openEmbeddedWorker, type EmbeddedWorker, publisherOf } from './open-embedded-worker.ts';

const SITE = 'store-1';
const HOUR_MS = 3600_000;
const T0 = Date.now();
let clock = T0;
let env: EmbeddedWorker;
let pipeline: FacePipeline;
let publisher: ObservationPublisher;
let redis: Redis;

before(async () => {
  env = await openEmbeddedWorker(
    {
      sites: [
        { id: SITE, name: 'Store 1', tenant: 't1', timezone: 'UTC', retentionDays: 1, sightingRetentionDays: 30 },
      ],
      privacy: { retentionSweepMs: 60_000 },
    },
    () => clock,
  );
  pipeline = await FacePipeline.load();
  publisher = publisherOf(env, () => clock);
  redis = new Redis(env.redisUrl);
});

after(async () => {
  redis?.disconnect();
  await pipeline?.close();
  await env?.close();
});

/** Ingests one photo seen at the fake clock's now; returns the identity it was given. */
async function identityAt(file: string): Promise<string> {
  const summary = await ingestImages(pipeline, publisher, {
    siteId: SITE,
    cameraId: 'cam-1',
    files: [file],
    timeOf: () => clock,
  });
  assert.equal(summary.observations, 1);
  await env.worker.drain();
  const rows = await env.runtime.clickhouse.query({
    query:
      'SELECT identity_id, retention_days FROM sightings FINAL WHERE t_start = fromUnixTimestamp64Milli({t:Int64})',
    query_params: { t: clock },
    format: 'JSONEachRow',
  });
  const [row] = await rows.json<{ identity_id: string; retention_days: number }>();
  assert.equal(Number(row.retention_days), 30, "the sink stores the site's sighting retention");
  return row.identity_id;
}

test('within retention the same face keeps its id; after it, the old identity is gone and the face gets a new id', async () => {
  const photos = personImages('deepface', 'p03');
  const first = await identityAt(photos[0]);
  const key = `${env.runtime.config.redis.keyPrefix}:{${SITE}}:rec:${first}`;
  const ttl = await redis.pttl(key);
  assert.ok(ttl > 23 * HOUR_MS && ttl <= 24 * HOUR_MS, `identity key TTL is the retention (got ${ttl} ms)`);

  clock += 12 * HOUR_MS;
  assert.equal(await identityAt(photos[1]), first, 'seen again within a day: same id');

  clock += 25 * HOUR_MS; // last seen 25 h ago, retention 24 h
  const later = await identityAt(photos[2]);
  assert.notEqual(later, first, 'after the retention period the same face is a new visitor');
  assert.equal(await redis.exists(key), 0, 'the expired identity is gone from Redis');
  assert.deepEqual(await redis.zrange(`${env.runtime.config.redis.keyPrefix}:{${SITE}}:ids`, '0', '-1'), [later]);
  assert.deepEqual(
    (await env.runtime.store.loadSite(SITE)).map((i) => i.identityId),
    [later],
  );
});

test('sightings older than their retention are dropped by the table TTL; recent ones stay', async () => {
  const days = (n: number) => Date.now() - n * 24 * HOUR_MS;
  const sighting = (observationId: string, siteId: string, t: number) => ({
    observationId,
    siteId,
    cameraId: 'c',
    identityId: 'x',
    tStartMs: t,
    tEndMs: t,
    similarity: 0,
    isNewIdentity: true,
    quality: 1,
    modelId: 'm',
    label: '',
  });
  await insertSightings(
    env.runtime.clickhouse,
    [
      sighting('ttl-old', SITE, days(31)),
      sighting('ttl-recent', SITE, days(29)),
      sighting('ttl-short', 'short', days(8)),
    ],
    (site) => (site === 'short' ? 7 : 30),
  );
  await env.runtime.clickhouse.command({ query: 'OPTIMIZE TABLE sightings FINAL' });
  const rows = await env.runtime.clickhouse.query({
    query: "SELECT observation_id FROM sightings WHERE observation_id LIKE 'ttl-%'",
    format: 'JSONEachRow',
  });
  assert.deepEqual(
    (await rows.json<{ observation_id: string }>()).map((r) => r.observation_id),
    ['ttl-recent'],
  );
});
