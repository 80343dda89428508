/** assignIdentity against a real SiteState (real FAISS): matching, cannot-link, deferral and re-clustering. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SiteState } from '../site-state.ts';
import { assignIdentity } from './assign-identity.ts';
import { naivePolicy } from './match-policy.ts';
import { between, DIM, face, obs } from './synthetic-faces.test-helpers.ts';

function minter() {
  let n = 0;
  return () => `id-${++n}`;
}

test('the same person gets one id and different people different ids', () => {
  const state = new SiteState('s', DIM);
  const mint = minter();
  const policy = { matchMinCosine: 0.7 };
  const a1 = assignIdentity(state, obs('o1', face(0, 0.1, 1), 1), policy, mint);
  const b1 = assignIdentity(state, obs('o2', face(1, 0.1, 2), 2), policy, mint);
  const a2 = assignIdentity(state, obs('o3', face(0, 0.1, 3), 3), policy, mint);
  assert.equal(a1.sighting.isNewIdentity, true);
  assert.notEqual(a1.identity.identityId, b1.identity.identityId);
  assert.equal(a2.identity.identityId, a1.identity.identityId);
  assert.equal(a2.sighting.isNewIdentity, false);
  assert.ok(a2.sighting.similarity > 0.7);
  assert.equal(a2.identity.sightings, 2);
  assert.equal(state.index.size, 2, 'an update replaces the centroid instead of adding one');
});

test('cannot-link: a face never joins the identity another face of the same frame just got', () => {
  const state = new SiteState('s', DIM);
  const mint = minter();
  const policy = { matchMinCosine: 0.5 };
  // Twins (cosine 0.9): without the constraint the second face would join the first.
  const first = assignIdentity(state, obs('t1', between(0, 1, 1), 10), policy, mint);
  const twin = assignIdentity(state, obs('t2', between(0, 1, 0.9), 10, { cannotLinkTrackIds: ['t1'] }), policy, mint);
  assert.notEqual(twin.identity.identityId, first.identity.identityId);
  assert.equal(twin.sighting.isNewIdentity, true);
  assert.ok(state.cannotLink(first.identity.identityId, twin.identity.identityId));
  // The constraint is remembered: re-clustering never merges the two, however close their centroids.
  assert.deepEqual(state.recluster({ matchMinCosine: 0.5, mergeMinCosine: 0.5 }), []);
  // Only the same camera's tracks are meant: on another camera the same track id is someone else.
  const elsewhere = assignIdentity(
    state,
    obs('x', between(0, 1, 0.99), 20, { cameraId: 'other', cannotLinkTrackIds: ['t1'] }),
    policy,
    mint,
  );
  assert.equal(elsewhere.identity.identityId, first.identity.identityId);
});

test('cannot-link: the face falls back to its next-best allowed identity', () => {
  const state = new SiteState('s', DIM);
  const mint = minter();
  const policy = { matchMinCosine: 0.5 };
  const a = assignIdentity(state, obs('a', between(0, 1, 1), 1), policy, mint);
  const b = assignIdentity(state, obs('b', between(1, 0, 1), 2), policy, mint);
  // Close to a (0.8) and further from b (~0.6); a's track is in the same frame.
  const q = assignIdentity(state, obs('q', between(0, 1, 0.8), 3, { cannotLinkTrackIds: ['a'] }), policy, mint);
  assert.equal(q.identity.identityId, b.identity.identityId);
  assert.notEqual(q.identity.identityId, a.identity.identityId);
});

test('deferral: a low-quality face joins without moving the centroid, or mints a provisional identity', () => {
  const state = new SiteState('s', DIM);
  const mint = minter();
  const policy = { matchMinCosine: 0.5, deferBelowQuality: 0.4, provisionalMergeMinCosine: 0.3, mergeMinCosine: 0.95 };
  const a = assignIdentity(state, obs('a', face(0, 0.05, 1), 1), policy, mint);
  const joined = assignIdentity(state, obs('poor', face(0, 0.3, 2), 2, { quality: 0.2 }), policy, mint);
  assert.equal(joined.decision.kind, 'deferred');
  assert.equal(joined.identity.identityId, a.identity.identityId);
  assert.deepEqual(joined.identity.centroid, a.identity.centroid, 'a deferred face does not move the centroid');
  assert.equal(joined.identity.sightings, 2);
  // A poor face below the threshold (cosine 0.4) gets a provisional identity...
  const stray = assignIdentity(state, obs('stray', between(0, 2, 0.4), 3, { quality: 0.2 }), policy, mint);
  assert.equal(stray.sighting.isNewIdentity, true);
  assert.ok(state.isProvisional(stray.identity.identityId));
  // ...which the next pass folds into the established identity at the relaxed provisional threshold.
  const merges = state.recluster(policy);
  assert.deepEqual(
    merges.map(({ from, to }) => ({ from, to })),
    [{ from: stray.identity.identityId, to: a.identity.identityId }],
  );
  assert.equal(state.has(stray.identity.identityId), false);
  assert.equal(state.index.size, 1);
  assert.equal(merges[0].identity.sightings, 3);
});

test('re-clustering merges a split person once the centroids converge, and the naive floor never does', () => {
  for (const [policy, expected] of [
    [{ matchMinCosine: 0.8, mergeMinCosine: 0.8 }, 1],
    [naivePolicy(0.8), 2],
  ] as const) {
    const state = new SiteState('s', DIM);
    const mint = minter();
    // Two photos of one person at cosine 0.7 (< 0.8): split. A third photo between them joins one
    // and pulls its centroid towards the other.
    assignIdentity(state, obs('p1', between(0, 1, 0.94), 1), policy, mint);
    assignIdentity(state, obs('p2', between(0, 1, 0.34), 2), policy, mint);
    assert.equal(state.index.size, 2);
    assignIdentity(state, obs('p3', between(0, 1, 0.74), 3), policy, mint);
    assignIdentity(state, obs('p4', between(0, 1, 0.6), 4), policy, mint);
    for (let pass = 0; pass < 3; pass++) state.recluster(policy);
    assert.equal(state.index.size, expected, JSON.stringify(policy));
  }
});
