// Unidentified entrance and checkout tracks joining visits through the tracker: window edges, one-to-one, rivals, strays, rebuilds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sighting } from '../../schemas/index.ts';
import { TrackAttacher, type UnidentifiedTrack } from './attach-unidentified-tracks.ts';
import { SiteVisitTracker } from './site-visit-tracker.ts';
import type { VisitRules } from './visit-rules.ts';
import type { VisitRow } from './visit-row.ts';
import { makeSighting } from '../../test/contracts/storage-fixtures.ts';

const MIN = 60_000;
const WINDOW = 9 * MIN;
const T0 = Date.parse('2026-11-02T10:00:00Z'); // 11:00 in Berlin
const RULES: VisitRules = {
  visitGapMs: 30 * MIN,
  minVisitMs: MIN,
  entryMinMs: 2000,
  endAtLocalMidnight: true,
  timeZone: 'Europe/Berlin',
  attachWindowMs: WINDOW,
  entranceCameras: ['entrance'],
  exitCameras: ['checkout'],
};

let seq = 0;
function sighting(identityId: string, tMs: number, cameraId = 'zone'): Sighting {
  return makeSighting({
    observationId: `s${seq++}`,
    identityId,
    tStartMs: tMs,
    tEndMs: tMs + 4000,
    cameraId,
    quality: 0.9,
  });
}

function track(cameraId: string, tStartMs: number, tEndMs = tStartMs + 5000): UnidentifiedTrack {
  return { observationId: `u${seq++}`, cameraId, tStartMs, tEndMs };
}

function tracker(rules: Partial<VisitRules> = {}): SiteVisitTracker {
  return new SiteVisitTracker({ siteId: 's1', tenant: 't1' }, { ...RULES, ...rules });
}

/** The tracks a visit row took: its entry's, then its exit's. */
function attached(row: VisitRow): string[] {
  return [row.entryTrack, row.exitTrack].filter((id) => id !== '');
}

function byIdentity(rows: VisitRow[]): Map<string, VisitRow> {
  return new Map(rows.map((r) => [r.identityId, r]));
}

test('an entrance track that ended within the window before a visit began elsewhere begins it: start, dwell and path', () => {
  const t = tracker();
  const door = track('entrance', T0, T0 + 5000);
  const [row] = t.apply(
    [sighting('a', T0 + 5000 + WINDOW, 'zone'), sighting('a', T0 + 5000 + WINDOW + 20_000)],
    [door],
  );
  assert.equal(row.startMs, T0);
  assert.deepEqual(row.cameras, ['entrance', 'zone', 'zone']);
  assert.deepEqual(attached(row), [door.observationId]);
  assert.equal(row.sightings, 2, 'the track is no sighting');
  // 29 s identified, over 9 min with the entrance: it counts now.
  assert.equal(row.counted, true);
});

test('an entrance track that ended one millisecond beyond the window, or after the first sighting began, stays unidentified', () => {
  const early = track('entrance', T0, T0 + 5000);
  const [late] = tracker().apply([sighting('a', T0 + 5001 + WINDOW)], [early]);
  assert.equal(late.startMs, T0 + 5001 + WINDOW);
  assert.deepEqual(attached(late), []);
  const overlapping = track('entrance', T0, T0 + 10_000);
  const [row] = tracker().apply([sighting('b', T0 + 9_999)], [overlapping]);
  assert.deepEqual(attached(row), []);
});

test('a visit that begins at an entrance takes no entrance track; the track waits for the next visit', () => {
  const t = tracker();
  const door = track('entrance', T0);
  const rows = byIdentity(t.apply([sighting('a', T0 + MIN, 'entrance'), sighting('b', T0 + 2 * MIN)], [door]));
  assert.deepEqual(attached(rows.get('a')!), []);
  assert.deepEqual(attached(rows.get('b')!), [door.observationId]);
});

test('one to one: a track begins one visit, a visit takes one entrance track (the one waiting longest)', () => {
  const t = tracker();
  const first = track('entrance', T0);
  const second = track('entrance', T0 + MIN);
  const rows = byIdentity(
    t.apply([sighting('a', T0 + 3 * MIN), sighting('b', T0 + 4 * MIN), sighting('c', T0 + 5 * MIN)], [first, second]),
  );
  assert.deepEqual(attached(rows.get('a')!), [first.observationId]);
  assert.deepEqual(attached(rows.get('b')!), [second.observationId]);
  assert.deepEqual(attached(rows.get('c')!), []);
  assert.equal(rows.get('c')!.cameras[0], 'zone');
});

