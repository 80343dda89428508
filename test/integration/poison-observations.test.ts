// A failure that will happen again never stalls a partition (design invariant 10): on real Redis and
// embedded ClickHouse, one poison observation among good ones of three sites (two tenants) sharing a
// partition is dead-lettered with its reason while the rest lands; an outage is still retried; a
// far-future time is refused by the worker and by the upload endpoint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import type { DeliveredBatch } from '../../common/bus/bus.ts';
import { loadConfig } from '../../common/config.ts';
import { generateEncryptionKeys } from '../../identity-registry/index.ts';
import { createLogger } from '../../common/logger.ts';
import { deadLettersTotal } from '../../common/metrics.ts';
import { openRuntime, type Runtime } from '../../runtime/open-runtime.ts';
import { seededRandom } from '../../common/seeded-random.ts';
import { buildObservation, FacePipeline, ObservationPublisher } from '../../ingest/index.ts';
import { MODEL_ID } from '../../models/index.ts';
import { createUploadApp } from '../../ingest/upload/index.ts';
import {
  createObservationBatchHandler,
  DeadLetterSink,
  RegistryLock,
  SightingTopicSink,
  SiteStateCache,
  VisitMaintainer,
} from '../../reid-worker/index.ts';
import { insertSightings } from '../../storage/sightings-table.ts';
import {
  messageLimits,
  decodeFaceObservation,
  encodeFaceObservation,
  type FaceObservation,
  type Sighting,
} from '../../schemas/index.ts';
import { randomUnit } from '../../reid-worker/index/synthetic-embeddings.ts';
import { matchPolicyFromConfig } from '../../reid-worker/match/match-policy.ts';
import { FaceObservationSchema } from '../../schemas/gen/revisit/v1/face_observation_pb.ts';
import { uniqueName, useRedis, type RedisService } from '../harness/services.ts';

const SITES = [
  { id: 'shop-a', name: 'Shop A', tenant: 't1', timezone: 'Europe/Berlin' },
  { id: 'shop-b', name: 'Shop B', tenant: 't1', timezone: 'Europe/Berlin' },
  { id: 'mall-c', name: 'Mall C', tenant: 't2', timezone: 'America/New_York' },
];
let redis: RedisService;
let runtime: Runtime;
let dataDir: string;
const random = seededRandom(18);
let offset = 0;

before(async () => {
  redis = await useRedis();
  dataDir = mkdtempSync(join(tmpdir(), 'revisit-poison-'));
  runtime = await openRuntime(
    loadConfig(
      {
        dataDir,
        sites: SITES,
        redis: { url: redis.url, keyPrefix: uniqueName('poison') },
        encryption: generateEncryptionKeys(),
      },
      {},
    ),
  );
});

