// Sessionisation sink → visits → materialized views → reports, on embedded ClickHouse: exact
// figures on a hand-made store day, idempotent under redelivery and sweeps, recovery after restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouseClient, type ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import { UnidentifiedReason, type FaceObservation, type Sighting } from '../../schemas/index.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { VisitMaintainer } from '../../reid-worker/visits/visit-maintainer.ts';
import { insertSightings } from '../../storage/sightings-table.ts';
import { insertUnidentifiedTracks } from '../../storage/unidentified-tracks-table.ts';
import {
  queryCaptureRate,
  queryDwellDistribution,
  queryFootfall,
  queryOccupancyNow,
  queryOccupancyOverDay,
  queryPathFunnel,
  queryReturningVisitors,
  queryTopPaths,
  queryTransitions,
  type ReportRange,
} from '../../reports/index.ts';

const MIN = 60_000;
const TZ = 'Europe/Berlin';
const DAY1 = Date.parse('2026-11-02T08:00:00Z'); // 09:00 local
const DAY2 = DAY1 + 24 * 3600_000;
const RANGE: ReportRange = { siteId: 'shop', timeZone: TZ, from: '2026-11-02', to: '2026-11-04' };

let dir: string;
let clickhouse: ClickHouseClient;
let config: RevisitConfig;
let nowMs = DAY1;
let seq = 0;

function s(identityId: string, tMs: number, cameraId: string, label = ''): Sighting {
  return {
    observationId: `o${seq++}`,
    siteId: 'shop',
    cameraId,
    identityId,
    tStartMs: tMs,
    tEndMs: tMs + 3000,
    similarity: 0.9,
    isNewIdentity: false,
    quality: 0.9,
    modelId: 'm',
    label,
  };
}

/** The worker's order: sightings saved first, then visits updated. */
async function deliver(visits: VisitMaintainer, batch: Sighting[]) {
  await insertSightings(clickhouse, batch);
  await visits.update(batch);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-visits-'));
  config = loadConfig({ dataDir: dir, sites: [{ id: 'shop', name: 'Shop', tenant: 't1', timezone: TZ }] }, {});
  clickhouse = await createClickHouseClient(config);
  await applyMigrations(clickhouse);
});

