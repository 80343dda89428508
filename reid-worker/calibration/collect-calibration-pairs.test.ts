/** Which pairs the stream gives, and that each observation's pairs are handed over once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SiteState } from '../site-state.ts';
import { assignIdentity } from '../match/assign-identity.ts';
import { between, DIM, face, obs } from '../match/synthetic-faces.test-helpers.ts';
import { CalibrationCollector } from './collect-calibration-pairs.ts';

function minter() {
  let n = 0;
  return () => `id-${++n}`;
}

test('faces of one frame, sightings of other identities and shots of one track become pairs', () => {
  const state = new SiteState('s', DIM);
  const mint = minter();
  let k = 0;
  const collector = new CalibrationCollector(() => (k++ % 2) / 2);
  const policy = { matchMinCosine: 0.7 };
  const see = (o: ReturnType<typeof obs>) => {
    const { identity, minted } = assignIdentity(state, o, policy, mint);
    collector.observe(state, o, identity.identityId, minted);
  };
  see(obs('a', face(0, 0.05, 1), 1_000, { trackId: 'ta', cameraId: 'door' }));
  see(
    obs('b', between(1, 2, 1), 1_000, {
      trackId: 'tb',
      cameraId: 'door',
      cannotLinkTrackIds: ['ta'],
      shotCosine: 0.93,
    }),
  );
  see(obs('a2', face(0, 0.05, 2), 5_000, { trackId: 'ta2', cameraId: 'till' }));

  const first = collector.take(['a']);
  assert.deepEqual(
    first.map((p) => [p.source, p.score, p.against]),
    [['best_score', -1, { gallerySize: 0, threshold: 0.7 }]],
    'a new identity in an empty gallery: its best score is the floor',
  );
  const pairs = collector.take(['b', 'a2']);
  const b = pairs.filter((p) => p.atMs === 2_000);
  assert.deepEqual(b.map((p) => [p.source, p.kind, p.cameraA, p.cameraB]).sort(), [
    ['best_score', 'new_identity', 'door', 'door'],
    ['cross_identity', 'impostor', 'door', 'door'],
    ['same_frame', 'impostor', 'door', 'door'],
    ['track_shots', 'genuine', 'door', 'door'],
  ]);
  assert.ok(Math.abs(b.find((p) => p.source === 'track_shots')!.score - 0.93) < 1e-6);
  // a's identity is the gallery; b, seen with a in one frame, cannot be it: nothing it could have matched.
  const bBest = b.find((p) => p.source === 'best_score')!;
  assert.deepEqual([bBest.score, bBest.against], [-1, { gallerySize: 1, threshold: 0.7 }]);
  // a2 is a's person: a recent sighting of its own identity is no impostor; b's is, across two cameras.
  const a2 = pairs.filter((p) => p.atMs === 6_000);
  assert.deepEqual(
    a2.map((p) => [p.source, p.cameraA, p.cameraB]),
    [['cross_identity', 'door', 'till']],
  );
  assert.ok(a2[0].score < 0.3);
  assert.deepEqual(collector.take(['a', 'b', 'a2']), [], 'handed over once');
  assert.ok(!a2.some((p) => p.source === 'best_score'), 'a matched face is no new identity');
});

test('pairs wait for their sighting: an observation assigned again after a failed batch counts once', () => {
  const state = new SiteState('s', DIM);
  const collector = new CalibrationCollector(() => 0);
  const o = obs('x', face(0, 0.05, 1), 1_000, { shotCosine: 0.9 });
  collector.observe(state, o, 'id-1');
  collector.observe(state, o, 'id-1');
  assert.equal(collector.take(['x']).length, 1);
});

test('a busy site draws fewer cross-identity pairs per sighting, by its previous hour; a quiet one all of them', () => {
  const HOUR = 3_600_000;
  const state = new SiteState('s', DIM);
  const collector = new CalibrationCollector(() => 0.5);
  let n = 0;
  // Each sighting its own identity: every recent sighting is another identity's.
  const see = (t: number): number => {
    const id = `id-${++n}`;
    state.put({
      siteId: 's',
      identityId: id,
      centroid: face(n % DIM, 0.05, n),
      weight: 1,
      sightings: 1,
      firstSeenMs: t,
      lastSeenMs: t,
    });
    const o = obs(`o-${n}`, face(n % DIM, 0.05, n), t);
    collector.observe(state, o, id);
    return collector.take([o.observationId]).filter((p) => p.source === 'cross_identity').length;
  };
  const quiet = Array.from({ length: 500 }, (_, i) => see(i * 1_000));
  assert.equal(quiet.at(-1), 128, 'a full ring gives every pair');
  assert.equal(see(HOUR + 1_000), 128, '500 sightings an hour: all 128 pairs in the next hour');
  for (let i = 0; i < 1_999; i++) see(HOUR + 2_000 + i);
  // 2,000 sightings in that hour: 128,000 pairs an hour are 64 a sighting.
  assert.equal(see(2 * HOUR + 1_000), 64);
  assert.equal(see(2 * HOUR + 2_000), 64);
  // A late sighting of the hour before counts in this one, and changes nothing.
  assert.equal(see(HOUR + 3_000_000), 64);
});

test('a face that becomes a new identity gives its best score against the gallery and the threshold it failed', () => {
  const state = new SiteState('s', DIM);
  const mint = minter();
  const collector = new CalibrationCollector(() => 0);
  const policy = { matchMinCosine: 0.7 };
  for (const [id, embedding, t] of [
    ['p0', between(0, 3, 1), 1_000],
    ['p1', between(1, 3, 1), 2_000],
    ['near', between(0, 3, 0.6), 3_000],
  ] as const) {
    const o = obs(id, embedding, t);
    const { identity, minted } = assignIdentity(state, o, policy, mint);
    collector.observe(state, o, identity.identityId, minted);
  }
  const best = collector.take(['near']).filter((p) => p.source === 'best_score');
  assert.equal(best.length, 1);
  assert.ok(Math.abs(best[0].score - 0.6) < 0.02, `best score ${best[0].score}`);
  assert.deepEqual(best[0].against, { gallerySize: 2, threshold: 0.7 });
});
