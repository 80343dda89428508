/** Load through the distributed path: a paced producer → real Kafka (loopback) → 1, 2, 4 worker processes → one shared ClickHouse (a server, or chdb behind the test HTTP front). */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createKafkaBus } from '../common/bus/kafka-bus.ts';
import { startLocalRedis } from '../common/redis/local-redis-server.ts';
import { seededRandom } from '../common/seeded-random.ts';
import { MODEL_ID, MODEL_VERSION } from '../models/index.ts';
import { randomUnit, samePerson } from '../reid-worker/index/synthetic-embeddings.ts';
import { encodeFaceObservation, type MessageLimits } from '../schemas/index.ts';
import { startKafkaBroker } from '../test/harness/kafka-broker.ts';
import { useClickHouseServer } from '../test/harness/clickhouse-server.ts';
import { printTable, type Row } from '../common/print-table.ts';

const CLI = new URL('../bin/revisit.js', import.meta.url).pathname;
const WORKER_COUNTS = [1, 2, 4];
/** Offered observations per second; each step lasts STEP_S, so a run is bounded at sum(rates) × STEP_S. */
const RATES = [500, 1000, 2000, 4000];
const STEP_S = 3;
const SITES = Array.from({ length: 8 }, (_, i) => `load-${i}`);
const PEOPLE_PER_SITE = 200;
const PARTITIONS = 4;
const DRAIN_TIMEOUT_MS = 120_000;

/**
 * For each worker count, a fresh topic (4 partitions, 8 sites) and group: the producer offers
 * each rate for STEP_S seconds, then waits until the group has committed everything. Achieved
 * throughput = observations / (first publish → last commit). On this 2-core machine more worker
 * processes share the same cores: the rows show partition ownership working, not scaling.
 */
export async function benchLoad(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-bench-load-'));
  const broker = await startKafkaBroker();
  const clickhouse = await useClickHouseServer();
  const redis = await startLocalRedis({ dir: join(dir, 'redis') });
  const admin = new Kafka({
    brokers: broker.brokers,
    clientId: 'bench-load-admin',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const limits: MessageLimits = {
    embeddingDim: 512,
    maxMessageBytes: 65_536,
    isKnownSite: (s) => SITES.includes(s),
    times: { now: Date.now, maxFutureSkewMs: 300_000, maxPastMsOf: () => 7 * 86_400_000 },
  };
  // Yesterday onwards, 100 ms apart: inside the workers' time window for the whole run.
  const t0 = Date.now() - 86_400_000;
  const random = seededRandom(5);
  const people = SITES.map(() => Array.from({ length: PEOPLE_PER_SITE }, () => randomUnit(512, random)));
  const key = randomBytes(32).toString('base64');
  const rows: Row[] = [];
  let seq = 0;
  try {
    for (const workers of WORKER_COUNTS) {
      const topic = `load-${workers}w-${Date.now()}`;
      const groupId = 'reid-worker';
      const config = join(dir, `config-${workers}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          sites: SITES.map((id) => ({ id, name: id })),
          kafka: { brokers: broker.brokers, partitions: PARTITIONS, sessionTimeoutMs: 6000 },
          topics: { observations: topic, deadLetters: `${topic}.dlq`, sightings: `${topic}.sightings` },
          redis: { url: redis.url, keyPrefix: `load${workers}` },
          clickhouse: { url: clickhouse.url, database: clickhouse.database },
          encryption: { keys: { k1: key }, activeKeyId: 'k1' },
        }),
      );
      const children = Array.from({ length: workers }, (_, i) => spawnWorker(config, join(dir, `w${workers}-${i}`)));
      const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'bench-load', numPartitions: PARTITIONS });
      try {
        await bus.publish(topic, []);
        await waitFor(
          async () => (await stableMembers(admin, groupId)) === workers,
          90_000,
          `${workers} workers in the group`,
        );
        let sent = 0;
        for (const rate of RATES) {
          const total = rate * STEP_S;
          const started = performance.now();
          for (let i = 0; i < total; i += rate / 10) {
            const due = started + (i / rate) * 1000;
            await sleep(Math.max(0, due - performance.now()));
            const batch = Array.from({ length: rate / 10 }, () => {
              const n = seq++;
              const s = n % SITES.length;
              const p = Math.floor(n / SITES.length) % PEOPLE_PER_SITE;
              const t = t0 + n * 100;
              const value = encodeFaceObservation(
                {
                  observationId: `o${n}`,
                  siteId: SITES[s],
                  cameraId: 'c',
                  trackId: `t${n}`,
                  tStartMs: t,
                  tEndMs: t + 500,
                  embedding: samePerson(people[s][p], 0.9, random),
                  quality: 0.9,
                  modelId: MODEL_ID,
                  modelVersion: MODEL_VERSION,
                  cannotLinkTrackIds: [],
                },
                limits,
              );
              return { key: SITES[s], value };
            });
            await bus.publish(topic, batch);
          }
          const published = performance.now();
          sent += total;
          await waitFor(
            async () => (await committed(admin, groupId, topic)) >= sent,
            DRAIN_TIMEOUT_MS,
            `${sent} committed`,
          );
          const done = performance.now();
          rows.push({
            workers,
            'offered obs/s': rate,
            'published obs/s': total / ((published - started) / 1000),
            observations: total,
            'achieved obs/s': total / ((done - started) / 1000),
            'lag drained after publishing (s)': (done - published) / 1000,
          });
        }
      } finally {
        await bus.close();
        await Promise.all(children.map(stopWorker));
      }
    }
  } finally {
    await admin.disconnect();
    await redis.stop();
    await broker.stop();
    await clickhouse.release();
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    `Load through Kafka (loopback, ${PARTITIONS} partitions, ${SITES.length} sites) into 1, 2, 4 worker processes sharing one ClickHouse (${clickhouse.label}); 2 cores shared by all`,
    rows,
  );
}

function spawnWorker(config: string, dataDir: string): ChildProcess {
  return spawn(process.execPath, [CLI, 'worker'], {
    env: {
      ...process.env,
      REVISIT_CONFIG: config,
      REVISIT_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      OMP_NUM_THREADS: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000).then(() => child.kill('SIGKILL'))]);
}

async function stableMembers(admin: Admin, groupId: string): Promise<number> {
  const { groups } = await admin.describeGroups([groupId]);
  return groups[0]?.state === 'Stable' ? groups[0].members.length : 0;
}

async function committed(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return offsets.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench-load: timed out waiting for ${what}`);
    await sleep(100);
  }
}
