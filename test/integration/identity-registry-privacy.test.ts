// The registry's privacy operations on a real redis-server: retention expiry, removal, generations, crypto-shredding, rewriting its files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startLocalRedis, type LocalRedisServer } from '../../common/redis/local-redis-server.ts';
import {
  CentroidCipher,
  RedisIdentityStore,
  rewriteRedisPersistence,
  type Identity,
} from '../../identity-registry/index.ts';

const k1 = randomBytes(32);
let dir: string;
let server: LocalRedisServer;
let store: RedisIdentityStore;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-registry-'));
  server = await startLocalRedis({ dir });
  store = new RedisIdentityStore({
    url: server.url,
    cipher: new CentroidCipher({ k1 }, 'k1'),
    keyPrefix: 'p',
    retentionMsOf: () => 60_000,
  });
});

after(async () => {
  await store?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function identity(identityId: string, lastSeenMs: number): Identity {
  return {
    siteId: 's',
    identityId,
    centroid: Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0)),
    weight: 1,
    sightings: 1,
    firstSeenMs: 0,
    lastSeenMs,
  };
}

test('expireIdentities removes exactly those unseen before the cutoff and moves the generation', async () => {
  await store.save(
    's',
    [identity('old', 100), identity('edge', 200), identity('new', 300)],
    [{ observationId: 'o1', identityId: 'old', similarity: 0, isNewIdentity: true }],
  );
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
  const rotated = new RedisIdentityStore({
    url: server.url,
    cipher: new CentroidCipher({ k1, k2 }, 'k2'),
    keyPrefix: 'p',
  });
  const shredded = new RedisIdentityStore({
    url: server.url,
    cipher: new CentroidCipher({ k2 }, 'k2'),
    keyPrefix: 'p',
  });
  try {
    await rotated.save('s', [identity('resealed', 400)], []);
    assert.deepEqual(
      (await rotated.loadSite('s')).map((i) => i.identityId).sort(),
      ['new', 'resealed'],
      'rotation: both keys open',
    );
    assert.deepEqual(
      (await shredded.loadSite('s')).map((i) => i.identityId),
      ['resealed'],
      'k1 dropped: its blobs are unreadable',
    );
  } finally {
    await rotated.close();
    await shredded.close();
  }
});

test("purging the disk rewrites every file Redis keeps, as it is configured (an operator's Redis), and says when it cannot", async () => {
  const admin = new Redis(server.url);
  try {
    assert.deepEqual(await store.purgeRemovedFromDisk(), { complete: true, detail: 'Redis keeps nothing on disk' });
    assert.deepEqual(readdirSync(dir).sort(), ['redis.log', 'redis.sock'], 'and writes nothing either');

    await admin.config('SET', 'save', '3600 1');
    // Turning AOF on starts a rewrite of Redis's own: the purge waits it out, then runs its own.
    await admin.config('SET', 'appendonly', 'yes');
    assert.deepEqual(await store.purgeRemovedFromDisk(), {
      complete: true,
      detail: 'append-only file rewritten; snapshot rewritten',
    });
    const info = await admin.info('persistence');
    assert.match(info, /aof_rewrites:2\r\n/, "the initial rewrite and the purge's own");
    assert.match(info, /rdb_saves:1\r\n/);
    assert.ok(existsSync(join(dir, 'dump.rdb')) && existsSync(join(dir, 'appendonlydir')));

    await admin.acl('SETUSER', 'no-config', 'on', 'nopass', '~*', '+@all', '-config');
    await admin.acl('SETUSER', 'no-rewrite', 'on', 'nopass', '~*', '+@all', '-bgrewriteaof');
    for (const [username, detail] of [
      [
        'no-config',
        /^append-only file rewritten; cannot tell whether Redis also writes snapshots \(CONFIG GET save: NOPERM/,
      ],
      ['no-rewrite', /^append-only file not rewritten: BGREWRITEAOF refused: NOPERM/],
    ] as const) {
      const limited = new Redis(server.url, { username, password: 'any' });
      try {
        const purge = await rewriteRedisPersistence(limited);
        assert.equal(purge.complete, false, username);
        assert.match(purge.detail, detail);
      } finally {
        limited.disconnect();
      }
    }
  } finally {
    await admin.config('SET', 'appendonly', 'no');
    await admin.config('SET', 'save', '');
    admin.disconnect();
  }
});