after(async () => {
  await clickhouse.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a store of two days: exact reports, idempotent under redelivery, staff and bounces excluded', async () => {
  const visits = new VisitMaintainer(clickhouse, config, { now: () => nowMs });
  const day1 = [
    // a: entrance → zone → zone → checkout, 20 min
    s('a', DAY1, 'entrance'),
    s('a', DAY1 + 5 * MIN, 'zone'),
    s('a', DAY1 + 8 * MIN, 'zone'),
    s('a', DAY1 + 20 * MIN, 'checkout'),
    // b: entrance → checkout, 10 min
    s('b', DAY1 + 30 * MIN, 'entrance'),
    s('b', DAY1 + 40 * MIN, 'checkout'),
    // c: a bounce of 3 s (never counts)
    s('c', DAY1 + 60 * MIN, 'entrance'),
    // staff all morning
    s('staff-1', DAY1, 'zone', 'staff'),
    s('staff-1', DAY1 + 90 * MIN, 'checkout', 'staff'),
  ];
  await deliver(visits, day1.slice(0, 5));
  await deliver(visits, day1.slice(0, 5)); // redelivered
  await deliver(visits, day1.slice(5));
  nowMs = DAY1 + 12 * 3600_000;
  await visits.sweep();
  await visits.sweep(); // a second sweep writes nothing new
  // Day 2: a returns (15 min, entrance → zone), d is new (entrance → checkout, 6 min).
  const day2 = [
    s('a', DAY2, 'entrance'),
    s('a', DAY2 + 15 * MIN, 'zone'),
    s('d', DAY2 + 60 * MIN, 'entrance'),
    s('d', DAY2 + 66 * MIN, 'checkout'),
  ];
  await deliver(visits, day2);
  await deliver(visits, day2);
  nowMs = DAY2 + 12 * 3600_000;
  await visits.sweep();

  const daily = await queryFootfall(clickhouse, RANGE, 'day');
  assert.deepEqual(daily.buckets, [
    { period: '2026-11-02', visitors: 2, visits: 2, newVisits: 2, returningVisits: 0, unidentifiedVisits: 0 },
    { period: '2026-11-03', visitors: 2, visits: 2, newVisits: 1, returningVisits: 1, unidentifiedVisits: 0 },
  ]);
  assert.deepEqual(daily.totals, { visitors: 3, visits: 4, newVisits: 3, returningVisits: 1, unidentifiedVisits: 0 });
  assert.equal(daily.identifiedShare, 1, 'no entrance cameras configured: identified people only');
  assert.equal(daily.rulesVersions.length, 1);
  const hourly = await queryFootfall(clickhouse, RANGE, 'hour');
  assert.deepEqual(
    hourly.buckets.map((b) => [b.period, b.visits]),
    [
      ['2026-11-02 09:00', 2],
      ['2026-11-03 09:00', 1],
      ['2026-11-03 10:00', 1],
    ],
  );
  const weekly = await queryFootfall(clickhouse, RANGE, 'week');
  assert.deepEqual(
    weekly.buckets.map((b) => [b.period, b.visitors, b.visits]),
    [['2026-11-02', 3, 4]],
  );

  const dwell = await queryDwellDistribution(clickhouse, RANGE);
  assert.equal(dwell.visits, 4);
  // dwell (s): 363, 603, 903, 1203 (each last sighting lasts 3 s)
  assert.equal(dwell.medianS, 903);
  assert.deepEqual(
    dwell.histogram.filter((h) => h.visits > 0).map((h) => [h.fromMin, h.visits]),
    [
      [5, 1],
      [10, 2],
      [20, 1],
    ],
  );

  const returning = await queryReturningVisitors(clickhouse, RANGE);
  assert.deepEqual(
    [returning.visitors, returning.visits, returning.returningVisits, returning.returningVisitRate],
    [3, 4, 1, 0.25],
  );
  assert.deepEqual(returning.frequency, [
    { visits: '1', visitors: 2 },
    { visits: '2', visitors: 1 },
  ]);
  assert.deepEqual(returning.daysBetweenVisits, { pairs: 1, mean: 1, median: 1 });

  const paths = await queryTopPaths(clickhouse, RANGE);
  assert.deepEqual(
    paths.paths.map((p) => [p.path.join('>'), p.visits]),
    [
      ['entrance>checkout', 2],
      ['entrance>zone', 1],
      ['entrance>zone>checkout', 1],
    ],
  );
  const transitions = await queryTransitions(clickhouse, RANGE);
  assert.deepEqual(transitions.links, [
    { from: 'entrance', to: 'checkout', visits: 2 },
    { from: 'entrance', to: 'zone', visits: 2 },
    { from: 'zone', to: 'checkout', visits: 1 },
  ]);
  assert.deepEqual(await queryPathFunnel(clickhouse, RANGE, ['entrance', 'zone', 'checkout']), [
    { step: 'entrance', visits: 4 },
    { step: 'zone', visits: 2 },
    { step: 'checkout', visits: 1 },
  ]);
  const overDay = await queryOccupancyOverDay(clickhouse, RANGE);
  assert.deepEqual(
    overDay.filter((o) => o.at.startsWith('2026-11-02') && o.people > 0),
    [
      { at: '2026-11-02 09:00', people: 1 },
      { at: '2026-11-02 09:15', people: 1 },
      { at: '2026-11-02 09:30', people: 1 },
    ],
  );
  assert.equal(
    overDay.filter((o) => o.at.startsWith('2026-11-02')).length,
    96,
    'every quarter hour of the day, empty ones as 0',
  );

  // Visit rows were written many times; FINAL leaves one per visit (bounce included, uncounted).
  const rows = await (
    await clickhouse.query({
      query: "SELECT identity_id, counted, status FROM visits FINAL WHERE site_id = 'shop' ORDER BY start",
      format: 'JSONEachRow',
    })
  ).json();
  assert.deepEqual(rows, [
    { identity_id: 'a', counted: 1, status: 'closed' },
    { identity_id: 'b', counted: 1, status: 'closed' },
    { identity_id: 'c', counted: 0, status: 'closed' },
    { identity_id: 'a', counted: 1, status: 'closed' },
    { identity_id: 'd', counted: 1, status: 'closed' },
  ]);
});

