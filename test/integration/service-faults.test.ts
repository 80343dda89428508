// Faults on real services under a running worker: the Kafka broker restarts, Redis (AOF, fsync
// always) is SIGKILLed and restarted, the ClickHouse sightings table is detached for a while.
// After each, sightings and visits equal what was sent: none lost, none doubled.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Bus, Subscription } from '../../common/bus/bus.ts';
import { createKafkaBus } from '../../common/bus/kafka-bus.ts';
import { loadConfig } from '../../common/config.ts';
import { generateEncryptionKeys } from '../../identity-registry/index.ts';
import { openRuntime, type Runtime } from '../../runtime/open-runtime.ts';
import { startLocalRedis, type LocalRedisServer } from '../../common/redis/local-redis-server.ts';
import { seededRandom } from '../../common/seeded-random.ts';
import { ObservationPublisher } from '../../ingest/index.ts';
import { MODEL_ID, MODEL_VERSION } from '../../models/index.ts';
import { busDownObservationsTotal } from '../../ingest/ingest-metrics.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { messageLimits } from '../../schemas/index.ts';
import { randomUnit, samePerson } from '../../reid-worker/index/synthetic-embeddings.ts';
import type { FaceObservation } from '../../schemas/index.ts';
import { printTable, type Row } from '../../common/print-table.ts';
import { startKafkaBroker, type KafkaBroker } from '../harness/kafka-broker.ts';
import { uniqueName } from '../harness/unique-name.ts';
import { foldedSightings } from '../harness/registry-sightings.ts';

const SITES = ['fault-kafka', 'fault-redis', 'fault-clickhouse'];
const PEOPLE = 40;
const ROUNDS = 6;
const PER_SITE = PEOPLE * ROUNDS;
const CHUNK = 20;
const keyPrefix = 'faults';

let broker: KafkaBroker;
let redisServer: LocalRedisServer;
let redis: Redis;
let runtime: Runtime;
let worker: Subscription;
let cameraBus: Bus;
let publisher: ObservationPublisher;
let dir: string;
const outcomes: Row[] = [];

before(async () => {
  broker = await startKafkaBroker();
  dir = mkdtempSync(join(tmpdir(), 'revisit-faults-'));
  redisServer = await startLocalRedis({ dir: join(dir, 'redis'), appendOnly: true, fsyncAlways: true });
  redis = new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: null });
  const topic = uniqueName('obs');
  const config = loadConfig(
    {
      dataDir: dir,
      sites: SITES.map((id) => ({ id, name: id })),
      kafka: { brokers: broker.brokers, partitions: 3, sessionTimeoutMs: 6000, retryBackoffMaxMs: 2000 },
      topics: { observations: topic, deadLetters: `${topic}.dlq`, sightings: `${topic}.sightings` },
      redis: { url: redisServer.url, keyPrefix },
      encryption: generateEncryptionKeys(),
    },
    {},
  );
  runtime = await openRuntime(config);
  worker = await startReidWorker(runtime);
  // The camera side is another process in production: its own producer, buffering while Kafka is away.
  cameraBus = createKafkaBus({ brokers: broker.brokers, clientId: 'faults-camera', numPartitions: 3 });
  publisher = new ObservationPublisher(cameraBus, topic, messageLimits(config), {
    whenBusDown: 'buffer',
    busDownBufferMax: 10_000,
    busDownAfterMs: 1000,
  });
});

