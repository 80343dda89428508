// Staff exclusion on real faces: an enrolled person's sightings are labelled and never counted as footfall.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { create, toBinary } from '@bufbuild/protobuf';
import { Redis } from 'ioredis';
import { ingestImages } from '../../ingest/index.ts';
import { enrollFaces } from '../../reid-worker/exclusion/index.ts';
import { FaceObservationSchema } from '../../schemas/gen/revisit/v1/face_observation_pb.ts';
import { personImages } from '../harness/faces-dir.ts';
import { openFaceWorker, type FaceWorker } from './open-embedded-worker.ts';

const SITE = 'store-1';
const T = Date.UTC(2030, 0, 7, 10, 15);
let env: FaceWorker;

// The worker's clock is the scene's: its sightings lie in 2030.
before(async () => (env = await openFaceWorker(SITE, () => T)));
after(async () => env?.close());

async function ingest(files: string[], cameraId: string, tMs: number): Promise<void> {
  const summary = await ingestImages(env.pipeline, env.publisher, { siteId: SITE, cameraId, files, timeOf: () => tMs });
  assert.equal(summary.skipped.length, 0, JSON.stringify(summary.skipped));
  await env.worker.drain();
}

async function sightingsOf(cameraId: string): Promise<Array<{ identity_id: string; label: string }>> {
  const rows = await env.runtime.clickhouse.query({
    query:
      'SELECT identity_id, label FROM sightings FINAL WHERE site_id = {site:String} AND camera_id = {camera:String} ORDER BY observation_id',
    query_params: { site: SITE, camera: cameraId },
    format: 'JSONEachRow',
  });
  return rows.json();
}

test('an enrolled staff member is labelled, gets no identity, and is not counted as footfall', async () => {
  const staff = personImages('deepface', 'p01');
  const { template, skipped } = await enrollFaces(
    { siteId: SITE, label: 'staff', files: staff.slice(0, 3) },
    {
      pipeline: env.pipeline,
      store: env.runtime.store,
      minAgreementCosine: env.runtime.config.matching.matchMinCosine,
    },
  );
  assert.equal(skipped.length, 0);
  assert.equal(template.images, 3);

  await ingest(staff.slice(4, 6), 'cam-staff', T);
  await ingest(personImages('deepface', 'p02').slice(0, 1), 'cam-customer', T + 60_000);

  const staffRows = await sightingsOf('cam-staff');
  assert.equal(staffRows.length, 2);
  assert.ok(
    staffRows.every((r) => r.label === 'staff' && r.identity_id === template.templateId),
    JSON.stringify(staffRows),
  );
  const [customer] = await sightingsOf('cam-customer');
  assert.equal(customer.label, '');
  assert.equal(await env.runtime.store.countIdentities(SITE), 1, 'only the customer became an identity');

  // Every report counts from the visits table: staff sightings make no visit there.
  const visits = await env.runtime.clickhouse.query({
    query: 'SELECT identity_id FROM visits FINAL WHERE site_id = {site:String}',
    query_params: { site: SITE },
    format: 'JSONEachRow',
  });
  assert.deepEqual(
    await visits.json(),
    [{ identity_id: customer.identity_id }],
    'three sightings, two of them staff: one visitor, one visit',
  );
});

test('the template is sealed with the site key: no plaintext vector in Redis, key id stored', async () => {
  const [template] = await env.runtime.store.loadTemplates(SITE);
  const client = new Redis(env.redisUrl);
  try {
    const keys = await client.keys(`${env.runtime.config.redis.keyPrefix}:{${SITE}}:tpl:*`);
    assert.equal(keys.length, 1);
    const stored = await client.hgetallBuffer(keys[0]);
    assert.equal(stored.k.toString(), 'k1');
    assert.equal(stored.c.indexOf(Buffer.from(template.embedding.buffer).subarray(0, 32)), -1);
  } finally {
    client.disconnect();
  }
});

test('a removed enrolment stops labelling at once, also for a worker that already loaded it', async () => {
  const [template] = await env.runtime.store.loadTemplates(SITE);
  assert.equal(await env.runtime.store.removeTemplate(SITE, template.templateId), true);
  await ingest(personImages('deepface', 'p01').slice(6, 7), 'cam-after', T + 120_000);
  const [row] = await sightingsOf('cam-after');
  assert.equal(row.label, '');
  assert.notEqual(row.identity_id, template.templateId);
});

/** Encodes without validation: what a misconfigured camera could publish. */
function raw(fields: { siteId: string; modelId: string; observationId: string }): Uint8Array {
  const embedding = Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : 0));
  return toBinary(
    FaceObservationSchema,
    create(FaceObservationSchema, {
      ...fields,
      cameraId: 'c',
      trackId: 't',
      tStartMs: BigInt(T),
      tEndMs: BigInt(T),
      embedding,
      quality: 0.5,
      modelVersion: '1',
    }),
  );
}

test('an unknown site and another model go to dead letters with their reason', async () => {
  await env.runtime.bus.publish(env.runtime.config.topics.observations, [
    { key: 'nowhere', value: raw({ siteId: 'nowhere', modelId: 'fr_feature', observationId: 'dl-site' }) },
    { key: SITE, value: raw({ siteId: SITE, modelId: 'arcface-r100', observationId: 'dl-model' }) },
  ]);
  await env.worker.drain();
  const rows = await (
    await env.runtime.clickhouse.query({
      query: 'SELECT reason_code, reason FROM dead_letters ORDER BY reason_code',
      format: 'JSONEachRow',
    })
  ).json<{ reason_code: string; reason: string }>();
  assert.deepEqual(
    rows.map((r) => r.reason_code),
    ['unknown_site', 'wrong_model'],
  );
  assert.match(rows[0].reason, /nowhere/);
  assert.match(rows[1].reason, /arcface-r100.*fr_feature/);
  const sighted = await (
    await env.runtime.clickhouse.query({
      query: "SELECT count() AS n FROM sightings WHERE observation_id LIKE 'dl-%'",
      format: 'JSONEachRow',
    })
  ).json<{ n: string }>();
  assert.equal(Number(sighted[0].n), 0);
});
