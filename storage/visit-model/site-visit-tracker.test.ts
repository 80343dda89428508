// Sessionisation rules on a fake clock: gap, bounces, local midnight, redelivery, sweep, restore, staff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sighting } from '../../schemas/index.ts';
import { nextLocalMidnightMs } from './local-day.ts';
import { SiteVisitTracker } from './site-visit-tracker.ts';
import { rulesVersion, type VisitRules } from './visit-rules.ts';
import { makeSighting } from '../../test/contracts/storage-fixtures.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-02T14:00:00Z'); // 09:00 in New York
const RULES: VisitRules = {
  visitGapMs: 30 * MIN,
  minVisitMs: MIN,
  entryMinMs: 2000,
  endAtLocalMidnight: true,
  timeZone: 'America/New_York',
  attachWindowMs: 10 * MIN,
  entranceCameras: [],
  exitCameras: [],
};
const SITE = { siteId: 's1', tenant: 't1' };

let seq = 0;
function sighting(identityId: string, tMs: number, cameraId = 'entrance', label = ''): Sighting {
  return makeSighting({
    observationId: `o${seq++}`,
    identityId,
    tStartMs: tMs,
    tEndMs: tMs + 4000,
    cameraId,
    label,
    quality: 0.9,
  });
}

test('a gap longer than the visit gap starts a new visit, which is returning when the first counted', () => {
  const tracker = new SiteVisitTracker(SITE, RULES);
  const rows = tracker.apply([
    sighting('p', T0),
    sighting('p', T0 + 10 * MIN, 'aisle'),
    sighting('p', T0 + 50 * MIN, 'checkout'),
  ]);
  assert.equal(rows.length, 2);
  const [first, second] = rows.sort((a, b) => a.startMs - b.startMs);
  assert.deepEqual(
    [first.status, first.counted, first.returning, first.cameras],
    ['closed', true, false, ['entrance', 'aisle']],
  );
  assert.equal(first.endMs - first.startMs, 10 * MIN + 4000);
  assert.deepEqual([second.status, second.returning, second.sightings], ['open', true, 1]);
  assert.equal(first.localDate, '2026-11-02');
  assert.equal(first.localHour, 9);
  assert.equal(first.rulesVersion, rulesVersion(RULES));
  assert.notEqual(first.visitId, second.visitId);
});

test('a bounce (shorter than the minimum visit) never counts and does not make the next visit returning', () => {
  const tracker = new SiteVisitTracker(SITE, RULES);
  const rows = tracker.apply([
    sighting('b', T0),
    sighting('b', T0 + 2 * 3600_000),
    sighting('b', T0 + 2 * 3600_000 + 5 * MIN),
  ]);
  const [bounce, visit] = rows.sort((a, b) => a.startMs - b.startMs);
  assert.equal(bounce.counted, false);
  assert.equal(visit.counted, true);
  assert.equal(visit.returning, false);
});

test("a visit ends at the site's local midnight, not at UTC midnight", () => {
  const tracker = new SiteVisitTracker(SITE, RULES);
  const beforeLocalMidnight = Date.parse('2026-11-03T04:50:00Z'); // 23:50 in New York
  const rows = tracker.apply([
    sighting('n', beforeLocalMidnight),
    sighting('n', beforeLocalMidnight + 5 * MIN),
    sighting('n', beforeLocalMidnight + 15 * MIN),
  ]);
  assert.deepEqual(rows.map((r) => r.localDate).sort(), ['2026-11-02', '2026-11-03']);
  const utc = new SiteVisitTracker(SITE, { ...RULES, timeZone: 'UTC' });
  assert.equal(
    utc.apply([sighting('n', beforeLocalMidnight), sighting('n', beforeLocalMidnight + 15 * MIN)]).length,
    1,
  );
});

test('a redelivered batch changes nothing and returns the same rows', () => {
  const tracker = new SiteVisitTracker(SITE, RULES);
  const batch = [sighting('r', T0), sighting('r', T0 + 3 * MIN, 'aisle'), sighting('r', T0 + 40 * MIN)];
  const once = tracker.apply(batch);
  const twice = tracker.apply([...batch].reverse());
  assert.deepEqual(
    twice.sort((a, b) => a.startMs - b.startMs),
    once.sort((a, b) => a.startMs - b.startMs),
  );
});

test('the sweep closes idle visits by the fake clock; a late sighting within the gap reopens the same visit', () => {
  const tracker = new SiteVisitTracker(SITE, RULES);
  const [open] = tracker.apply([sighting('w', T0)]);
  assert.deepEqual(tracker.sweep(T0 + 20 * MIN), []);
  const [closed] = tracker.sweep(T0 + 31 * MIN);
  assert.equal(closed.visitId, open.visitId);
  assert.equal(closed.status, 'closed');
  assert.deepEqual(tracker.openVisits(), []);
  const [reopened] = tracker.apply([sighting('w', T0 + 25 * MIN, 'checkout')]);
  assert.deepEqual([reopened.visitId, reopened.status, reopened.sightings], [open.visitId, 'open', 2]);
});

test('the sweep closes a visit at local midnight even when the gap has not elapsed', () => {
  const tracker = new SiteVisitTracker(SITE, { ...RULES, visitGapMs: 3 * 3600_000 });
  tracker.apply([sighting('m', Date.parse('2026-11-03T04:30:00Z'))]); // 23:30 local
  assert.equal(tracker.sweep(Date.parse('2026-11-03T04:59:00Z')).length, 0);
  assert.equal(tracker.sweep(Date.parse('2026-11-03T05:00:00Z')).length, 1);
});

