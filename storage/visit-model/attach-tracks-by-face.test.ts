// A too-small face's weak embedding choosing which visit its track joins: the closest face, first in first out when none can be compared, the embedding dropped once it has chosen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sighting } from '../../schemas/index.ts';
import type { FaceOf, UnidentifiedTrack } from './attach-unidentified-tracks.ts';
import { SiteVisitTracker } from './site-visit-tracker.ts';
import { visitRulesSchema } from '../../schemas/visit-rules.schema.ts';
import type { VisitRules } from './visit-rules.ts';
import type { VisitRow } from './visit-row.ts';
import { makeSighting } from '../../test/contracts/storage-fixtures.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-02T10:00:00Z');
const RULES: VisitRules = {
  ...visitRulesSchema.parse({}),
  timeZone: 'Europe/Berlin',
  entranceCameras: ['entrance'],
  exitCameras: ['checkout'],
};

/** Faces on axes of a tiny space: identity a is axis 0, b axis 1, c axis 2. */
const AXIS: Record<string, number> = { a: 0, b: 1, c: 2 };
const faceOf: FaceOf = (identityId) => (identityId in AXIS ? (pairing) => pairing[AXIS[identityId]] : undefined);

let seq = 0;
function sighting(identityId: string, tMs: number, cameraId = 'zone'): Sighting {
  return makeSighting({ observationId: `s${seq++}`, identityId, tStartMs: tMs, tEndMs: tMs + 4000, cameraId });
}

/** A track whose small face has these cosines to a, b and c. */
function track(cameraId: string, tStartMs: number, cosines?: number[]): UnidentifiedTrack {
  return {
    observationId: `u${seq++}`,
    cameraId,
    tStartMs,
    tEndMs: tStartMs + 5000,
    ...(cosines ? { pairing: Float32Array.from(cosines) } : {}),
  };
}

function tracker(faces: FaceOf | null = faceOf) {
  return new SiteVisitTracker({ siteId: 's1', tenant: 't1' }, RULES, faces ?? undefined);
}

function exitOf(rows: VisitRow[]): Map<string, string> {
  return new Map(rows.filter((r) => r.exitTrack !== '').map((r) => [r.identityId, r.exitTrack]));
}

/** a's last sighting first, then b's: first in, first out gives a checkout track to a. */
function twoShoppers(t: SiteVisitTracker): void {
  t.apply([sighting('a', T0), sighting('b', T0 + MIN)]);
}

test("a checkout track whose small face is closest to b's ends b's visit, not the one waiting longest", () => {
  const t = tracker();
  twoShoppers(t);
  const checkout = track('checkout', T0 + 3 * MIN, [0.05, 0.4, 0]);
  assert.deepEqual([...exitOf(t.apply([], [checkout]))], [['b', checkout.observationId]]);
  const plain = tracker();
  twoShoppers(plain);
  const timed = track('checkout', T0 + 3 * MIN);
  assert.deepEqual(
    [...exitOf(plain.apply([], [timed]))],
    [['a', timed.observationId]],
    'without a face: first in, first out',
  );
});

test('the closest face wins however narrow its lead; with no face to compare, first in, first out', () => {
  const narrow = tracker();
  twoShoppers(narrow);
  const close = track('checkout', T0 + 3 * MIN, [0.3, 0.32, 0]);
  assert.deepEqual([...exitOf(narrow.apply([], [close]))], [['b', close.observationId]]);
  for (const [identities, faces] of [
    [['a', 'b'], null], // a worker that lends no faces
    [['x', 'y'], faceOf], // faces of neither candidate at hand
  ] as const) {
    const t = tracker(faces);
    t.apply([sighting(identities[0], T0), sighting(identities[1], T0 + MIN)]);
    const checkout = track('checkout', T0 + 3 * MIN, [0, 0.9, 0]);
    assert.deepEqual([...exitOf(t.apply([], [checkout]))], [[identities[0], checkout.observationId]], identities[0]);
  }
});