test('a checkout track with two candidate visits ends the one whose last sighting came first; a second track ends the other', () => {
  const t = tracker();
  t.apply([sighting('a', T0, 'zone'), sighting('b', T0 + MIN, 'zone')]);
  const till = track('checkout', T0 + 3 * MIN, T0 + 4 * MIN);
  const rows = byIdentity(t.apply([], [till]));
  assert.deepEqual([...rows.keys()], ['a'], 'only the visit that took the track is rewritten');
  assert.equal(rows.get('a')!.endMs, T0 + 4 * MIN);
  assert.deepEqual(rows.get('a')!.cameras, ['zone', 'checkout']);
  const next = track('checkout', T0 + 5 * MIN);
  const again = byIdentity(t.apply([], [next]));
  assert.deepEqual(attached(again.get('b')!), [next.observationId]);
  assert.equal(t.apply([], [track('checkout', T0 + 6 * MIN)]).length, 0, 'no third visit to end');
});

test('a checkout track beyond the window, or on another local day, ends no visit', () => {
  const t = tracker();
  t.apply([sighting('a', T0)]);
  assert.equal(t.apply([], [track('checkout', T0 + 4000 + WINDOW + 1)]).length, 0);
  const lateEvening = Date.parse('2026-11-02T22:55:00Z'); // 23:55 in Berlin
  const u = tracker();
  u.apply([sighting('b', lateEvening)]);
  assert.equal(u.apply([], [track('checkout', lateEvening + 6 * MIN)]).length, 0);
});

test('a visit seen only at the door, or last at the checkout, takes no checkout track', () => {
  const t = tracker();
  t.apply([
    sighting('passer', T0, 'entrance'),
    sighting('payer', T0 + 10_000, 'zone'),
    sighting('payer', T0 + MIN, 'checkout'),
  ]);
  assert.equal(t.apply([], [track('checkout', T0 + 2 * MIN)]).length, 0);
});

test('tracks that arrive with no visit change nothing and are let go after the window', () => {
  const t = tracker();
  assert.deepEqual(t.apply([], [track('entrance', T0), track('checkout', T0 + MIN), track('zone', T0 + MIN)]), []);
  const [row] = t.apply([sighting('a', T0 + 30 * MIN)]);
  assert.deepEqual(attached(row), []);
});

test('a sighting after the checkout track gives the track to the visit it ends: the person was still inside', () => {
  const t = tracker();
  t.apply([sighting('a', T0), sighting('b', T0 + MIN)]);
  const till = track('checkout', T0 + 2 * MIN);
  t.apply([], [till]);
  const rows = byIdentity(t.apply([sighting('a', T0 + 3 * MIN)]));
  assert.deepEqual(attached(rows.get('a')!), []);
  assert.deepEqual(rows.get('a')!.cameras, ['zone', 'zone']);
  assert.deepEqual(attached(rows.get('b')!), [till.observationId]);
});

test('sightings and tracks of one batch join in time order: an exit track after the last sighting of the same batch ends it', () => {
  const t = tracker();
  const till = track('checkout', T0 + 2 * MIN);
  const [row] = t.apply([sighting('a', T0 + MIN), sighting('a', T0)], [till]);
  assert.deepEqual(row.cameras, ['zone', 'zone', 'checkout']);
});

test('a rebuild from the sightings and the tracks the visit had taken cuts the same visit (a merge keeps them)', () => {
  const door = track('entrance', T0);
  const till = track('checkout', T0 + 12 * MIN);
  const sightings = [sighting('a', T0 + 2 * MIN), sighting('a', T0 + 8 * MIN)];
  const live = tracker();
  const rows = new Map<string, VisitRow>();
  for (const r of live.apply(sightings.slice(0, 1), [door])) rows.set(r.visitId, r);
  for (const r of live.apply(sightings.slice(1), [till])) rows.set(r.visitId, r);
  const [kept] = rows.values();
  assert.deepEqual(attached(kept), [door.observationId, till.observationId]);
  const [rebuilt] = tracker().apply(sightings, [till, door]);
  assert.deepEqual(rebuilt, kept);
});

