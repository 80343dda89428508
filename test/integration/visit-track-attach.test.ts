// Unidentified door tracks joining visits in the running worker (embedded runtime, fake clock): a
// person seen too small at the entrance and at the checkout gets one visit from door to till, which
// keeps both tracks through a re-clustering merge and counts once in footfall (not again in the estimate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildObservation } from '../../ingest/index.ts';
import { UnidentifiedReason, type FaceObservation } from '../../schemas/index.ts';
import { queryFootfall, type ReportRange } from '../../reports/index.ts';
import { useEmbeddedWorker } from './open-embedded-worker.ts';
import { faceOnAxis } from '../../reid-worker/index/synthetic-embeddings.ts';

const SEC = 1000;
const DIM = 512;
const SITE = 'door-shop';
// Recent (sightings carry a TTL from their time) and whole hours, so the visit lies in one UTC day.
const T0 = Math.floor((Date.now() - 6 * 3600_000) / 3600_000) * 3600_000;
const DAY = new Date(T0).toISOString().slice(0, 10);
const RANGE: ReportRange = {
  siteId: SITE,
  timeZone: 'UTC',
  from: DAY,
  to: new Date(T0 + 24 * 3600_000).toISOString().slice(0, 10),
  entranceCameras: ['entrance'],
};
let clock = T0 + 400 * SEC;

function face(axis: number, x: number): Float32Array {
  return faceOnAxis(DIM, axis, x);
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

const seen = (embedding: Float32Array, cameraId: string, fromS: number, toS: number): FaceObservation =>
  buildObservation({ embedding, quality: 1 }, context(cameraId, fromS, toS));

const tooSmall = (cameraId: string, fromS: number, toS: number): FaceObservation =>
  buildObservation(
    { embedding: new Float32Array(0), quality: 0.3 },
    { ...context(cameraId, fromS, toS), unidentified: UnidentifiedReason.TOO_SMALL },
  );

function visitRows() {
  return rows<{
    identity_id: string;
    start_ms: string;
    end_ms: string;
    cameras: string[];
    sightings: number;
    counted: number;
    entry_track: string;
    exit_track: string;
  }>(
    `SELECT identity_id, toUnixTimestamp64Milli(start) AS start_ms, toUnixTimestamp64Milli(end) AS end_ms,
            cameras, sightings, counted, entry_track, exit_track
     FROM visits FINAL WHERE site_id = {s:String} ORDER BY start`,
  );
}

const worker = useEmbeddedWorker(
  SITE,
  {
    sites: [
      {
        id: SITE,
        name: SITE,
        tenant: 't1',
        timezone: 'UTC',
        entranceCameras: ['entrance'],
        exitCameras: ['checkout'],
      },
    ],
    // A strict threshold splits the person's first two faces (cos 0.8); a third merges them (recluster-merges.test.ts).
    matching: { matchMinCosine: 0.85, reclusterEveryMs: 60_000 },
    limits: { maxFutureSkewMs: 3600_000 },
  },
  () => clock,
);
const { deliver, rows } = worker;

test('a person unidentified at the entrance and the checkout: one visit from door to till, through a merge, counted once', async () => {
  const door = tooSmall('entrance', 0, 5);
  await deliver(door);
  await deliver(seen(face(1, 0.5), 'zone', 60, 70));
  const [entered, ...none] = await visitRows();
  assert.equal(none.length, 0);
  assert.deepEqual(
    [Number(entered.start_ms), entered.cameras, entered.sightings, entered.entry_track],
    [T0, ['entrance', 'zone'], 1, door.observationId],
    'the visit begins at the entrance track that ended 55 s before its first sighting',
  );
  await deliver(seen(face(2, 0.5), 'zone', 100, 110));
  const split = await visitRows();
  assert.equal(split.length, 2, 'the strict threshold split the person');
  assert.equal(split[1].entry_track, '', 'the entrance track began one visit only');

  // The pass is due (2 min ≥ 60 s); in the same batch the person is seen too small at the till.
  clock += 120 * SEC;
  const till = tooSmall('checkout', 200, 230);
  const stray = tooSmall('entrance', 3000, 3005);
  await deliver(seen(face(0, 0), 'zone', 130, 140), till, stray);

  const visits = await visitRows();
  assert.deepEqual(
    visits.map((v) => [Number(v.start_ms), Number(v.end_ms), v.cameras, v.sightings, v.counted]),
    [[T0, T0 + 230 * SEC, ['entrance', 'zone', 'zone', 'zone', 'checkout'], 3, 1]],
    'one person, one visit, from the entrance track to the checkout track',
  );
  assert.deepEqual([visits[0].entry_track, visits[0].exit_track], [door.observationId, till.observationId]);

  const footfall = await queryFootfall(worker.env.runtime.clickhouse, RANGE, 'day');
  assert.deepEqual(
    [footfall.unidentified.entranceTracks, footfall.unidentified.visitsEnteredUnseen],
    [2, 1],
    'the visit entered unrecognised: its entrance track stands for it, the stray one for someone else',
  );
  assert.deepEqual(footfall.totals, {
    visitors: 2,
    visits: 2,
    newVisits: 1,
    returningVisits: 0,
    unidentifiedVisits: 1,
  });
});
