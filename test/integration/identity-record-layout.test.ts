// Identity records on a real redis-server: one compact key per identity, bulk snapshots, and sites saved in the old hash layout migrated on load.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startLocalRedis, type LocalRedisServer } from '../../common/redis/local-redis-server.ts';
import { seededRandom } from '../../common/seeded-random.ts';
import { CentroidCipher, decodeCentroid, encodeCentroid, RedisIdentityStore } from '../../identity-registry/index.ts';
import { randomUnit } from '../../reid-worker/index/synthetic-embeddings.ts';

const cipher = new CentroidCipher({ k1: randomBytes(32) }, 'k1');
let dir: string;
let server: LocalRedisServer;
let store: RedisIdentityStore;
let redis: Redis;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-records-'));
  server = await startLocalRedis({ dir });
  store = new RedisIdentityStore({ url: server.url, cipher, keyPrefix: 'r', retentionMsOf: () => 3_600_000 });
  redis = new Redis(server.url);
});

after(async () => {
  await store?.close();
  await redis?.quit();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('an identity is one sealed record of under 800 bytes of Redis memory, and the snapshot returns its code', async () => {
  const centroid = randomUnit(512, seededRandom(1));
  await store.save(
    's',
    [{ siteId: 's', identityId: 'a', centroid, weight: 1.5, sightings: 3, firstSeenMs: 10, lastSeenMs: 20 }],
    [],
  );
  assert.deepEqual((await redis.keys('r:{s}:*')).sort(), ['r:{s}:ids', 'r:{s}:rec:a']);
  const bytes = Number(await redis.call('MEMORY', 'USAGE', 'r:{s}:rec:a'));
  assert.ok(bytes < 800, `${bytes} bytes`);
  assert.ok((await redis.pttl('r:{s}:rec:a')) > 0, 'the retention TTL is on the record');
  const snapshot = await store.loadSnapshot('s');
  assert.deepEqual(snapshot.identityIds, ['a']);
  assert.equal(snapshot.dim, 512);
  assert.deepEqual(snapshot.codes, encodeCentroid(centroid));
  assert.deepEqual(
    [snapshot.weight[0], snapshot.sightings[0], snapshot.firstSeenMs[0], snapshot.lastSeenMs[0]],
    [1.5, 3, 10, 20],
  );
});

test('an identity saved in the old hash layout (float32 v2 blob) loads, and is rewritten as a record', async () => {
  const centroid = randomUnit(512, seededRandom(2));
  await redis.hset('r:{s}:id:old', {
    c: cipher.seal(centroid, 's', 's/old'),
    k: 'k1',
    w: '2',
    n: '4',
    f: '5',
    l: '30',
  });
  await redis.zadd('r:{s}:ids', 30, 'old');
  const loaded = (await store.loadSite('s')).find((i) => i.identityId === 'old');
  assert.ok(loaded);
  assert.deepEqual(loaded.centroid, decodeCentroid(encodeCentroid(centroid), 512));
  assert.deepEqual([loaded.weight, loaded.sightings, loaded.firstSeenMs, loaded.lastSeenMs], [2, 4, 5, 30]);
  assert.equal(await redis.exists('r:{s}:id:old'), 0, 'the hash is gone');
  assert.equal((await redis.getBuffer('r:{s}:rec:old'))?.[0], 1, 'a record took its place');
  assert.equal(await store.removeIdentities('s', ['old']), 1);
  assert.equal(await redis.exists('r:{s}:rec:old'), 0);
});
