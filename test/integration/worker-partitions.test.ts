// Partition ownership: two worker processes in one consumer group on a real broker (4 partitions,
// 8 sites), sharing Redis and a ClickHouse (REVISIT_TEST_CLICKHOUSE_URL's server, else chdb behind
// the test HTTP front). One is SIGKILLed mid-stream; the survivor takes its partitions, rebuilds
// those sites from the registry and their open visits from ClickHouse, and every observation ends
// with exactly one identity, every synthetic person with one identity and one visit per site.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createKafkaBus } from '../../common/bus/kafka-bus.ts';
import { startLocalRedis, type LocalRedisServer } from '../../common/redis/local-redis-server.ts';
import { seededRandom } from '../../common/seeded-random.ts';
import { MODEL_ID, MODEL_VERSION } from '../../models/index.ts';
import { randomUnit, samePerson } from '../../reid-worker/index/synthetic-embeddings.ts';
import { encodeFaceObservation, type FaceObservation, type MessageLimits } from '../../schemas/index.ts';
import { startKafkaBroker, type KafkaBroker } from '../harness/kafka-broker.ts';
import { loadConfig } from '../../common/config.ts';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { useClickHouseServer, type ClickHouseService } from '../harness/clickhouse-server.ts';
import { uniqueName } from '../harness/unique-name.ts';
import { foldedSightings } from '../harness/registry-sightings.ts';

const SITES = Array.from({ length: 8 }, (_, i) => `store-${i}`);
const PEOPLE = 30;
const ROUNDS = 8;
const TOTAL = SITES.length * PEOPLE * ROUNDS;
const CHUNK = 64;
const KILL_AFTER = 500;
const CLI = new URL('../../bin/revisit.js', import.meta.url).pathname;
/** Not the default group: the workers must take it from the configuration. */
const GROUP = uniqueName('reid-group');
const keyPrefix = 'parts';
const limits: MessageLimits = {
  embeddingDim: 512,
  maxMessageBytes: 65_536,
  isKnownSite: (s) => SITES.includes(s),
  times: { now: Date.now, maxFutureSkewMs: 300_000, maxPastMsOf: () => 86_400_000 },
};

let broker: KafkaBroker;
let clickhouseServer: ClickHouseService;
let redisServer: LocalRedisServer;
let redis: Redis;
let admin: Admin;
let dir: string;
let topic: string;
const workers: ChildProcess[] = [];

before(async () => {
  // A private broker: the group id is the product's, and a SIGKILLed member of another test
  // would linger in a shared broker's group until its session expired.
  broker = await startKafkaBroker();
  clickhouseServer = await useClickHouseServer();
  dir = mkdtempSync(join(tmpdir(), 'revisit-partitions-'));
  redisServer = await startLocalRedis({ dir: join(dir, 'redis') });
  redis = new Redis(redisServer.url);
  admin = new Kafka({ brokers: broker.brokers, clientId: 'partitions-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  topic = uniqueName('obs');
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      sites: SITES.map((id) => ({ id, name: id })),
      kafka: { brokers: broker.brokers, partitions: 4, sessionTimeoutMs: 6000, groupId: GROUP },
      topics: { observations: topic, deadLetters: `${topic}.dlq` },
      redis: { url: redisServer.url, keyPrefix },
      clickhouse: { url: clickhouseServer.url, database: clickhouseServer.database },
      // Shared by every worker: each must open the centroids the others sealed.
      encryption: { keys: { k1: randomBytes(32).toString('base64') }, activeKeyId: 'k1' },
    }),
  );
});

after(async () => {
  // A failed test must not leave a worker behind.
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await admin?.disconnect();
  redis?.disconnect();
  await redisServer?.stop();
  await broker?.stop();
  await clickhouseServer?.release();
  rmSync(dir, { recursive: true, force: true });
});

/** Observation id → [site, person]; every person is seen ROUNDS times at each site, an hour apart rounds. */
function observations(): FaceObservation[] {
  const random = seededRandom(11);
  const t0 = Date.now() - 3 * 3600_000;
  const out: FaceObservation[] = [];
  const people = SITES.map(() => Array.from({ length: PEOPLE }, () => randomUnit(512, random)));
  for (let round = 0; round < ROUNDS; round++) {
    SITES.forEach((siteId, s) => {
      for (let p = 0; p < PEOPLE; p++) {
        const t = t0 + round * 60_000 + p * 1000;
        out.push({
          observationId: `${siteId}_p${p}_r${round}`,
          siteId,
          cameraId: 'cam',
          trackId: `t-${s}-${p}-${round}`,
          tStartMs: t,
          tEndMs: t + 500,
          // Cosine 0.9 to the person's direction: one person never splits, two never merge.
          embedding: samePerson(people[s][p], 0.9, random),
          quality: 0.9,
          modelId: MODEL_ID,
          modelVersion: MODEL_VERSION,
          cannotLinkTrackIds: [],
        });
      }
    });
  }
  return out;
}

