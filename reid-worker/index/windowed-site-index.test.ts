/** The windowed index on real FAISS: shards by last sighting, whole-shard expiry, tombstones, IVF recall against exact. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../common/seeded-random.ts';
import { FaissSiteIndex } from './faiss-site-index.ts';
import { sampleSamePersonCosine, samePerson, syntheticCentroids } from './synthetic-embeddings.ts';
import { WindowedSiteIndex } from './windowed-site-index.ts';

const DAY = 86_400_000;
const DIM = 64;

test('an identity lives in the shard of its last sighting and old shards expire whole', () => {
  const [a, b, c] = syntheticCentroids(3, DIM, 1);
  const index = new WindowedSiteIndex(DIM, { bucketMs: DAY, approximateFromSize: 1000, nprobe: 4 });
  index.upsert('a', a, 0.5 * DAY);
  index.upsert('b', b, 1.5 * DAY);
  index.upsert('c', c, 2.5 * DAY);
  assert.equal(index.shardCount, 3);
  index.upsert('a', a, 2.6 * DAY); // a came back on day 3
  assert.deepEqual(index.layouts().map((l) => l.size), [0, 1, 2]);
  assert.deepEqual(index.expireBefore(2 * DAY).sort(), ['b']);
  assert.equal(index.size, 2);
  assert.deepEqual(index.search(b, 2).map((n) => n.identityId).includes('b'), false);
  assert.equal(index.search(a, 1)[0].identityId, 'a');
});

test('tombstones: updates and removals never return stale ids, across compactions', () => {
  const random = seededRandom(2);
  const centroids = syntheticCentroids(50, DIM, 3);
  const index = new FaissSiteIndex(DIM);
  centroids.forEach((c, i) => index.upsert(`id-${i}`, c));
  for (let round = 0; round < 5; round++) {
    centroids.forEach((c, i) => {
      centroids[i] = samePerson(c, 0.98, random);
      index.upsert(`id-${i}`, centroids[i]);
    });
  }
  for (let i = 0; i < 10; i++) assert.equal(index.remove(`id-${i}`), true);
  assert.equal(index.remove('id-0'), false);
  assert.equal(index.size, 40);
  const found = index.searchMany(centroids, 3);
  found.forEach((list, i) => {
    assert.equal(list.length, 3);
    assert.equal(new Set(list.map((n) => n.identityId)).size, 3, 'no identity twice');
    if (i >= 10) assert.equal(list[0].identityId, `id-${i}`);
    else assert.ok(!list.some((n) => n.identityId === `id-${i}`), 'removed ids are gone');
  });
});

test('IVF beyond the size threshold: recall@1 against exact search ≥ 0.95 on sightings like real ones', () => {
  const n = 4000;
  const centroids = syntheticCentroids(n, DIM, 4);
  const exact = new FaissSiteIndex(DIM);
  exact.upsertMany(centroids.map((c, i) => [`id-${i}`, c]));
  const windowed = new WindowedSiteIndex(DIM, { bucketMs: DAY, approximateFromSize: 2000, nprobe: 8 });
  windowed.upsertMany(centroids.map((c, i) => ({ identityId: `id-${i}`, centroid: c, lastSeenMs: 1000 })));
  assert.equal(windowed.layouts()[0].layout.kind, 'ivf');
  const random = seededRandom(5);
  const queries = Array.from({ length: 300 }, (_, i) => samePerson(centroids[(i * 13) % n], sampleSamePersonCosine(random), random));
  const truth = exact.searchMany(queries, 1);
  const approx = windowed.searchMany(queries, 1);
  const agree = truth.filter((t, i) => approx[i][0]?.identityId === t[0].identityId).length / queries.length;
  assert.ok(agree >= 0.95, `recall@1 ${agree}`);
});
