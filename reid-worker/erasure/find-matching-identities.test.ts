import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Identity } from '../../identity-registry/index.ts';
import { ErasureRequestError, findMatchingIdentities, normaliseErasureEmbedding } from './find-matching-identities.ts';

function unit(values: number[]): Float32Array {
  const n = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / n);
}

function identity(identityId: string, centroid: Float32Array): Identity {
  return { siteId: 's', identityId, centroid, weight: 1, sightings: 1, firstSeenMs: 0, lastSeenMs: 0 };
}

test('every identity at or above the threshold matches, most similar first: a split person loses all of them', () => {
  const ids = [
    identity('far', unit([0, 1, 0])),
    identity('near', unit([1, 0.2, 0])),
    identity('nearest', unit([1, 0.05, 0])),
  ];
  const found = findMatchingIdentities(unit([1, 0, 0]), ids, 0.9);
  assert.deepEqual(
    found.map((m) => m.identityId),
    ['nearest', 'near'],
  );
  assert.ok(found[0].similarity > found[1].similarity);
  assert.deepEqual(findMatchingIdentities(unit([0, 0, 1]), ids, 0.9), []);
});

test('a submitted embedding is checked and normalised', () => {
  assert.deepEqual(Array.from(normaliseErasureEmbedding([3, 4], 2)), [0.6000000238418579, 0.800000011920929]);
  assert.throws(
    () => normaliseErasureEmbedding([1, 2, 3], 2),
    (e: unknown) => e instanceof ErasureRequestError && /2 values, got 3/.test(e.message),
  );
  assert.throws(() => normaliseErasureEmbedding([1, Number.NaN], 2), /finite/);
  assert.throws(() => normaliseErasureEmbedding([1, '2'], 2), /finite/);
  assert.throws(() => normaliseErasureEmbedding([0, 0], 2), /zeros/);
  assert.throws(() => normaliseErasureEmbedding({ embedding: [1, 2] }, 2), /array of numbers/);
});