test("a candidate whose face is not at hand counts as a stranger's: any face closer than that wins", () => {
  const t = tracker();
  t.apply([sighting('unknown', T0), sighting('b', T0 + MIN)]);
  const checkout = track('checkout', T0 + 3 * MIN, [0, 0.08, 0]);
  assert.deepEqual([...exitOf(t.apply([], [checkout]))], [['b', checkout.observationId]]);
  const far = tracker();
  far.apply([sighting('b', T0), sighting('unknown', T0 + MIN)]);
  const away = track('checkout', T0 + 3 * MIN, [0, -0.2, 0]);
  assert.deepEqual(
    [...exitOf(far.apply([], [away]))],
    [['unknown', away.observationId]],
    'b is farther than a stranger',
  );
});

test("an entrance track whose small face is clearly the visit's identity begins it; the one waiting longer waits on", () => {
  const t = tracker();
  const first = track('entrance', T0, [0, 0, 0.5]);
  const own = track('entrance', T0 + MIN, [0.45, 0, 0]);
  const [a] = t.apply([sighting('a', T0 + 3 * MIN)], [first, own]);
  assert.equal(a.entryTrack, own.observationId);
  assert.equal(a.startMs, own.tStartMs);
  const [c] = t.apply([sighting('c', T0 + 4 * MIN)]);
  assert.equal(c.entryTrack, first.observationId, 'the other track still begins the next visit');
});

test('a track keeps no embedding once it has joined a visit: the visit, its rows and a rebuild never see one', () => {
  const t = tracker();
  twoShoppers(t);
  const rows = t.apply(
    [sighting('c', T0 + 6 * MIN)],
    [track('entrance', T0 + 5 * MIN, [0, 0, 0.6]), track('checkout', T0 + 3 * MIN, [0, 0.5, 0])],
  );
  const json = JSON.stringify(rows);
  assert.doesNotMatch(json, /pairing/);
  for (const row of rows)
    assert.equal(
      Object.values(row).some((v) => v instanceof Float32Array),
      false,
    );
  assert.equal(exitOf(rows).get('b') !== undefined, true);
  assert.notEqual(rows.find((r) => r.identityId === 'c')?.entryTrack, '');
});

test("a lone sighting that minted its identity counts on a door track whose small face is clearly its own, not on a stranger's", () => {
  const lone = (cosines?: number[]) => {
    const t = tracker();
    const [row] = t.apply([{ ...sighting('a', T0 + 3 * MIN), isNewIdentity: true }], [track('entrance', T0, cosines)]);
    return row;
  };
  const own = lone([0.3, 0, 0]);
  assert.equal(own.entryTrack !== '', true);
  assert.equal(own.counted, true, 'its own face came in: a person, not a fragment of someone inside');
  assert.equal(lone([0.2, 0, 0]).counted, false, 'a face this weak could be anyone');
  assert.equal(lone().counted, false, 'by time alone: most often a split of someone inside');
  const t = tracker();
  t.apply([{ ...sighting('b', T0), isNewIdentity: true }]);
  const [left] = t.apply([], [track('checkout', T0 + 2 * MIN, [0, 0.4, 0])]);
  assert.equal(left.counted, true, 'the same on its way out');
});

test('a person who lingered at the door begins their visit at their first track there, beyond the window, and uses up the later one', () => {
  const t = tracker();
  const stranger = track('entrance', T0 + 30_000, [0, 0, 0.02]);
  const first = track('entrance', T0 + MIN, [0.3, 0, 0]);
  const second = track('entrance', T0 + 6 * MIN, [0.35, 0, 0]);
  // The first ended 11 min before the first sighting: outside the 9-minute window, but 5 before the second.
  const [a] = t.apply([sighting('a', T0 + 12 * MIN)], [stranger, first, second]);
  assert.deepEqual([a.entryTrack, a.startMs], [first.observationId, first.tStartMs]);
  const [c] = t.apply([sighting('c', T0 + 13 * MIN)]);
  assert.equal(
    c.entryTrack,
    '',
    "the second track was a's: no one else begins with it, nor with the stranger's out of the window",
  );
});
