/** The site index on real FAISS: recall against exact search per layout, identical kernels, rebuilds that keep every change. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import './select-openblas-kernels.ts';
import faiss from 'faiss-node';
import { seededRandom } from '../../common/seeded-random.ts';
import { encodeCentroid } from '../../identity-registry/index.ts';
import { createCodeIvfIndex } from './code-ivf-binding.ts';
import { SiteVectorIndex } from './site-vector-index.ts';
import { sampleSamePersonCosine, samePerson, syntheticCentroidsPacked } from './synthetic-embeddings.ts';

const DIM = 64;

function codesOf(index: SiteVectorIndex, packed: Float32Array): Uint8Array {
  const n = packed.length / DIM;
  const out = new Uint8Array(n * index.codeBytes);
  for (let i = 0; i < n; i++) index.encode(packed.subarray(i * DIM, (i + 1) * DIM), out, i * index.codeBytes);
  return out;
}

/** Sightings like real ones (same-person cosine as measured) of random identities, and exact float32 top-1 ids. */
function queriesWithTruth(
  packed: Float32Array,
  count: number,
  seed: number,
): { queries: Float32Array; truth: number[] } {
  const random = seededRandom(seed);
  const n = packed.length / DIM;
  const queries = new Float32Array(count * DIM);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(random() * n);
    queries.set(samePerson(packed.subarray(at * DIM, (at + 1) * DIM), sampleSamePersonCosine(random), random), i * DIM);
  }
  const flat = new faiss.IndexFlatIP(DIM);
  flat.add(packed as unknown as number[]);
  return { queries, truth: flat.search(queries as unknown as number[], 1).labels };
}

for (const { name, n, exactBelow, minRecall } of [
  { name: 'exact scan of int8 codes', n: 3000, exactBelow: 10_000, minRecall: 0.999 },
  { name: 'inverted file of int8 codes', n: 6000, exactBelow: 1000, minRecall: 0.98 },
]) {
  test(`recall@1 against exact float32 search: ${name}`, async () => {
    const packed = syntheticCentroidsPacked(n, DIM, 11);
    const index = new SiteVectorIndex(DIM, 'int8', { exactBelow, nprobe: 48 });
    await index.load(
      codesOf(index, packed),
      Float64Array.from({ length: n }, (_, i) => i),
    );
    assert.equal(index.layout().nlist > 1, exactBelow < n);
    const { queries, truth } = queriesWithTruth(packed, 500, 12);
    const { labels } = index.search(queries, 1);
    const recall = truth.filter((t, i) => labels[i] === t).length / truth.length;
    assert.ok(recall >= minRecall, `recall@1 ${recall}`);
  });
}

test('the SIMD and portable kernels return the same neighbours and the same similarities', async () => {
  const n = 2000;
  const packed = syntheticCentroidsPacked(n, DIM, 21);
  const codes = new Uint8Array(n * (DIM + 4));
  for (let i = 0; i < n; i++) encodeCentroid(packed.subarray(i * DIM, (i + 1) * DIM), codes, i * (DIM + 4));
  const ids = Float64Array.from({ length: n }, (_, i) => 10 * i);
  const simd = createCodeIvfIndex(DIM, 1, 'int8');
  const portable = createCodeIvfIndex(DIM, 1, 'int8', { portable: true });
  assert.equal(portable.kernel, 'portable');
  await simd.build(codes, ids, null);
  await portable.build(codes, ids, null);
  const { queries } = queriesWithTruth(packed, 100, 22);
  const a = simd.search(queries, 5, 1);
  const b = portable.search(queries, 5, 1);
  assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
  assert.deepEqual(Array.from(a.distances), Array.from(b.distances), 'integer sums: bit-identical');
});

test('upserts and removals made while a rebuild runs are all in the index that takes over', async () => {
  const n = 3000;
  const packed = syntheticCentroidsPacked(n + 200, DIM, 31);
  const index = new SiteVectorIndex(DIM, 'int8', { exactBelow: 2000, nprobe: 48 });
  // Loaded exact (1 list, built for 1500), then grown past 2000: the index switches to lists in the background.
  await index.load(
    codesOf(index, packed.subarray(0, 1500 * DIM)),
    Float64Array.from({ length: 1500 }, (_, i) => i),
  );
  const rows = Float64Array.from({ length: n - 1500 }, (_, i) => 1500 + i);
  index.upsert(rows, codesOf(index, packed.subarray(1500 * DIM, n * DIM)));
  assert.equal(index.layout().rebuilding, true);
  // Meanwhile: row 7 moves to a new centroid, row 8 goes, rows n..n+199 arrive.
  index.upsert(Float64Array.of(7), codesOf(index, packed.subarray(n * DIM, (n + 1) * DIM)));
  index.remove(Float64Array.of(8));
  index.upsert(
    Float64Array.from({ length: 199 }, (_, i) => n + 1 + i),
    codesOf(index, packed.subarray((n + 1) * DIM, (n + 200) * DIM)),
  );
  await index.settled();
  assert.ok(index.layout().nlist > 1);
  assert.equal(index.size, n - 1 + 199);
  const { labels } = index.search(packed.subarray(n * DIM, (n + 1) * DIM), 1);
  assert.equal(labels[0], 7, 'the moved centroid is found under its row');
  assert.throws(() => index.codesOf(Float64Array.of(8)), 'the removed row is gone');
  const found = index.search(packed.subarray((n + 50) * DIM, (n + 51) * DIM), 1);
  assert.equal(found.labels[0], n + 50);
});

test('when new identities all fall into a few lists (the visitors drifted), the lists are trained again', async () => {
  const random = seededRandom(41);
  const n = 4000;
  const packed = syntheticCentroidsPacked(n, DIM, 42);
  const index = new SiteVectorIndex(DIM, 'int8', { exactBelow: 1000, nprobe: 8 });
  await index.load(
    codesOf(index, packed),
    Float64Array.from({ length: n }, (_, i) => i),
  );
  // 2,000 newcomers close to one face crowd the few lists nearest to it; the site grows by half, not double.
  const centre = syntheticCentroidsPacked(1, DIM, 43);
  const crowd = new Float32Array(2000 * DIM);
  for (let i = 0; i < 2000; i++) crowd.set(samePerson(centre, 0.97, random), i * DIM);
  index.upsert(
    Float64Array.from({ length: 2000 }, (_, i) => n + i),
    codesOf(index, crowd),
  );
  assert.equal(index.layout().rebuilding, false, 'not checked yet');
  // Returning visitors (same centroids) bring the changes to the next check.
  index.upsert(
    Float64Array.from({ length: 2100 }, (_, i) => i),
    codesOf(index, packed.subarray(0, 2100 * DIM)),
  );
  assert.equal(index.layout().rebuilding, true, 'the imbalance triggered a rebuild');
  await index.settled();
  assert.equal(index.size, n + 2000);
  assert.equal(index.search(crowd.subarray(0, DIM), 1).labels[0], n, 'every row still found');
});
