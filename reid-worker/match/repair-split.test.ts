/** Split repair: two people merged by a too-loose threshold and later seen in one frame become two identities again. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosine } from '../../ingest/face/measure-eer.ts';
import { SiteState } from '../site-state.ts';
import { assignIdentity } from './assign-identity.ts';
import { DIM, obs, unit } from './synthetic-faces.test-helpers.ts';

/** Person A near e0, person B at cosine 0.4 to A (strangers a 0.3 threshold cannot tell apart); small per-photo noise. */
function photo(person: 'A' | 'B', k: number): Float32Array {
  const base = Array.from({ length: DIM }, (_, i) =>
    person === 'A' ? (i === 0 ? 1 : 0) : i === 0 ? 0.4 : i === 1 ? Math.sqrt(1 - 0.16) : 0,
  );
  return unit(base.map((x, i) => x + 0.05 * Math.sin(k * 3.1 + i * 1.3)));
}

function minter() {
  let n = 0;
  return () => `id-${++n}`;
}

test('two people merged by a loose threshold are split when seen in one frame, and stay apart', () => {
  const state = new SiteState('s', DIM);
  const mint = minter();
  const policy = { matchMinCosine: 0.3 };
  const merged = [
    assignIdentity(state, obs('a1', photo('A', 1), 1_000), policy, mint),
    assignIdentity(state, obs('b1', photo('B', 2), 2_000), policy, mint),
    assignIdentity(state, obs('a2', photo('A', 3), 3_000), policy, mint),
    assignIdentity(state, obs('b2', photo('B', 4), 4_000), policy, mint),
  ];
  const x = merged[0].identity.identityId;
  assert.ok(
    merged.every((m) => m.identity.identityId === x),
    'the loose threshold merged A and B',
  );

  // One frame shows both: A's face keeps x; B's face cannot join x, gets a new identity, and takes B's sightings along.
  const a3 = assignIdentity(state, obs('a3', photo('A', 5), 10_000, { trackId: 'ta' }), policy, mint);
  const b3 = assignIdentity(
    state,
    obs('b3', photo('B', 6), 10_000, { trackId: 'tb', cannotLinkTrackIds: ['ta'] }),
    policy,
    mint,
  );
  assert.equal(a3.identity.identityId, x);
  const y = b3.identity.identityId;
  assert.notEqual(y, x);
  assert.ok(b3.split, 'the mixed identity was split');
  assert.deepEqual(
    { from: b3.split.from, to: b3.split.to, moved: b3.split.observationIds },
    { from: x, to: y, moved: ['b1', 'b2'] },
  );
  assert.ok(b3.split.similarity < 0.5, 'the two halves are further apart than a merge would join');
  assert.equal(state.get(x)!.sightings, 3);
  assert.equal(state.get(y)!.sightings, 3);
  const mean = (...faces: Float32Array[]) =>
    unit(Array.from({ length: DIM }, (_, i) => faces.reduce((s, f) => s + f[i], 0)));
  assert.ok(
    cosine(state.get(x)!.centroid, mean(photo('A', 1), photo('A', 3), photo('A', 5))) > 0.999,
    "x is the mean of A's faces again",
  );
  assert.ok(
    cosine(state.get(y)!.centroid, mean(photo('B', 2), photo('B', 4), photo('B', 6))) > 0.999,
    "y is the mean of B's faces",
  );
  assert.deepEqual(
    state.membersOf(y).map((m) => m.observationId),
    ['b1', 'b2', 'b3'],
  );
  assert.ok(state.cannotLink(x, y));
  assert.deepEqual(
    state.takeNewCannotLinks(),
    [[y, x]],
    'the constraint goes to the registry (the two are within reach of a merge)',
  );
  assert.deepEqual(
    state.recluster({ matchMinCosine: 0.3, mergeMinCosine: 0.3 }),
    [],
    're-clustering never merges them again',
  );

  // Later faces of each go to their own identity.
  assert.equal(assignIdentity(state, obs('b4', photo('B', 7), 20_000), policy, mint).identity.identityId, y);
  assert.equal(assignIdentity(state, obs('a4', photo('A', 8), 21_000), policy, mint).identity.identityId, x);
});

test('a look-alike kept apart by one frame does not split an identity of one person', () => {
  const state = new SiteState('s', DIM);
  const mint = minter();
  const policy = { matchMinCosine: 0.3 };
  for (const k of [1, 2, 3]) assignIdentity(state, obs(`a${k}`, photo('A', k), k * 1000), policy, mint);
  assignIdentity(state, obs('a4', photo('A', 4), 10_000, { trackId: 'ta' }), policy, mint);
  const b = assignIdentity(
    state,
    obs('b1', photo('B', 5), 10_000, { trackId: 'tb', cannotLinkTrackIds: ['ta'] }),
    policy,
    mint,
  );
  assert.equal(b.split, undefined, 'no member of A looks more like B than like A');
  assert.equal(b.identity.sightings, 1);
});