test('after a restart, open visits are recovered: stale ones close at start-up, live ones continue without double counting', async () => {
  const DAY3 = DAY2 + 24 * 3600_000;
  nowMs = DAY3;
  const first = new VisitMaintainer(clickhouse, config, { now: () => nowMs });
  const e1 = s('e', DAY3, 'entrance');
  const f1 = s('f', DAY3 + 10 * MIN, 'entrance');
  await deliver(first, [e1, f1]);
  // Crash. 40 min later: e's visit is stale, f's is live; f's batch is redelivered plus a new sighting.
  nowMs = DAY3 + 40 * MIN;
  const restarted = new VisitMaintainer(clickhouse, config, { now: () => nowMs });
  const f2 = s('f', DAY3 + 35 * MIN, 'checkout');
  await deliver(restarted, [f1, f2]);
  const rows = await (
    await clickhouse.query({
      query:
        "SELECT identity_id, status, sightings, cameras FROM visits FINAL WHERE site_id = 'shop' AND start >= fromUnixTimestamp64Milli({t:Int64}) ORDER BY start",
      query_params: { t: DAY3 },
      format: 'JSONEachRow',
    })
  ).json();
  assert.deepEqual(rows, [
    { identity_id: 'e', status: 'closed', sightings: 1, cameras: ['entrance'] },
    { identity_id: 'f', status: 'open', sightings: 2, cameras: ['entrance', 'checkout'] },
  ]);
  const now = await queryOccupancyNow(clickhouse, { siteId: 'shop', nowMs, visitGapMs: 30 * MIN, entryMinMs: 2000 });
  assert.equal(now.people, 1);
});