test('staff (labelled) sightings never make visits', () => {
  const tracker = new SiteVisitTracker(SITE, RULES);
  assert.deepEqual(
    tracker.apply([sighting('s', T0, 'entrance', 'staff'), sighting('s', T0 + 10 * MIN, 'aisle', 'staff')]),
    [],
  );
});

test('a restored visit continues with its id, returning flag and members: no double counting', () => {
  const first = new SiteVisitTracker(SITE, RULES);
  const a = sighting('x', T0);
  const b = sighting('x', T0 + 5 * MIN, 'aisle');
  const [row] = first.apply([a, b]);
  const restarted = new SiteVisitTracker(SITE, RULES);
  restarted.restore('x', {
    visitId: row.visitId,
    startMs: row.startMs,
    endMs: row.endMs,
    returning: true,
    status: 'open',
    members: [a, b].map((s) => ({
      observationId: s.observationId,
      cameraId: s.cameraId,
      tStartMs: s.tStartMs,
      tEndMs: s.tEndMs,
    })),
  });
  const [continued] = restarted.apply([b, sighting('x', T0 + 10 * MIN, 'checkout')]);
  assert.deepEqual(
    [continued.visitId, continued.sightings, continued.returning, continued.cameras],
    [row.visitId, 3, true, ['entrance', 'aisle', 'checkout']],
  );
});

test('an out-of-order sighting lands in time order in the camera sequence; the start stays put', () => {
  const tracker = new SiteVisitTracker(SITE, RULES);
  const [row] = tracker.apply([sighting('o', T0, 'entrance')]);
  tracker.apply([sighting('o', T0 + 10 * MIN, 'checkout')]);
  const [late] = tracker.apply([sighting('o', T0 + 5 * MIN, 'aisle')]);
  assert.deepEqual(late.cameras, ['entrance', 'aisle', 'checkout']);
  assert.equal(late.visitId, row.visitId);
});

test('closed visits are forgotten once the stream has moved past the gap', () => {
  const tracker = new SiteVisitTracker(SITE, RULES);
  tracker.apply([sighting('f', T0), sighting('g', T0)]);
  tracker.apply([sighting('g', T0 + 2 * 3600_000)]);
  tracker.sweep(T0 + 2 * 3600_000);
  assert.equal(tracker.knows('f'), false);
  assert.equal(tracker.knows('g'), true);
});

test('the rules version changes with any rule', () => {
  assert.notEqual(rulesVersion(RULES), rulesVersion({ ...RULES, minVisitMs: 120_000 }));
  assert.match(rulesVersion(RULES), /^v3-[0-9a-f]{10}$/);
});

test('a sweep looks only at the visits that end, never at every identity held', () => {
  const tracker = new SiteVisitTracker(SITE, RULES);
  // 10,000 distinct faces within 17 minutes: every visit still open.
  tracker.apply(Array.from({ length: 10_000 }, (_, i) => sighting(`crowd-${i}`, T0 + i * 100)));
  const afterApply = tracker.identitiesExamined;
  assert.equal(afterApply, 10_000, 'applying looks at the identities it was given');

  // 30 minutes after the first 50 s of faces: exactly those have been idle for the visit gap.
  const now = T0 + 30 * MIN + 50_000;
  const closed = tracker.sweep(now);
  const expected = Array.from({ length: 10_000 }, (_, i) => i).filter((i) => T0 + i * 100 + 4000 + 30 * MIN <= now);
  assert.deepEqual(closed.map((r) => r.identityId).sort(), expected.map((i) => `crowd-${i}`).sort());
  assert.equal(
    tracker.identitiesExamined - afterApply,
    expected.length,
    'the sweep looked at the visits that ended, not at all 10,000',
  );

  let before = tracker.identitiesExamined;
  tracker.apply([sighting('late-1', T0 + 990_000), sighting('late-2', T0 + 990_000)]);
  assert.deepEqual(tracker.sweep(now), []);
  assert.equal(tracker.identitiesExamined - before, 2, 'a small batch costs its own sightings');

  // Sightings from `now` move the stream past the gap of the closed visits: those (and only those) are forgotten.
  before = tracker.identitiesExamined;
  tracker.apply([sighting('late-3', now), sighting('late-4', now)]);
  assert.deepEqual(tracker.sweep(now), []);
  assert.equal(tracker.identitiesExamined - before, 2 + expected.length);
  assert.equal(tracker.knows('crowd-0'), false);
  assert.equal(tracker.knows(`crowd-${expected.length}`), true);
});

test('after every sweep exactly the visits that have not ended are open, and a reopened visit closes at its new end', () => {
  const tracker = new SiteVisitTracker(SITE, { ...RULES, visitGapMs: 20 * MIN });
  let x = 42;
  const random = () => (x = (x * 48271) % 2147483647) / 2147483647;
  let now = Date.parse('2026-11-02T22:00:00Z'); // 17:00 in New York: the stream crosses local midnight
  const ended = (r: { endMs: number; startMs: number }) =>
    now >= r.endMs + 20 * MIN || now >= nextLocalMidnightMs(r.startMs, RULES.timeZone);
  for (let step = 0; step < 400; step++) {
    now += Math.floor(random() * 3 * MIN);
    const batch = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
      sighting(`p${Math.floor(random() * 60)}`, now - Math.floor(random() * 25 * MIN)),
    );
    tracker.apply(batch);
    for (const row of tracker.sweep(now)) assert.ok(ended(row), `closed only once ended: ${JSON.stringify(row)}`);
    for (const row of tracker.openVisits())
      assert.ok(!ended(row), `still open only while not ended: ${JSON.stringify(row)}`);
  }
});
