import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CentroidCipher } from './centroid-cipher.ts';

const vector = Float32Array.from({ length: 512 }, (_, i) => Math.cos(i) / 16);

test('a sealed centroid opens to the same vector and holds no plaintext', () => {
  const cipher = new CentroidCipher({ k1: randomBytes(32) }, 'k1');
  const blob = cipher.seal(vector, 'site/a');
  assert.deepEqual(Array.from(cipher.open(blob, 'site/a')), Array.from(vector));
  const plain = Buffer.from(vector.buffer);
  assert.equal(blob.indexOf(plain.subarray(0, 16)), -1);
  assert.notDeepEqual(cipher.seal(vector, 'site/a'), blob, 'a fresh IV per seal');
});

test('a blob moved to another identity or tampered with does not open', () => {
  const cipher = new CentroidCipher({ k1: randomBytes(32) }, 'k1');
  const blob = cipher.seal(vector, 'site/a');
  assert.throws(() => cipher.open(blob, 'site/b'));
  blob[blob.length - 1] ^= 1;
  assert.throws(() => cipher.open(blob, 'site/a'));
});

test('keys rotate: old blobs open with the old key id, new ones use the active key', () => {
  const k1 = randomBytes(32);
  const old = new CentroidCipher({ k1 }, 'k1').seal(vector, 'c');
  const rotated = new CentroidCipher({ k1, k2: randomBytes(32) }, 'k2');
  assert.deepEqual(Array.from(rotated.open(old, 'c')), Array.from(vector));
  const fresh = rotated.seal(vector, 'c');
  assert.throws(() => new CentroidCipher({ k1 }, 'k1').open(fresh, 'c'), /unknown key id "k2"/);
});

test('a key of the wrong size is refused', () => {
  assert.throws(() => new CentroidCipher({ k1: randomBytes(16) }, 'k1'), /32 bytes/);
});