test('people seen but not identified at the entrance: in footfall (estimated) and in the capture rate, never in returning; a joined entrance track changes no count', async () => {
  const DAY4 = DAY1 + 3 * 24 * 3600_000;
  const range: ReportRange = {
    siteId: 'shop',
    timeZone: TZ,
    from: '2026-11-05',
    to: '2026-11-06',
    entranceCameras: ['entrance'],
  };
  // The site lists its entrance: an unidentified entrance track can begin the visit identified next.
  const doors = { ...config, sites: [{ ...config.sites[0], entranceCameras: ['entrance'] }] };
  const visits = new VisitMaintainer(clickhouse, doors, { now: () => nowMs });
  const siteOf = () => ({ tenant: 't1', timeZone: TZ, retentionDays: 400 });
  const seen = (tMs: number, cameraId: string): FaceObservation => ({
    observationId: `u${seq++}`,
    siteId: 'shop',
    cameraId,
    trackId: `t${seq}`,
    tStartMs: tMs,
    tEndMs: tMs + 2000,
    embedding: new Float32Array(0),
    quality: 0.3,
    modelId: 'm',
    modelVersion: 'v',
    cannotLinkTrackIds: [],
    unidentified: UnidentifiedReason.TOO_SMALL,
  });
  // Six unidentified entrance tracks (m's and those of people never identified), one at a zone (not an entry).
  const unidentified = [
    seen(DAY4 + 10 * MIN, 'entrance'),
    ...[1, 2, 3, 4, 5].map((k) => seen(DAY4 + (30 + k) * MIN, 'entrance')),
    seen(DAY4 + 40 * MIN, 'zone'),
  ];
  // The worker's order: tracks saved, then given to the visits with the batch's sightings.
  await insertUnidentifiedTracks(clickhouse, unidentified, siteOf);
  await insertUnidentifiedTracks(clickhouse, unidentified.slice(0, 2), siteOf); // redelivered: replaced, not doubled
  await visits.update([], unidentified);
  await deliver(visits, [
    // Identified at the entrance: g, i, j stay (counted), k is a passer-by: a quarter of the entries.
    // g lingered in the doorway: two entrance tracks, so 1.25 entrance tracks per entry.
    s('g', DAY4, 'entrance'),
    s('g', DAY4 + 1 * MIN, 'entrance'),
    s('g', DAY4 + 10 * MIN, 'zone'),
    s('i', DAY4 + 5 * MIN, 'entrance'),
    s('i', DAY4 + 15 * MIN, 'checkout'),
    s('j', DAY4 + 6 * MIN, 'entrance'),
    s('j', DAY4 + 20 * MIN, 'zone'),
    s('k', DAY4 + 7 * MIN, 'entrance'),
    // m entered unrecognised (below) and was identified inside.
    s('m', DAY4 + 12 * MIN, 'zone'),
    s('m', DAY4 + 25 * MIN, 'checkout'),
  ]);
  nowMs = DAY4 + 12 * 3600_000;
  await visits.sweep();
  const [m] = await (
    await clickhouse.query({
      query: `SELECT cameras, entry_track, toUnixTimestamp64Milli(start) AS start_ms FROM visits FINAL
              WHERE site_id = 'shop' AND identity_id = 'm'`,
      format: 'JSONEachRow',
    })
  ).json<{ cameras: string[]; entry_track: string; start_ms: string }>();
  assert.deepEqual(
    [m.cameras, m.entry_track, Number(m.start_ms)],
    [['entrance', 'zone', 'checkout'], unidentified[0].observationId, DAY4 + 10 * MIN],
    "m's visit begins at the entrance track that ended 2 min before m was identified",
  );

  const footfall = await queryFootfall(clickhouse, range, 'day');
  // 6 entrance tracks / 1.25 per entry × (1 − 1/4 passers-by) − 1 identified inside = 2.6: 3 more visits.
  // m entered unrecognised: its joined track stays in U and m in L, as without the join.
  assert.deepEqual(footfall.totals, {
    visitors: 7,
    visits: 7,
    newVisits: 4,
    returningVisits: 0,
    unidentifiedVisits: 3,
  });
  assert.deepEqual(footfall.unidentified, {
    total: 3,
    entranceTracks: 6,
    visitsEnteredUnseen: 1,
    tracksPerEntry: 1.25,
    passerByShare: 0.25,
  });
  assert.equal(footfall.identifiedShare, 4 / 7);
  assert.deepEqual(
    (await queryFootfall(clickhouse, { ...range, entranceCameras: [] }, 'day')).totals.visits,
    4,
    'without entrance cameras: identified visits only',
  );
  const returning = await queryReturningVisitors(clickhouse, range);
  assert.equal(returning.visits, 4, 'returning figures rest on the identified visits');

  const capture = await queryCaptureRate(clickhouse, range);
  const byCamera = Object.fromEntries(capture.cameras.map((c) => [c.camera, [c.identified, c.unidentified]]));
  assert.deepEqual(byCamera, { checkout: [2, 0], entrance: [5, 6], zone: [3, 1] });
  assert.deepEqual(
    capture.hours.filter((h) => h.camera === 'entrance').map((h) => [h.period, h.identified, h.unidentified]),
    [['2026-11-05 09:00', 5, 6]],
  );
});

test('reports reject a malformed or empty range with a clear error', async () => {
  await assert.rejects(queryFootfall(clickhouse, { ...RANGE, from: '2026-11-5' }, 'day'), /local dates YYYY-MM-DD/);
  await assert.rejects(queryFootfall(clickhouse, { ...RANGE, to: RANGE.from }, 'day'), /range is empty/);
});
