/** The int8 centroid code: close to the vector it encodes, stable when re-encoded, same bytes as the native index expects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../common/seeded-random.ts';
import { randomUnit } from '../reid-worker/index/synthetic-embeddings.ts';
import { centroidCodeBytes, decodeCentroid, encodeCentroid } from './centroid-code.ts';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

test('a 512-d unit vector decodes to cosine ≥ 0.9999 of itself, in 516 bytes', () => {
  const random = seededRandom(1);
  for (let i = 0; i < 200; i++) {
    const v = randomUnit(512, random);
    const code = encodeCentroid(v);
    assert.equal(code.length, centroidCodeBytes(512));
    assert.ok(cosine(v, decodeCentroid(code, 512)) >= 0.9999);
  }
});

test('re-encoding a decoded centroid gives the same bytes (memory, index and registry agree)', () => {
  const random = seededRandom(2);
  for (let i = 0; i < 200; i++) {
    const code = encodeCentroid(randomUnit(512, random));
    assert.deepEqual(encodeCentroid(decodeCentroid(code, 512)), code);
  }
});

test('layout: float32 scale (little-endian) = max|x| / 127, then int8 components; a zero vector stays zero', () => {
  const code = encodeCentroid(Float32Array.of(0.5, -0.25, 0, 0.127));
  assert.equal(new DataView(code.buffer).getFloat32(0, true), Math.fround(0.5 / 127));
  assert.deepEqual(Array.from(new Int8Array(code.buffer, 4)), [127, -64, 0, 32]);
  assert.deepEqual(Array.from(decodeCentroid(encodeCentroid(new Float32Array(3)), 3)), [0, 0, 0]);
});
