// A too-small face's pairing embedding in the running worker (embedded runtime, fake clock): it
// chooses which of two shoppers' visits the checkout track ends, and it is never an identity — an
// identified observation carrying one is dead-lettered, and no table or registry key ever holds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create, toBinary } from '@bufbuild/protobuf';
import { buildObservation } from '../../ingest/index.ts';
import { UnidentifiedReason, type FaceObservation } from '../../schemas/index.ts';
import { FaceObservationSchema } from '../../schemas/gen/revisit/v1/face_observation_pb.ts';
import { useEmbeddedWorker } from './open-embedded-worker.ts';

const SEC = 1000;
const DIM = 512;
const SITE = 'till-shop';
const T0 = Math.floor((Date.now() - 6 * 3600_000) / 3600_000) * 3600_000;
const clock = T0 + 400 * SEC;

/** Person k's face: its own axis, far from everyone else's. */
function personFace(k: number): Float32Array {
  const v = new Float32Array(DIM);
  v[k] = 1;
  return v;
}

/** A weak view of person k: cosine `c` to their face, the rest on an axis nobody owns. */
function weakView(k: number, c: number): Float32Array {
  const v = new Float32Array(DIM);
  v[k] = c;
  v[DIM - 1] = Math.sqrt(1 - c * c);
  return v;
}

function context(cameraId: string, fromS: number, toS: number) {
  return {
    siteId: SITE,
    cameraId,
    trackId: `${cameraId}-${fromS}`,
    tStartMs: T0 + fromS * SEC,
    tEndMs: T0 + toS * SEC,
  };
}

const seen = (k: number, cameraId: string, fromS: number): FaceObservation =>
  buildObservation({ embedding: personFace(k), quality: 1 }, context(cameraId, fromS, fromS + 10));

const tooSmall = (cameraId: string, fromS: number, pairingEmbedding?: Float32Array): FaceObservation =>
  buildObservation(
    { embedding: new Float32Array(0), quality: 0.3 },
    { ...context(cameraId, fromS, fromS + 20), unidentified: UnidentifiedReason.TOO_SMALL, pairingEmbedding },
  );

const worker = useEmbeddedWorker(
  SITE,
  {
    sites: [{ id: SITE, name: SITE, tenant: 't1', timezone: 'UTC', exitCameras: ['checkout'] }],
    limits: { maxFutureSkewMs: 3600_000 },
  },
  () => clock,
);
const { deliver, rows } = worker;

test("a checkout track's small face ends its owner's visit, not the one waiting longest; without a face, the one waiting longest", async () => {
  // Shopper 1 is seen last first: by time alone the checkout tracks would end shopper 1's visit.
  await deliver(seen(1, 'zone', 60), seen(2, 'zone', 90));
  const own = tooSmall('checkout', 200, weakView(2, 0.35));
  await deliver(own);
  const visits = await rows<{ cameras: string[]; exit_track: string; sightings: number }>(
    'SELECT cameras, exit_track, sightings FROM visits FINAL WHERE site_id = {s:String} ORDER BY start',
  );
  assert.deepEqual(
    visits.map((v) => [v.cameras, v.exit_track]),
    [
      [['zone'], ''],
      [['zone', 'checkout'], own.observationId],
    ],
    "the track ends shopper 2's visit, whose face it is",
  );
  const timed = tooSmall('checkout', 220);
  await deliver(timed);
  const [first] = await rows<{ exit_track: string }>(
    'SELECT exit_track FROM visits FINAL WHERE site_id = {s:String} ORDER BY start LIMIT 1',
  );
  assert.equal(first.exit_track, timed.observationId, 'a track without a face joins by time');
});

test('a pairing embedding is never an identity: refused on an identified observation, never matched, never stored', async () => {
  const identitiesBefore = await rows<{ n: string }>(
    'SELECT uniqExact(identity_id) AS n FROM sightings WHERE site_id = {s:String}',
  );
  // An integrator's producer without the checks: an identified face smuggling a second embedding.
  const smuggled = seen(3, 'zone', 300);
  const raw = toBinary(
    FaceObservationSchema,
    create(FaceObservationSchema, {
      ...smuggled,
      tStartMs: BigInt(smuggled.tStartMs),
      tEndMs: BigInt(smuggled.tEndMs),
      embedding: Array.from(smuggled.embedding),
      pairingEmbedding: Array.from(personFace(1)),
    }),
  );
  await worker.env.runtime.bus.publish(worker.env.runtime.config.topics.observations, [{ key: SITE, value: raw }]);
  // A small face exactly shopper 1's: it may choose a visit, but never becomes a sighting of 1.
  const exact = tooSmall('zone', 320, personFace(1));
  await deliver(exact);

  const letters = await rows<{ reason_code: string }>(
    "SELECT reason_code FROM dead_letters WHERE reason_code = 'bad_pairing_embedding'",
  );
  assert.equal(letters.length, 1, 'the smuggled observation is dead-lettered with its reason');
  const sightings = await rows<{ observation_id: string }>(
    'SELECT observation_id FROM sightings WHERE site_id = {s:String}',
  );
  assert.equal(
    sightings.some((s) => s.observation_id === smuggled.observationId || s.observation_id === exact.observationId),
    false,
    'neither is a sighting',
  );
  assert.deepEqual(
    await rows<{ n: string }>('SELECT uniqExact(identity_id) AS n FROM sightings WHERE site_id = {s:String}'),
    identitiesBefore,
  );
  // No column of any table holds a float array: the pairing embedding was never written.
  const floatArrays = await rows<{ table: string; name: string }>(
    "SELECT table, name FROM system.columns WHERE database = currentDatabase() AND type LIKE '%Array(Float%'",
  );
  assert.deepEqual(floatArrays, []);
  const [track] = await rows<{ observation_id: string; reason: string }>(
    `SELECT observation_id, reason FROM unidentified_tracks FINAL WHERE observation_id = '${exact.observationId}'`,
  );
  assert.equal(track?.reason, 'too_small', 'the track itself is kept, as every unidentified track');
});
