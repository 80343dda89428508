// Crash safety: the worker runs as its own process on real Kafka and Redis and a shared ClickHouse
// (REVISIT_TEST_CLICKHOUSE_URL's server, else chdb behind the test HTTP front), is SIGKILLed
// mid-stream and restarted; every observation then has exactly one sighting and was counted once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { createKafkaBus } from '../../common/bus/kafka-bus.ts';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig } from '../../common/config.ts';
import { useClickHouseServer, type ClickHouseService } from '../harness/clickhouse-server.ts';
import { startLocalRedis, type LocalRedisServer } from '../../common/redis/local-redis-server.ts';
import { seededRandom } from '../../common/seeded-random.ts';
import { generateEncryptionKeys } from '../../identity-registry/index.ts';
import { MODEL_ID, MODEL_VERSION } from '../../models/index.ts';
import { encodeFaceObservation, type FaceObservation, type MessageLimits } from '../../schemas/index.ts';
import { uniqueName, useKafka, type KafkaService } from '../harness/services.ts';
import { foldedSightings } from '../harness/registry-sightings.ts';

const SITE = 'crash-site';
const OBSERVATIONS = 2000;
const PEOPLE = 400;
const KILL_AFTER = 500;
const CLI = new URL('../../bin/revisit.js', import.meta.url).pathname;
const limits: MessageLimits = {
  embeddingDim: 512,
  maxMessageBytes: 65_536,
  isKnownSite: (s) => s === SITE,
  times: { now: Date.now, maxFutureSkewMs: 300_000, maxPastMsOf: () => 86_400_000 },
};

let kafka: KafkaService;
let clickhouseServer: ClickHouseService;
let redisServer: LocalRedisServer;
let redis: Redis;
let dir: string;
let topic: string;
const keyPrefix = 'crash';

before(async () => {
  kafka = await useKafka();
  clickhouseServer = await useClickHouseServer();
  dir = mkdtempSync(join(tmpdir(), 'revisit-crash-'));
  redisServer = await startLocalRedis({ dir: join(dir, 'redis') });
  redis = new Redis(redisServer.url);
  topic = uniqueName('obs');
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      sites: [{ id: SITE, name: 'Crash site' }],
      kafka: { brokers: kafka.brokers, partitions: 1 },
      topics: { observations: topic, deadLetters: `${topic}.dlq` },
      redis: { url: redisServer.url, keyPrefix },
      clickhouse: { url: clickhouseServer.url, database: clickhouseServer.database },
      encryption: generateEncryptionKeys(),
    }),
  );
});

after(async () => {
  redis?.disconnect();
  await redisServer?.stop();
  await kafka?.release();
  await clickhouseServer?.release();
  rmSync(dir, { recursive: true, force: true });
});

/** Synthetic but valid observations: PEOPLE directions, each seen several times with noise. */
function observations(): FaceObservation[] {
  const random = seededRandom(7);
  const people = Array.from({ length: PEOPLE }, () => Float32Array.from({ length: 512 }, () => random() - 0.5));
  const t0 = Date.now() - 3600_000;
  return Array.from({ length: OBSERVATIONS }, (_, i) => {
    const e = people[i % PEOPLE].map((v) => v + (random() - 0.5) * 0.3);
    const n = Math.hypot(...e);
    return {
      observationId: `obs-${i}`,
      siteId: SITE,
      cameraId: 'cam',
      trackId: `t-${i}`,
      tStartMs: t0 + i * 1000,
      tEndMs: t0 + i * 1000 + 500,
      embedding: e.map((v) => v / n),
      quality: 0.9,
      modelId: MODEL_ID,
      modelVersion: MODEL_VERSION,
      cannotLinkTrackIds: [],
    };
  });
}

function startWorker(): ChildProcess {
  return spawn(process.execPath, [CLI, 'worker'], {
    env: { ...process.env, REVISIT_CONFIG: join(dir, 'config.json'), REVISIT_DATA_DIR: dir, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function markers(): Promise<number> {
  return (await redis.keys(`${keyPrefix}:{${SITE}}:obs:*`)).length;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

test('SIGKILL mid-stream and restart: sightings equal observations, none lost, none doubled', {
  timeout: 180_000,
}, async (t) => {
  const bus = createKafkaBus({ brokers: kafka.brokers, clientId: 'crash-test', numPartitions: 1 });
  try {
    const all = observations();
    for (let i = 0; i < all.length; i += 250) {
      await bus.publish(
        topic,
        all.slice(i, i + 250).map((o) => ({ key: SITE, value: encodeFaceObservation(o, limits) })),
      );
    }
  } finally {
    await bus.close();
  }

  const first = startWorker();
  const firstExit = new Promise((resolve) => first.once('exit', resolve));
  await until(`${KILL_AFTER} handled observations`, async () => (await markers()) >= KILL_AFTER, 60_000);
  first.kill('SIGKILL');
  assert.equal(await firstExit, null, 'killed, not exited');
  const atKill = await markers();
  assert.ok(atKill < OBSERVATIONS, `killed mid-stream (after ${atKill} of ${OBSERVATIONS})`);

  const second = startWorker();
  const secondExit = new Promise((resolve) => second.once('exit', resolve));
  const admin = new Kafka({ brokers: kafka.brokers, clientId: 'crash-test-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    // Offsets are committed only after Redis and ClickHouse have a batch: all committed = all sunk.
    await until(
      'every offset committed',
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId: 'reid-worker', topics: [topic] });
        return committed.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0) === OBSERVATIONS;
      },
      120_000,
      250,
    );
  } finally {
    await admin.disconnect();
  }
  second.kill('SIGTERM');
  assert.equal(await secondExit, 0, 'a clean stop');

  const clickhouse = await createClickHouseClient(
    loadConfig({ clickhouse: { url: clickhouseServer.url, database: clickhouseServer.database } }, {}),
  );
  try {
    const count = async (query: string) =>
      Number((await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
    assert.equal(await count('SELECT count() AS n FROM sightings FINAL'), OBSERVATIONS, 'none lost, none doubled');
    assert.equal(await count('SELECT uniqExact(observation_id) AS n FROM sightings'), OBSERVATIONS);
    t.diagnostic(
      `killed after ${atKill} handled observations; ${await count('SELECT count() AS n FROM sightings')} rows before deduplication`,
    );
    assert.equal(
      await count(
        'SELECT count() AS n FROM (SELECT observation_id FROM sightings GROUP BY observation_id HAVING uniqExact(identity_id) > 1)',
      ),
      0,
      'a redelivered observation kept its first identity',
    );
  } finally {
    await clickhouse.close();
  }
  const counted = await foldedSightings(redis, keyPrefix, SITE);
  assert.equal(counted, OBSERVATIONS, 'each observation folded into an identity exactly once');
});
