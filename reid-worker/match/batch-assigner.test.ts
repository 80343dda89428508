/** Batched assignment on a real SiteState: same decisions as one by one, in-batch identities matchable, expiry between search and decisions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../common/seeded-random.ts';
import type { Identity } from '../../identity-registry/index.ts';
import { randomUnit, samePerson, syntheticCentroids } from '../index/synthetic-embeddings.ts';
import { SiteState } from '../site-state.ts';
import { assignIdentity } from './assign-identity.ts';
import { BatchAssigner } from './batch-assigner.ts';
import { obs as observation } from './synthetic-faces.test-helpers.ts';

const DIM = 64;
const DAY = 86_400_000;
const POLICY = { matchMinCosine: 0.5 };

function identity(identityId: string, centroid: Float32Array, lastSeenMs: number): Identity {
  return { siteId: 's', identityId, centroid, weight: 1, sightings: 1, firstSeenMs: lastSeenMs, lastSeenMs };
}

function minter(prefix: string) {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

test('two observations of one new person in the same batch end in one identity', () => {
  const random = seededRandom(1);
  const state = new SiteState('s', DIM);
  state.putMany(syntheticCentroids(200, DIM, 2).map((c, i) => identity(`old-${i}`, c, 0)));
  const person = randomUnit(DIM, random);
  const batch = [
    observation('a', samePerson(person, 0.9, random), 10),
    observation('b', samePerson(person, 0.9, random), 20),
  ];
  const assigner = new BatchAssigner(state, batch, POLICY, minter('new'));
  const [first, second] = batch.map((o) => assigner.assign(o));
  assigner.finish();
  assert.equal(first.sighting.isNewIdentity, true);
  assert.equal(second.sighting.isNewIdentity, false, 'the second one matched the identity the first one minted');
  assert.equal(second.identity.identityId, first.identity.identityId);
  assert.equal(second.identity.sightings, 2);
  assert.equal(state.size, 201);
  assert.equal(state.index.size, 201, 'finish handed the new identity to the index');
});

test('a batch decides exactly as the same observations one by one', () => {
  const random = seededRandom(3);
  const people = syntheticCentroids(60, DIM, 4);
  const stream = Array.from({ length: 150 }, (_, i) =>
    observation(
      `o${i}`,
      samePerson(people[Math.floor(random() * people.length)], 0.8 + 0.15 * random(), random),
      i * 1000,
    ),
  );
  const seed = syntheticCentroids(300, DIM, 5).map((c, i) => identity(`seed-${i}`, c, 0));
  const batched = new SiteState('s', DIM);
  const single = new SiteState('s', DIM);
  batched.putMany(seed);
  single.putMany(seed);
  const assigner = new BatchAssigner(batched, stream, POLICY, minter('id'));
  const viaBatch = stream.map((o) => assigner.assign(o).identity.identityId);
  assigner.finish();
  const mint = minter('id');
  const oneByOne = stream.map((o) => assignIdentity(single, o, POLICY, mint).identity.identityId);
  assert.deepEqual(viaBatch, oneByOne);
  assert.ok(new Set(viaBatch).size < stream.length / 2, 'returning people matched');
});

test('identities expire by last sighting while a batch is in flight; a query costs the same whatever the days', () => {
  const random = seededRandom(6);
  const state = new SiteState('s', DIM);
  const [monday, tuesday, wednesday] = syntheticCentroids(3, DIM, 7);
  state.putMany([
    identity('mon', monday, 0.5 * DAY),
    identity('tue', tuesday, 1.5 * DAY),
    identity('wed', wednesday, 2.5 * DAY),
  ]);
  const layoutBefore = state.index.layout();
  const batch = [
    observation('x', samePerson(monday, 0.95, random), 3 * DAY),
    observation('y', samePerson(tuesday, 0.95, random), 3 * DAY + 1),
  ];
  const assigner = new BatchAssigner(state, batch, POLICY, minter('new'));
  // The batch searched before the sweep; Monday's identity expires before its decisions are made.
  assert.deepEqual(state.expireBefore(1 * DAY), ['mon']);
  const [x, y] = batch.map((o) => assigner.assign(o));
  assigner.finish();
  assert.equal(x.sighting.isNewIdentity, true, 'an expired identity is never matched, even from an earlier search');
  assert.equal(y.identity.identityId, 'tue');
  assert.equal(state.has('mon'), false);
  assert.deepEqual(state.expireBefore(2 * DAY), [], 'tue was seen again on day 3');
  assert.deepEqual(state.index.layout().nlist, layoutBefore.nlist, 'one index: days add no shards');
  assert.equal(state.searchMany([wednesday], 1)[0][0].identityId, 'wed');
});

test('gallery-size thresholds and split repair decide the same in a batch as one by one', () => {
  const random = seededRandom(8);
  // Wide enough that 300 random strangers stay well below the loose threshold.
  const dim = 256;
  // A and B at cosine 0.4: a loose threshold puts them in one identity until one frame shows both.
  const a = randomUnit(dim, random);
  const b = samePerson(a, 0.4, random);
  const face = (p: Float32Array) => samePerson(p, 0.97, random);
  const frame = { cameraId: 'checkout' };
  const stream = [
    observation('a1', face(a), 1000),
    observation('b1', face(b), 2000),
    observation('a2', face(a), 3000),
    observation('b2', face(b), 4000),
    { ...observation('a3', face(a), 5000), ...frame, trackId: 'ta' },
    { ...observation('b3', face(b), 5000), ...frame, trackId: 'tb', cannotLinkTrackIds: ['ta'] },
  ];
  const policy = { matchMinCosine: 0.3 };
  // 300 strangers: every threshold rises with the gallery (0.06 per decade beyond 200).
  const seed = syntheticCentroids(300, dim, 9).map((c, i) => identity(`seed-${i}`, c, 0));
  const [batched, single] = [new SiteState('s', dim), new SiteState('s', dim)];
  batched.putMany(seed);
  single.putMany(seed);
  const assigner = new BatchAssigner(batched, stream, policy, minter('id'));
  const viaBatch = stream.map((o) => assigner.assign(o));
  assigner.finish();
  const mint = minter('id');
  const oneByOne = stream.map((o) => assignIdentity(single, o, policy, mint));
  assert.deepEqual(
    viaBatch.map((x) => x.identity.identityId),
    oneByOne.map((x) => x.identity.identityId),
  );
  const split = viaBatch[5].split;
  assert.ok(split, 'the frame split the identity holding A and B');
  assert.deepEqual(split.observationIds, ['b1', 'b2']);
  assert.deepEqual(oneByOne[5].split?.observationIds, ['b1', 'b2']);
  assert.equal(
    viaBatch[0].identity.identityId,
    viaBatch[1].identity.identityId,
    'the loose threshold had merged A and B',
  );
  assert.equal(batched.get(split.to)!.sightings, 3);
  assert.ok(batched.cannotLink(split.from, split.to));
});