after(async () => {
  printTable('Faults injected under a running worker (real Kafka, Redis, embedded ClickHouse)', outcomes);
  await cameraBus?.close();
  await worker?.stop();
  await runtime?.close();
  redis?.disconnect();
  await redisServer?.stop();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** PEOPLE people at `siteId`, each seen ROUNDS times a minute apart: one counted visit each. */
function observations(siteId: string, seed: number): FaceObservation[] {
  const random = seededRandom(seed);
  const people = Array.from({ length: PEOPLE }, () => randomUnit(512, random));
  // Mid-morning UTC yesterday: far from midnight, which would cut visits.
  const t0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000 + 10 * 3600_000;
  const out: FaceObservation[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let p = 0; p < PEOPLE; p++) {
      const t = t0 + round * 60_000 + p * 1000;
      out.push({
        observationId: `${siteId}_p${p}_r${round}`,
        siteId,
        cameraId: `cam-${round % 2}`,
        trackId: `t-${p}-${round}`,
        tStartMs: t,
        tEndMs: t + 500,
        embedding: samePerson(people[p], 0.9, random),
        quality: 0.9,
        modelId: MODEL_ID,
        modelVersion: MODEL_VERSION,
        cannotLinkTrackIds: [],
      });
    }
  }
  return out;
}

async function handled(siteId: string): Promise<number> {
  await redis.connect().catch(() => undefined);
  return (await redis.keys(`${keyPrefix}:{${siteId}}:obs:*`)).length;
}

/**
 * Publishes a site's stream in paced chunks; once a third has been handled, `inject` runs
 * alongside the rest of the stream. Then waits until the worker has committed everything.
 */
async function streamWithFault(siteId: string, seed: number, inject: () => Promise<void>): Promise<Injected> {
  const all = observations(siteId, seed);
  const buffered0 = await cameraBuffered();
  let fault: Promise<number> | undefined;
  let atFault = -1;
  for (let i = 0; i < all.length; i += CHUNK) {
    await publisher.publish(all.slice(i, i + CHUNK));
    if (!fault && (await handled(siteId)) >= PER_SITE / 3) {
      atFault = await handled(siteId);
      const started = Date.now();
      fault = inject().then(() => Date.now() - started);
    }
    await sleep(100);
  }
  if (!fault) throw new Error(`the worker handled fewer than ${PER_SITE / 3} of ${siteId} before the stream ended`);
  const faultMs = await fault;
  await publisher.flush();
  await worker.drain();
  assert.ok(atFault < PER_SITE, `fault injected mid-stream (${atFault} of ${PER_SITE} handled)`);
  return { atFault, faultMs, cameraBuffered: (await cameraBuffered()) - buffered0 };
}

interface Injected {
  atFault: number;
  faultMs: number;
  /** Observations the camera side held back while the bus was unreachable. */
  cameraBuffered: number;
}

async function cameraBuffered(): Promise<number> {
  return (await busDownObservationsTotal.get()).values.find((v) => v.labels.outcome === 'buffered')?.value ?? 0;
}

async function count(query: string): Promise<number> {
  return Number((await (await runtime.clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
}

/** The after-fault checks shared by every test; records a row of the outcome table. */
async function assertExactlyOnce(t: TestContext, fault: string, siteId: string, injected: Injected): Promise<void> {
  const where = `site_id = '${siteId}'`;
  const sightings = await count(`SELECT count() AS n FROM sightings FINAL WHERE ${where}`);
  const unique = await count(`SELECT uniqExact(observation_id) AS n FROM sightings WHERE ${where}`);
  const rawRows = await count(`SELECT count() AS n FROM sightings WHERE ${where}`);
  const twoIdentities = await count(
    `SELECT count() AS n FROM (SELECT observation_id FROM sightings WHERE ${where} GROUP BY observation_id HAVING uniqExact(identity_id) > 1)`,
  );
  const identities = await count(`SELECT uniqExact(identity_id) AS n FROM sightings FINAL WHERE ${where}`);
  const visits = await count(`SELECT count() AS n FROM visits FINAL WHERE ${where}`);
  const visitIds = await count(`SELECT uniqExact(visit_id) AS n FROM visits WHERE ${where}`);
  const visitSightings = await count(`SELECT sum(sightings) AS n FROM visits FINAL WHERE ${where}`);
  const folded = await foldedSightings(redis, keyPrefix, siteId);

  const row = {
    fault,
    sent: PER_SITE,
    'handled at fault': injected.atFault,
    'fault s': injected.faultMs / 1000,
    'camera buffered': injected.cameraBuffered,
    sightings,
    'rows (raw)': rawRows,
    'two ids': twoIdentities,
    identities,
    visits,
    'visit sightings': visitSightings,
    'registry n': folded,
  };
  outcomes.push(row);
  t.diagnostic(JSON.stringify(row));
  assert.equal(sightings, PER_SITE, 'sightings FINAL equal what was sent');
  assert.equal(unique, PER_SITE, 'none lost');
  assert.equal(twoIdentities, 0, 'no observation with two identities');
  assert.equal(identities, PEOPLE, 'one identity per person');
  assert.equal(visits, PEOPLE, 'one visit per person');
  assert.equal(visitIds, PEOPLE, 'no visit written under a second id');
  assert.equal(visitSightings, PER_SITE, 'every sighting in exactly one visit');
  assert.equal(folded, PER_SITE, 'each observation folded into its identity exactly once');
}

test('Kafka broker restarted mid-stream: the camera buffers, the worker resumes, nothing lost or doubled', {
  timeout: 90_000,
}, async (t) => {
  const injected = await streamWithFault(SITES[0], 1, () => broker.restart());
  await assertExactlyOnce(t, 'Kafka broker restart', SITES[0], injected);
  assert.ok(injected.cameraBuffered > 0, 'the camera side buffered while the broker was down');
});

test('Redis SIGKILLed, down 3 s and restarted (AOF, fsync always) mid-stream: batches retried, nothing lost or doubled', {
  timeout: 90_000,
}, async (t) => {
  const injected = await streamWithFault(SITES[1], 2, async () => {
    await redisServer.restart({ crash: true, downMs: 3000 });
  });
  await assertExactlyOnce(t, 'Redis SIGKILL, down 3 s (AOF)', SITES[1], injected);
});

test('ClickHouse sightings table detached for 4 s mid-stream: the sink fails, batches back off and land once', {
  timeout: 90_000,
}, async (t) => {
  const injected = await streamWithFault(SITES[2], 3, async () => {
    await runtime.clickhouse.command({ query: 'DETACH TABLE sightings' });
    await sleep(4000);
    await runtime.clickhouse.command({ query: 'ATTACH TABLE sightings' });
  });
  await assertExactlyOnce(t, 'ClickHouse sink down 4 s', SITES[2], injected);
});
