// Over the real Kafka bus, one partition shared by two tenants' sites: a message that makes a sink
// throw (a row ClickHouse itself rejects) and a far-future time are dead-lettered, and the next
// observation of the other tenant's site is assigned. Before, either kept the partition stuck.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import type { Subscription } from '../../common/bus/bus.ts';
import { loadConfig } from '../../common/config.ts';
import { generateEncryptionKeys } from '../../identity-registry/index.ts';
import { openRuntime, type Runtime } from '../../runtime/open-runtime.ts';
import { seededRandom } from '../../common/seeded-random.ts';
import { buildObservation } from '../../ingest/index.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { messageLimits, encodeFaceObservation, type FaceObservation } from '../../schemas/index.ts';
import { randomUnit } from '../../reid-worker/index/synthetic-embeddings.ts';
import { FaceObservationSchema } from '../../schemas/gen/revisit/v1/face_observation_pb.ts';
import { uniqueName, useKafka, useRedis, type KafkaService, type RedisService } from '../harness/services.ts';

const SHOP = 'shop-t1';
const OTHER_TENANT = 'store-t2';
let kafka: KafkaService;
let redis: RedisService;
let runtime: Runtime;
let worker: Subscription;
let dataDir: string;
const random = seededRandom(14);

before(async () => {
  [kafka, redis] = await Promise.all([useKafka(), useRedis()]);
  dataDir = mkdtempSync(join(tmpdir(), 'revisit-poison-kafka-'));
  const topic = uniqueName('obs');
  const config = loadConfig(
    {
      dataDir,
      sites: [
        { id: SHOP, name: 'Shop', tenant: 't1', timezone: 'Europe/Berlin' },
        { id: OTHER_TENANT, name: 'Store', tenant: 't2', timezone: 'Europe/Berlin' },
      ],
      // One partition: both tenants' sites share it, as sites do whenever there are more sites than partitions.
      kafka: { brokers: kafka.brokers, partitions: 1, groupId: uniqueName('reid') },
      topics: {
        observations: topic,
        deadLetters: `${topic}.dlq`,
        sightings: `${topic}.sightings`,
        merges: `${topic}.merges`,
      },
      redis: { url: redis.url, keyPrefix: uniqueName('pk') },
      encryption: generateEncryptionKeys(),
    },
    {},
  );
  runtime = await openRuntime(config);
  // A row ClickHouse itself rejects: the poison is real data meeting a real constraint, no stand-in sink.
  await runtime.clickhouse.command({
    query: "ALTER TABLE sightings ADD CONSTRAINT no_poison CHECK observation_id != 'poison-1'",
  });
  worker = await startReidWorker(runtime);
});

after(async () => {
  await worker?.stop();
  await runtime?.close();
  await Promise.all([kafka?.release(), redis?.release()]);
  rmSync(dataDir, { recursive: true, force: true });
});

function observation(siteId: string, observationId: string, minutesAgo: number): FaceObservation {
  const t = Date.now() - minutesAgo * 60_000;
  return {
    ...buildObservation(
      { embedding: randomUnit(512, random), quality: 0.9 },
      { siteId, cameraId: 'door', trackId: observationId, tStartMs: t, tEndMs: t + 2000 },
    ),
    observationId,
  };
}

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await runtime.clickhouse.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

const publish = (values: Array<{ key: string; value: Uint8Array }>) =>
  runtime.bus.publish(runtime.config.topics.observations, values);
const encode = (o: FaceObservation) => ({
  key: o.siteId,
  value: encodeFaceObservation(o, messageLimits(runtime.config)),
});

test("a message that makes a sink throw is dead-lettered; the other tenant's next observation on the partition is assigned", {
  timeout: 120_000,
}, async () => {
  const poison = encode(observation(SHOP, 'poison-1', 30));
  const next = observation(OTHER_TENANT, 'next-1', 29);
  await publish([poison, encode(observation(SHOP, 'good-1', 31)), encode(next)]);
  await worker.drain();

  const sighted = await rows<{ observation_id: string; identity_id: string }>(
    'SELECT observation_id, identity_id FROM sightings FINAL ORDER BY observation_id',
  );
  assert.deepEqual(
    sighted.map((r) => r.observation_id),
    ['good-1', 'next-1'],
    'the rest of the partition landed',
  );
  assert.ok(
    sighted.every((r) => r.identity_id.length > 0),
    'the next observation was assigned an identity',
  );
  const [letter] = await rows<{ reason_code: string; reason: string; payload_sha256: string }>(
    "SELECT reason_code, reason, payload_sha256 FROM dead_letters WHERE message_key = 'shop-t1'",
  );
  assert.equal(letter.reason_code, 'processing_error');
  assert.match(letter.reason, /^ClickHouseError VIOLATED_CONSTRAINT: Constraint `no_poison`/);
  assert.equal(letter.payload_sha256, createHash('sha256').update(poison.value).digest('hex'));
});

test("a far-future time is dead-lettered with its reason; the other tenant's next observation is assigned", {
  timeout: 120_000,
}, async () => {
  const base = observation(SHOP, 'far-1', 0);
  const far = toBinary(
    FaceObservationSchema,
    create(FaceObservationSchema, {
      ...base,
      tStartMs: 8_700_000_000_000_000n,
      tEndMs: 8_700_000_000_000_000n,
      embedding: Array.from(base.embedding),
      pairingEmbedding: [],
    }),
  );
  await publish([{ key: SHOP, value: far }, encode(observation(OTHER_TENANT, 'next-2', 5))]);
  await worker.drain();

  const [letter] = await rows<{ reason_code: string }>(
    'SELECT reason_code FROM dead_letters WHERE payload_sha256 = {sha:String}',
    { sha: createHash('sha256').update(far).digest('hex') },
  );
  assert.equal(letter.reason_code, 'time_out_of_window');
  const [next] = await rows<{ identity_id: string }>(
    "SELECT identity_id FROM sightings FINAL WHERE observation_id = 'next-2'",
  );
  assert.ok(next?.identity_id, 'assigned');
});
