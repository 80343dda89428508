/** The index's sketch pass on real FAISS at the model's 512 dimensions: the shortlist keeps the k nearest, and removals keep each sketch with its code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../common/seeded-random.ts';
import { decodeCentroid, encodeCentroid } from '../../identity-registry/index.ts';
import { createCodeIvfIndex } from './code-ivf-binding.ts';
import { randomUnit, samePerson, syntheticCentroidsPacked } from './synthetic-embeddings.ts';

const DIM = 512;
const CODE = DIM + 4;
const K = 8;

function encodeAll(packed: Float32Array): Uint8Array {
  const n = packed.length / DIM;
  const codes = new Uint8Array(n * CODE);
  for (let i = 0; i < n; i++) encodeCentroid(packed.subarray(i * DIM, (i + 1) * DIM), codes, i * CODE);
  return codes;
}

/**
 * Identities like a face model's: most of their energy in 32 shared directions, so that two
 * strangers' cosines spread with a standard deviation of ~0.1 as on lfw_dev (uniform 512-d ones:
 * 0.044), which is what makes a sketch of a few dimensions miss neighbours.
 */
function faceLike(n: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const basis = syntheticCentroidsPacked(32, DIM, seed + 1);
  const out = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    const latent = randomUnit(32, random);
    const spread = randomUnit(DIM, random);
    const v = out.subarray(i * DIM, (i + 1) * DIM);
    for (let j = 0; j < DIM; j++) {
      let shared = 0;
      for (let b = 0; b < 32; b++) shared += latent[b] * basis[b * DIM + j];
      v[j] = Math.sqrt(0.57) * shared + Math.sqrt(0.43) * spread[j];
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    for (let j = 0; j < DIM; j++) v[j] /= Math.sqrt(norm);
  }
  return out;
}

/** Sightings of random identities down to a cosine of 0.5 (the weakest a large site's threshold accepts), then as many strangers. */
function queries(packed: Float32Array, count: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const n = packed.length / DIM;
  const out = new Float32Array(2 * count * DIM);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(random() * n);
    const centre = packed.subarray(at * DIM, (at + 1) * DIM);
    out.set(samePerson(centre, 0.5 + 0.45 * random(), random), i * DIM);
    out.set(randomUnit(DIM, random), (count + i) * DIM);
  }
  return out;
}

function decodeAll(codes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) decodeCentroid(codes, DIM, i * CODE, out.subarray(i * DIM, (i + 1) * DIM));
  return out;
}

/** An inverted file of int8 codes, trained on them all: its sketches are what is under test. */
async function sketched(codes: Uint8Array, ids: Float64Array, nlist: number) {
  const index = createCodeIvfIndex(DIM, nlist, 'int8');
  await index.build(codes, ids, decodeAll(codes, ids.length));
  return index;
}

for (const { name, make } of [
  { name: 'uniform identities', make: (n: number) => syntheticCentroidsPacked(n, DIM, 51) },
  { name: 'face-like identities', make: (n: number) => faceLike(n, 53) },
]) {
  test(`every list probed, the sketch shortlist holds what a full scan of the same codes finds: ${name}`, async () => {
    const n = 20_000;
    const packed = make(n);
    const codes = encodeAll(packed);
    const ids = Float64Array.from({ length: n }, (_, i) => i);
    const index = await sketched(codes, ids, 16);
    // The same codes scanned in full: float32 of the decoded int8 codes, what the re-ranking sees.
    const full = createCodeIvfIndex(DIM, 1, 'float32');
    await full.build(new Uint8Array(decodeAll(codes, n).buffer), ids, null);
    const q = queries(packed, 300, 52);
    const a = index.search(q, K, 16);
    const b = full.search(q, K, 1);
    let same = 0;
    let kept = 0;
    let relevant = 0;
    for (let i = 0; i < q.length / DIM; i++) {
      if (i < 300 && a.labels[i * K] === b.labels[i * K]) same++;
      const found = new Set(Array.from(a.labels.subarray(i * K, (i + 1) * K)));
      // Neighbours a decision looks at (a match, a runner-up, a recent identity in a small gallery): cosine 0.4 and up.
      for (let j = i * K; j < (i + 1) * K; j++)
        if (b.distances[j] >= 0.4) {
          relevant++;
          if (found.has(b.labels[j])) kept++;
        }
    }
    assert.equal(same, 300, `the same nearest for ${same} of 300 sightings`);
    assert.equal(kept, relevant, `kept ${kept} of ${relevant} neighbours at cosine ≥ 0.4`);
  });
}

test('after removals, moves and additions every sketch still belongs to its code: the same answers as an index built afresh', async () => {
  const random = seededRandom(61);
  const n = 3000;
  const packed = syntheticCentroidsPacked(n + 300, DIM, 62);
  const codes = encodeAll(packed);
  const index = await sketched(
    codes.subarray(0, n * CODE),
    Float64Array.from({ length: n }, (_, i) => i),
    8,
  );
  // Holes everywhere (a removal fills its hole with the list's last entry), the last entries among them.
  const gone = new Set<number>([n - 1, n - 2, 0]);
  while (gone.size < 900) gone.add(Math.floor(random() * n));
  assert.equal(index.removeIds(Float64Array.from(gone)), gone.size);
  index.addCodes(
    codes.subarray(n * CODE, (n + 300) * CODE),
    Float64Array.from({ length: 300 }, (_, i) => n + i),
  );
  const kept = Float64Array.from({ length: n + 300 }, (_, i) => i).filter((id) => !gone.has(id));
  // Trained on the same sample, so the same lists and sketch directions.
  const afresh = createCodeIvfIndex(DIM, 8, 'int8');
  await afresh.build(index.codesOf(kept), kept, decodeAll(codes, n));
  assert.equal(index.ntotal, afresh.ntotal);
  const q = queries(packed.subarray(0, (n + 300) * DIM), 100, 63);
  const a = index.search(q, 5, 8);
  const b = afresh.search(q, 5, 8);
  assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
  assert.deepEqual(Array.from(a.distances), Array.from(b.distances));
});
