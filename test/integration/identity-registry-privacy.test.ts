// The registry's privacy operations on a real redis-server: retention expiry, removal, generations, crypto-shredding.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis, type LocalRedisServer } from '../../common/redis/local-redis-server.ts';
import { CentroidCipher, RedisIdentityStore, type Identity } from '../../identity-registry/index.ts';

const k1 = randomBytes(32);
let dir: string;
let server: LocalRedisServer;
let store: RedisIdentityStore;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-registry-'));
  server = await startLocalRedis({ dir });
  store = new RedisIdentityStore({ url: server.url, cipher: new CentroidCipher({ k1 }, 'k1'), keyPrefix: 'p', retentionMsOf: () => 60_000 });
});

after(async () => {
  await store?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function identity(identityId: string, lastSeenMs: number): Identity {
  return { siteId: 's', identityId, centroid: Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0)), weight: 1, sightings: 1, firstSeenMs: 0, lastSeenMs };
}

test('expireIdentities removes exactly those unseen before the cutoff and moves the generation', async () => {
  await store.save('s', [identity('old', 100), identity('edge', 200), identity('new', 300)], [{ observationId: 'o1', identityId: 'old', similarity: 0, isNewIdentity: true }]);
  const gen = await store.siteGeneration('s');
  assert.deepEqual(await store.expireIdentities('s', 200), ['old']);
  assert.equal(await store.siteGeneration('s'), gen + 1);
  assert.deepEqual((await store.loadSite('s')).map((i) => i.identityId).sort(), ['edge', 'new']);
  assert.deepEqual(await store.expireIdentities('s', 200), [], 'idempotent');
});

test('removeIdentities deletes identities and markers and reports how many existed', async () => {
  assert.equal(await store.removeIdentities('s', ['edge', 'ghost'], ['o1']), 1);
  assert.deepEqual(await store.findProcessed('s', ['o1']), [null]);
  assert.equal(await store.countIdentities('s'), 1);
});

test('deleting a key id shreds what it sealed: those identities read as gone, others still open', async () => {
  const k2 = randomBytes(32);
  const rotated = new RedisIdentityStore({ url: server.url, cipher: new CentroidCipher({ k1, k2 }, 'k2'), keyPrefix: 'p' });
  const shredded = new RedisIdentityStore({ url: server.url, cipher: new CentroidCipher({ k2 }, 'k2'), keyPrefix: 'p' });
  try {
    await rotated.save('s', [identity('resealed', 400)], []);
    assert.deepEqual((await rotated.loadSite('s')).map((i) => i.identityId).sort(), ['new', 'resealed'], 'rotation: both keys open');
    assert.deepEqual((await shredded.loadSite('s')).map((i) => i.identityId), ['resealed'], 'k1 dropped: its blobs are unreadable');
  } finally {
    await rotated.close();
    await shredded.close();
  }
});