function startWorker(name: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: {
      ...process.env,
      REVISIT_CONFIG: join(dir, 'config.json'),
      REVISIT_DATA_DIR: join(dir, name),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  workers.push(child);
  return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (${await handled()} of ${TOTAL} handled)`);
    await sleep(everyMs);
  }
}

async function handled(): Promise<number> {
  let n = 0;
  for (const site of SITES) n += (await redis.keys(`${keyPrefix}:{${site}}:obs:*`)).length;
  return n;
}

async function groupMembers(): Promise<number> {
  const { groups } = await admin.describeGroups([GROUP]);
  return groups[0]?.state === 'Stable' ? groups[0].members.length : 0;
}

interface Row {
  observation_id: string;
  identity_id: string;
  site_id: string;
}

test('two workers, one SIGKILLed mid-stream: the survivor takes its sites; one identity per observation and per person', {
  timeout: 150_000,
}, async (t) => {
  const all = observations();
  const a = startWorker('worker-a');
  const b = startWorker('worker-b');
  await until('both workers in the group', async () => (await groupMembers()) === 2, 60_000, 250);

  const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'partitions-test', numPartitions: 4 });
  let killedAt = -1;
  try {
    for (let i = 0; i < all.length; i += CHUNK) {
      await bus.publish(
        topic,
        all.slice(i, i + CHUNK).map((o) => ({ key: o.siteId, value: encodeFaceObservation(o, limits) })),
      );
      if (killedAt < 0 && (await handled()) >= KILL_AFTER) {
        a.child.kill('SIGKILL');
        killedAt = await handled();
      }
      await sleep(150);
    }
  } finally {
    await bus.close();
  }
  if (killedAt < 0) {
    await until(`${KILL_AFTER} handled`, async () => (await handled()) >= KILL_AFTER, 60_000);
    a.child.kill('SIGKILL');
    killedAt = await handled();
  }
  assert.equal(await a.exited, null, 'worker a was killed, not exited');
  assert.ok(killedAt < TOTAL, `killed mid-stream (${killedAt} of ${TOTAL} handled)`);

  // The survivor gets a's partitions once a's session (6 s) expires, and commits everything.
  await until(
    'every offset committed',
    async () => {
      const [committed] = await admin.fetchOffsets({ groupId: GROUP, topics: [topic] });
      return committed.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0) === TOTAL;
    },
    90_000,
    250,
  );
  b.child.kill('SIGTERM');
  assert.equal(await b.exited, 0, 'the survivor stopped cleanly');

  const clickhouse = await createClickHouseClient(
    loadConfig({ clickhouse: { url: clickhouseServer.url, database: clickhouseServer.database } }, {}),
  );
  let rows: Row[];
  try {
    const count = async (query: string) => Number((await queryRows<{ n: string }>(clickhouse, query))[0].n);
    const [raw, twice, visits] = [
      await count('SELECT count() AS n FROM sightings'),
      await count(
        'SELECT count() AS n FROM (SELECT observation_id FROM sightings GROUP BY observation_id HAVING uniqExact(identity_id) > 1)',
      ),
      await count('SELECT count() AS n FROM visits FINAL'),
    ];
    rows = await queryRows<Row>(clickhouse, 'SELECT observation_id, identity_id, site_id FROM sightings FINAL');
    t.diagnostic(
      `killed after ${killedAt}/${TOTAL} handled; ${raw} sighting rows before deduplication, ${rows.length} after; ${visits} visits`,
    );
    assert.equal(twice, 0, 'a redelivered observation kept its identity across the handover');
    assert.equal(visits, SITES.length * PEOPLE, 'one visit per person: the handover split no visit');
  } finally {
    await clickhouse.close();
  }

  const identityOf = new Map(rows.map((r) => [r.observation_id, r.identity_id]));
  assert.equal(identityOf.size, TOTAL, 'every observation has a sighting: none lost');
  assert.deepEqual(
    [...identityOf.keys()].filter((id) => !id.includes('_r')),
    [],
    'no stray rows',
  );

  // Person ↔ identity is one-to-one within each site: no identity split by the handover.
  const identitiesOfPerson = new Map<string, Set<string>>();
  const peopleOfIdentity = new Map<string, Set<string>>();
  for (const [observationId, identityId] of identityOf) {
    const person = observationId.slice(0, observationId.lastIndexOf('_r'));
    identitiesOfPerson.set(person, (identitiesOfPerson.get(person) ?? new Set()).add(identityId));
    peopleOfIdentity.set(identityId, (peopleOfIdentity.get(identityId) ?? new Set()).add(person));
  }
  const split = [...identitiesOfPerson].filter(([, ids]) => ids.size > 1).map(([p]) => p);
  assert.deepEqual(split, [], 'each person has one identity per site');
  assert.equal(identitiesOfPerson.size, SITES.length * PEOPLE);
  assert.ok(
    [...peopleOfIdentity.values()].every((p) => p.size === 1),
    'no identity holds two people',
  );

  let folded = 0;
  for (const site of SITES) folded += await foldedSightings(redis, keyPrefix, site);
  assert.equal(folded, TOTAL, 'each observation folded into an identity exactly once across both workers');
});