after(async () => {
  await runtime?.close();
  await redis?.release();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The worker's batch handler on the real stores, with `guard` run first when sightings are saved. */
function handlerWith(guard: { write(sightings: Sighting[]): Promise<void> }) {
  const { config, store, clickhouse, bus } = runtime;
  const logger = createLogger('poison-test');
  const visits = new VisitMaintainer(clickhouse, config);
  const topic = new SightingTopicSink(bus, config.topics.sightings);
  return createObservationBatchHandler({
    limits: messageLimits(config),
    policy: matchPolicyFromConfig(config.matching),
    sites: new SiteStateCache(store, config.matching.embeddingDim),
    store,
    steps: {
      saveUnidentified: async () => {},
      saveSightings: async (sightings) => {
        await guard.write(sightings);
        await insertSightings(clickhouse, sightings);
      },
      updateVisits: (sightings, unidentified) => visits.update(sightings, unidentified),
      publishSightings: (sightings) => topic.write(sightings),
    },
    deadLetters: new DeadLetterSink(bus, config.topics.deadLetters, clickhouse, logger),
    registryLock: new RegistryLock(),
    logger,
  });
}

/** A sink that throws `error()` whenever `observationId` is among the sightings, and counts its calls. */
function failingOn(observationId: string, error: () => Error) {
  const sink = {
    calls: 0,
    async write(sightings: Sighting[]) {
      sink.calls++;
      if (sightings.some((s) => s.observationId === observationId)) throw error();
    },
  };
  return sink;
}

/** `perSite` distinct people at each site, a minute apart, two hours ago. */
function observations(prefix: string, perSite: number): FaceObservation[] {
  const t0 = Date.now() - 2 * 3600_000;
  return SITES.flatMap((site) =>
    Array.from({ length: perSite }, (_, i) => ({
      ...buildObservation(
        { embedding: randomUnit(512, random), quality: 0.9 },
        {
          siteId: site.id,
          cameraId: 'door',
          trackId: `t${i}`,
          tStartMs: t0 + i * 60_000,
          tEndMs: t0 + i * 60_000 + 3000,
        },
      ),
      observationId: `${prefix}-${site.id}-${i}`,
    })),
  );
}

/** One partition's batch, as the bus delivers it: every site's messages interleaved. */
function batchOf(values: Array<{ key: string; value: Uint8Array }>): DeliveredBatch {
  return {
    topic: runtime.config.topics.observations,
    partition: 0,
    messages: values.map((m) => ({ ...m, partition: 0, offset: String(offset++) })),
  };
}

const encoded = (list: FaceObservation[]) =>
  list.map((o) => ({ key: o.siteId, value: encodeFaceObservation(o, messageLimits(runtime.config)) }));

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await runtime.clickhouse.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

const sightedIds = async (prefix: string) =>
  (
    await rows<{ observation_id: string }>(
      'SELECT observation_id FROM sightings FINAL WHERE startsWith(observation_id, {p:String}) ORDER BY observation_id',
      { p: prefix },
    )
  ).map((r) => r.observation_id);

async function processingErrors(): Promise<number> {
  return (await deadLettersTotal.get()).values.find((v) => v.labels.reason === 'processing_error')?.value ?? 0;
}

test('one poison observation among good ones of three sites: the good ones land, the poison one is dead-lettered with its reason', async () => {
  const all = observations('p1', 10);
  const poison = all.find((o) => o.observationId === 'p1-shop-a-3')!;
  const guard = failingOn(poison.observationId, () => new RangeError('Invalid time value'));
  const messages = encoded(all);
  const countedBefore = await processingErrors();

  await handlerWith(guard)(batchOf(messages)); // resolves: the partition moves on

  const good = all
    .filter((o) => o !== poison)
    .map((o) => o.observationId)
    .sort();
  assert.deepEqual(await sightedIds('p1-'), good, 'every good observation has its sighting, the poison one none');
  const visits = await rows<{ site_id: string; n: string }>(
    "SELECT site_id, count() AS n FROM visits FINAL WHERE site_id IN ('shop-a', 'shop-b', 'mall-c') GROUP BY site_id ORDER BY site_id",
  );
  assert.deepEqual(
    visits.map((v) => [v.site_id, Number(v.n)]),
    [
      ['mall-c', 10],
      ['shop-a', 9],
      ['shop-b', 10],
    ],
    "the other tenant's and the other site's visits are all there",
  );

  const [letter, ...more] = await rows<{
    reason_code: string;
    reason: string;
    message_key: string;
    payload_sha256: string;
  }>(
    "SELECT reason_code, reason, message_key, payload_sha256 FROM dead_letters WHERE reason_code = 'processing_error'",
  );
  assert.equal(more.length, 0, 'only the poison observation is dead-lettered');
  assert.equal(letter.reason, 'RangeError: Invalid time value');
  assert.equal(letter.message_key, 'shop-a');
  const poisonBytes = messages[all.indexOf(poison)].value;
  assert.equal(
    letter.payload_sha256,
    createHash('sha256').update(poisonBytes).digest('hex'),
    'the row points at the poison bytes',
  );
  assert.equal(
    (await processingErrors()) - countedBefore,
    1,
    'counted once in revisit_dead_letters_total{reason="processing_error"}',
  );

  // The original bytes wait on the dead-letter topic for inspection and replay.
  const dead: FaceObservation[] = [];
  const inspector = await runtime.bus.subscribe(
    { topic: runtime.config.topics.deadLetters, groupId: 'inspector' },
    async (batch) => {
      for (const m of batch.messages) dead.push(decodeFaceObservation(m.value, messageLimits(runtime.config)));
    },
  );
  await inspector.drain();
  await inspector.stop();
  assert.deepEqual(
    dead.map((o) => o.observationId),
    [poison.observationId],
  );
  // Split by site, then halves: a handful of re-runs, not one per observation.
  assert.ok(guard.calls <= 1 + 3 + 2 * 4, `${guard.calls} sink calls`);
});

test('an unavailable store is retried, not dead-lettered: the redelivered batch lands exactly once', async () => {
  const all = observations('p2', 4);
  let outage = true;
  const guard = {
    async write() {
      if (!outage) return;
      outage = false;
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    },
  };
  const handler = handlerWith(guard);
  const batch = batchOf(encoded(all));
  const lettersBefore = (await rows<{ n: string }>('SELECT count() AS n FROM dead_letters'))[0].n;

  await assert.rejects(handler(batch), /ECONNRESET/, 'the bus backs off and redelivers');
  await handler(batch);

  assert.deepEqual(await sightedIds('p2-'), all.map((o) => o.observationId).sort());
  const twice = await rows(
    'SELECT observation_id FROM sightings WHERE startsWith(observation_id, {p:String}) GROUP BY observation_id HAVING uniqExact(identity_id) > 1',
    { p: 'p2-' },
  );
  assert.equal(twice.length, 0, 'the redelivery reused the first assignment');
  assert.equal(
    (await rows<{ n: string }>('SELECT count() AS n FROM dead_letters'))[0].n,
    lettersBefore,
    'nothing dead-lettered',
  );
});

test('a far-future time is dead-lettered by the worker with its reason; the observations after it land', async () => {
  const good = observations('p3', 1);
  const now = BigInt(Date.now());
  // What an integrator once uploaded, encoded without the producer's checks.
  const farFuture = toBinary(
    FaceObservationSchema,
    create(FaceObservationSchema, {
      ...good[0],
      observationId: 'p3-far',
      tStartMs: 8_700_000_000_000_000n,
      tEndMs: 8_700_000_000_000_000n,
      embedding: Array.from(good[0].embedding),
      pairingEmbedding: [],
    }),
  );
  const tomorrow = toBinary(
    FaceObservationSchema,
    create(FaceObservationSchema, {
      ...good[1],
      observationId: 'p3-tomorrow',
      tStartMs: now + 86_400_000n,
      tEndMs: now + 86_400_000n,
      embedding: Array.from(good[1].embedding),
      pairingEmbedding: [],
    }),
  );
  await handlerWith(failingOn('none', () => new Error('unused')))(
    batchOf([{ key: 'shop-a', value: farFuture }, { key: 'shop-b', value: tomorrow }, ...encoded(good)]),
  );

  const letters = await rows<{ reason: string }>(
    "SELECT reason FROM dead_letters WHERE reason_code = 'time_out_of_window' ORDER BY message_key",
  );
  assert.equal(letters.length, 2);
  assert.match(letters[0].reason, /8700000000000000\.\.8700000000000000\) must lie within/);
  assert.deepEqual(await sightedIds('p3-'), good.map((o) => o.observationId).sort());
});

test('an upload with a far-future time is refused with 400 before anything is published', async () => {
  const pipeline = await FacePipeline.load();
  const published: Uint8Array[] = [];
  const topic = uniqueName('uploads');
  const watcher = await runtime.bus.subscribe({ topic, groupId: 'watcher' }, async (batch) => {
    for (const m of batch.messages) published.push(m.value);
  });
  try {
    const limits = messageLimits(runtime.config);
    const app = createUploadApp({
      pipeline,
      publisher: new ObservationPublisher(runtime.bus, topic, limits),
      limits,
      config: runtime.config.ingest,
    });
    const embedding = Array.from(randomUnit(512, random));
    const post = (tMs: number) =>
      app.request('/sites/shop-a/cameras/door/embeddings', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ embedding, modelId: MODEL_ID, modelVersion: '0.0.1', tMs }),
      });
    for (const tMs of [8.7e15, Date.now() + 86_400_000]) {
      const res = await post(tMs);
      assert.equal(res.status, 400, `tMs ${tMs}`);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'time_out_of_window');
    }
    assert.equal((await post(Date.now() - 60_000)).status, 202, 'a time within the window is accepted');
    await watcher.drain();
    assert.equal(published.length, 1, 'only the accepted upload reached the topic');
  } finally {
    await watcher.stop();
    await pipeline.close();
  }
});
