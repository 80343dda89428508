import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { CentroidCipher, UnknownKeyError } from './centroid-cipher.ts';
import { deriveSiteKey } from './derive-site-key.ts';
import { decodeCentroid, encodeCentroid } from './centroid-code.ts';

const vector = Float32Array.from({ length: 512 }, (_, i) => Math.cos(i) / 16);

test('a sealed centroid opens to the same vector and holds no plaintext', () => {
  const cipher = new CentroidCipher({ k1: randomBytes(32) }, 'k1');
  const blob = cipher.seal(vector, 'site', 'site/a');
  assert.deepEqual(Array.from(cipher.open(blob, 'site', 'site/a')), Array.from(vector));
  const plain = Buffer.from(vector.buffer);
  assert.equal(blob.indexOf(plain.subarray(0, 16)), -1);
  assert.notDeepEqual(cipher.seal(vector, 'site', 'site/a'), blob, 'a fresh IV per seal');
});

test('a blob moved to another identity or tampered with does not open', () => {
  const cipher = new CentroidCipher({ k1: randomBytes(32) }, 'k1');
  const blob = cipher.seal(vector, 'site', 'site/a');
  assert.throws(() => cipher.open(blob, 'site', 'site/b'));
  blob[blob.length - 1] ^= 1;
  assert.throws(() => cipher.open(blob, 'site', 'site/a'));
});

test('each site has its own key: a blob moved to another site does not open, even with the same context', () => {
  const master = randomBytes(32);
  const cipher = new CentroidCipher({ k1: master }, 'k1');
  const blob = cipher.seal(vector, 'site-a', 'same-context');
  assert.throws(() => cipher.open(blob, 'site-b', 'same-context'));
  assert.notDeepEqual(deriveSiteKey(master, 'site-a'), deriveSiteKey(master, 'site-b'));
  assert.notDeepEqual(deriveSiteKey(master, 'site-a'), master);
  assert.deepEqual(deriveSiteKey(master, 'site-a'), deriveSiteKey(master, 'site-a'), 'derivation is deterministic');
});

test('keys rotate: old blobs open with the old key id, new ones use the active key', () => {
  const k1 = randomBytes(32);
  const old = new CentroidCipher({ k1 }, 'k1').seal(vector, 's', 'c');
  const rotated = new CentroidCipher({ k1, k2: randomBytes(32) }, 'k2');
  assert.deepEqual(Array.from(rotated.open(old, 's', 'c')), Array.from(vector));
  const fresh = rotated.seal(vector, 's', 'c');
  assert.equal(fresh.subarray(2, 2 + fresh[1]).toString(), 'k2', 'the key id travels with the blob');
  assert.throws(
    () => new CentroidCipher({ k1 }, 'k1').open(fresh, 's', 'c'),
    (e: unknown) => e instanceof UnknownKeyError && /unknown key id "k2"/.test(e.message),
  );
});

test('version 1 blobs (sealed with the master key before per-site keys) still open', () => {
  const k1 = randomBytes(32);
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', k1, iv);
  c.setAAD(Buffer.from('s/a'));
  const body = Buffer.concat([c.update(Buffer.from(vector.buffer)), c.final()]);
  const legacy = Buffer.concat([Buffer.from([1, 2]), Buffer.from('k1'), iv, c.getAuthTag(), body]);
  assert.deepEqual(Array.from(new CentroidCipher({ k1 }, 'k1').open(legacy, 's', 's/a')), Array.from(vector));
});

test('a key of the wrong size is refused', () => {
  assert.throws(() => new CentroidCipher({ k1: randomBytes(16) }, 'k1'), /32 bytes/);
});

test('centroid codes seal as version 3 at a quarter of the size, and every version opens as a code', () => {
  const cipher = new CentroidCipher({ k1: randomBytes(32) }, 'k1');
  const code = encodeCentroid(vector);
  const sealed = cipher.sealCode(code, 's', 's/a');
  assert.equal(sealed[0], 3);
  assert.ok(sealed.length < cipher.seal(vector, 's', 's/a').length / 3);
  assert.deepEqual(new Uint8Array(cipher.openCode(sealed, 's', 's/a')), code);
  assert.deepEqual(Array.from(cipher.open(sealed, 's', 's/a')), Array.from(decodeCentroid(code, 512)));
  assert.deepEqual(
    cipher.openCode(cipher.seal(vector, 's', 's/a'), 's', 's/a'),
    code,
    'a v2 float32 blob opens as the same code',
  );
  assert.throws(() => cipher.openCode(sealed, 's', 's/b'), 'the identity is bound as associated data');
  assert.equal(sealed.indexOf(Buffer.from(code.subarray(4, 20))), -1, 'no plaintext code bytes');
});