test('a restored visit keeps its entry and exit tracks, and its identified end for the gap', () => {
  const door = track('entrance', T0);
  const till = track('checkout', T0 + 10 * MIN, T0 + 11 * MIN);
  const t = tracker();
  t.restore('a', {
    visitId: 'v1',
    startMs: T0,
    endMs: T0 + 11 * MIN,
    returning: false,
    status: 'open',
    members: [{ observationId: 'm1', cameraId: 'zone', tStartMs: T0 + 2 * MIN, tEndMs: T0 + 3 * MIN }],
    entry: door,
    exit: till,
  });
  const [row] = t.apply([sighting('a', T0 + 20 * MIN)]);
  assert.equal(row.visitId, 'v1');
  assert.deepEqual(row.cameras, ['entrance', 'zone', 'zone']);
  assert.deepEqual(attached(row), [door.observationId], 'seen after the exit track: it was not theirs');
});

test('a visit restored from storage (after a merge) still takes the checkout track after its last sighting', () => {
  const t = tracker();
  t.restore('a', {
    visitId: 'v1',
    startMs: T0,
    endMs: T0 + 3 * MIN,
    returning: false,
    status: 'open',
    members: [{ observationId: 'm1', cameraId: 'zone', tStartMs: T0 + 2 * MIN, tEndMs: T0 + 3 * MIN }],
  });
  const till = track('checkout', T0 + 6 * MIN, T0 + 7 * MIN);
  const [row] = t.apply([], [till]);
  assert.equal(row?.visitId, 'v1');
  assert.deepEqual(attached(row), [till.observationId]);
});

test('a window of 0 attaches nothing', () => {
  const [row] = tracker({ attachWindowMs: 0 }).apply([sighting('a', T0 + MIN)], [track('entrance', T0)]);
  assert.deepEqual(attached(row), []);
});

test('door tracks alone make no visit of one sighting that minted its identity count: most often a split of someone inside', () => {
  const t = tracker();
  const lone = { ...sighting('new', T0 + MIN), isNewIdentity: true };
  const [minted] = t.apply([lone], [track('entrance', T0)]);
  assert.equal(minted.startMs, T0, 'the track still begins it');
  assert.equal(minted.counted, false);
  const [known] = tracker().apply([sighting('known', T0 + MIN)], [track('entrance', T0)]);
  assert.equal(known.counted, true, 'an identity seen before: a person who entered unrecognised');
  const twice = tracker().apply(
    [
      { ...sighting('new2', T0 + MIN), isNewIdentity: true },
      { ...sighting('new2', T0 + MIN + 20_000), isNewIdentity: false },
    ],
    [track('entrance', T0)],
  );
  assert.equal(twice[0].counted, true, 'seen twice: a person');
});

test('a visit counted on its exit track stays counted when a later sighting gives the track back', () => {
  const t = tracker();
  t.apply([sighting('a', T0)]);
  const [ended] = t.apply([], [track('checkout', T0 + 30_000, T0 + 2 * MIN)]);
  assert.equal(ended.counted, true);
  const [back] = t.apply([sighting('a', T0 + 35_000)]);
  assert.deepEqual(attached(back), []);
  assert.equal(back.endMs - back.startMs < MIN, true, 'its identified sightings span less than the minimum');
  assert.equal(back.counted, true, 'the aggregates never take a counted visit back');
});

test('memory holds a window and a visit gap of tracks and visits: late deliveries still join, older ones are let go', () => {
  const attacher = new TrackAttacher(RULES);
  for (let k = 0; k < 3; k++) attacher.offerEntry(track('entrance', T0 + k * MIN));
  const visit = {
    endMs: T0,
    localDate: '2026-11-02',
    members: [{ cameraId: 'zone', tStartMs: T0 }],
    entry: null,
    exit: null,
  };
  attacher.watch(visit, 'a');
  // A camera's track 20 min late, behind an exit track of later: the entrance tracks still wait.
  attacher.attachExit(track('checkout', T0 + 20 * MIN));
  assert.deepEqual(attacher.held, { waiting: 3, watched: 1 });
  assert.equal(attacher.takeEntry({ cameraId: 'zone', tStartMs: T0 + 3 * MIN }, 'a')?.tStartMs, T0);
  attacher.offerEntry(track('entrance', T0 + 2 * 3600_000));
  assert.deepEqual(attacher.held, { waiting: 1, watched: 0 });
});
