// The whole skeleton on real services: ONNX ingest → Kafka → re-id worker → Redis + ClickHouse.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../common/config.ts';
import { generateEncryptionKeys } from '../../identity-registry/index.ts';
import { openRuntime, type Runtime } from '../../runtime/open-runtime.ts';
import { create, toBinary } from '@bufbuild/protobuf';
import { decodeImage, FacePipeline, ingestImages, ObservationPublisher } from '../../ingest/index.ts';
import { MODEL_ID } from '../../models/index.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { messageLimits, encodeFaceObservation } from '../../schemas/index.ts';
import type { Subscription } from '../../common/bus/bus.ts';
import { FaceObservationSchema } from '../../schemas/gen/revisit/v1/face_observation_pb.ts';
import { personImages } from '../harness/faces-dir.ts';
import { uniqueName, useKafka, useRedis, type KafkaService, type RedisService } from '../harness/services.ts';

const SITE = 'store-1';
let kafka: KafkaService;
let redis: RedisService;
let runtime: Runtime;
let worker: Subscription;
let pipeline: FacePipeline;
let publisher: ObservationPublisher;
let dataDir: string;

before(async () => {
  [kafka, redis] = await Promise.all([useKafka(), useRedis()]);
  dataDir = mkdtempSync(join(tmpdir(), 'revisit-pipeline-'));
  const topic = uniqueName('obs');
  const config = loadConfig(
    {
      dataDir,
      sites: [{ id: SITE, name: 'Store 1', tenant: 't1', timezone: 'UTC' }],
      kafka: { brokers: kafka.brokers, partitions: 2 },
      topics: { observations: topic, deadLetters: `${topic}.dlq` },
      redis: { url: redis.url, keyPrefix: uniqueName('rv') },
      encryption: generateEncryptionKeys(),
    },
    {},
  );
  runtime = await openRuntime(config);
  worker = await startReidWorker(runtime);
  pipeline = await FacePipeline.load();
  publisher = new ObservationPublisher(runtime.bus, topic, messageLimits(config));
});

after(async () => {
  await worker?.stop();
  await pipeline?.close();
  await runtime?.close();
  await Promise.all([kafka?.release(), redis?.release()]);
  rmSync(dataDir, { recursive: true, force: true });
});

async function identityOf(files: string[], cameraId: string): Promise<string[]> {
  const summary = await ingestImages(pipeline, publisher, { siteId: SITE, cameraId, files });
  assert.equal(summary.skipped.length, 0, JSON.stringify(summary.skipped));
  await worker.drain();
  const rows = await runtime.clickhouse.query({
    query: `SELECT identity_id FROM sightings FINAL WHERE site_id = {site:String} AND camera_id = {camera:String} ORDER BY t_start, observation_id`,
    query_params: { site: SITE, camera: cameraId },
    format: 'JSONEachRow',
  });
  return (await rows.json<{ identity_id: string }>()).map((r) => r.identity_id);
}

test('two photos of one person share an anonymous id; other people get other ids', async () => {
  const [a1, a2] = personImages('deepface', 'p01');
  const [b1] = personImages('deepface', 'p02');
  const [c1, c2] = personImages('faces94_subset', '9336923');
  const first = await identityOf([a1], 'cam-a1');
  const second = await identityOf([a2], 'cam-a2');
  const other = await identityOf([b1], 'cam-b1');
  const third = await identityOf([c1, c2], 'cam-c');
  assert.equal(first.length, 1);
  assert.equal(second[0], first[0], 'same person, second photo, other camera');
  assert.notEqual(other[0], first[0], 'a different person');
  assert.equal(third[0], third[1], 'same person twice');
  assert.ok(!third.includes(first[0]) && !third.includes(other[0]));
  assert.equal(await runtime.store.countIdentities(SITE), 3);
});

test('identities in Redis hold no plaintext vector', async () => {
  const client = new Redis(redis.url);
  try {
    const identities = await runtime.store.loadSite(SITE);
    assert.ok(identities.length > 0);
    const probe = Buffer.from(identities[0].centroid.buffer).subarray(0, 32);
    const keys = await client.keys(`${runtime.config.redis.keyPrefix}:*`);
    for (const key of keys) {
      const type = await client.type(key);
      const values =
        type === 'hash'
          ? Object.values(await client.hgetallBuffer(key))
          : type === 'string'
            ? [await client.getBuffer(key)]
            : [];
      for (const v of values) assert.equal(v?.indexOf(probe) ?? -1, -1, `plaintext centroid bytes in ${key}`);
    }
  } finally {
    client.disconnect();
  }
});

/** Encodes without validation: what a buggy or hostile producer could put on the topic. */
function rawObservation(embedding: number[], observationId: string): Uint8Array {
  const now = BigInt(Date.now());
  return toBinary(
    FaceObservationSchema,
    create(FaceObservationSchema, {
      observationId,
      siteId: SITE,
      cameraId: 'cam-x',
      trackId: 't',
      tStartMs: now,
      tEndMs: now,
      embedding,
      quality: 0.5,
      modelId: 'm',
      modelVersion: '1',
    }),
  );
}

test('malformed messages go to dead letters with a reason and the stream goes on', async () => {
  const [good] = await pipeline.embedFaces(await decodeImage(personImages('deepface', 'p03')[0]));
  const nan = Array.from(good.embedding);
  nan[7] = Number.NaN;
  const now = Date.now();
  const valid = encodeFaceObservation(
    {
      observationId: 'good-after-bad',
      siteId: SITE,
      cameraId: 'cam-x',
      trackId: 't',
      tStartMs: now,
      tEndMs: now,
      embedding: good.embedding,
      quality: 0.5,
      modelId: MODEL_ID,
      modelVersion: '1',
      cannotLinkTrackIds: [],
    },
    messageLimits(runtime.config),
  );
  await runtime.bus.publish(runtime.config.topics.observations, [
    { key: SITE, value: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]) },
    { key: SITE, value: rawObservation([1, 0, 0, 0], 'bad-dims') },
    { key: SITE, value: rawObservation(nan, 'bad-nan') },
    { key: SITE, value: valid },
  ]);
  await worker.drain();
  const dead = await runtime.clickhouse.query({
    query: 'SELECT reason_code, reason FROM dead_letters',
    format: 'JSONEachRow',
  });
  const rows = await dead.json<{ reason_code: string; reason: string }>();
  assert.deepEqual(rows.map((r) => r.reason_code).sort(), ['bad_dimension', 'malformed', 'non_finite']);
  assert.ok(rows.every((r) => r.reason.length > 0));
  const sighted = await runtime.clickhouse.query({
    query: "SELECT count() AS n FROM sightings FINAL WHERE observation_id = 'good-after-bad'",
    format: 'JSONEachRow',
  });
  assert.equal(Number((await sighted.json<{ n: string }>())[0].n), 1);
});
