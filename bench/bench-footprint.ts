/**
 * What a deployment costs: an edge camera's memory (bench-camera-memory.ts), and a store's data at rest: a simulated store (visitors, returns, staff) through the real
 * worker into Redis and ClickHouse, then Redis's memory per identity and per observation marker,
 * ClickHouse's bytes on disk per sighting and per visit (after merges), and the bytes of one
 * observation on Kafka. The sizing table of docs/operations.md is computed from these rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../common/config.ts';
import { printTable, type Row } from '../common/print-table.ts';
import { generateEncryptionKeys } from '../identity-registry/index.ts';
import { buildObservation } from '../ingest/index.ts';
import { openRuntime } from '../runtime/open-runtime.ts';
import { encodeFaceObservation, messageLimits } from '../schemas/index.ts';
import { seedSimulatedStore } from '../simulator/seed-simulated-store.ts';
import { queryRows } from '../storage/clickhouse/query-rows.ts';
import { startRedisServer } from '../test/harness/redis-server.ts';
import { benchCameraMemory } from './bench-camera-memory.ts';

const SITE = { id: 'footprint-store', name: 'Footprint store', tenant: 'bench', timezone: 'Europe/Berlin' };
const VISITORS = 400;
const DAYS = 5;
/** Kafka's record batch format v2: ~61 bytes a batch header, ~10–20 bytes a record around key and value. */
const KAFKA_RECORD_OVERHEAD_BYTES = 20;

/** Sum of Redis's MEMORY USAGE over the keys matching `pattern`, and their count. */
async function memoryOf(redis: Redis, pattern: string): Promise<{ keys: number; bytes: number }> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      keys += 1;
      bytes += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    }
  } while (cursor !== '0');
  return { keys, bytes };
}

export async function benchFootprint(): Promise<void> {
  await benchCameraMemory();
  const dir = mkdtempSync(join(tmpdir(), 'revisit-bench-footprint-'));
  const redisServer = await startRedisServer();
  const config = loadConfig(
    {
      dataDir: join(dir, 'data'),
      sites: [SITE],
      redis: { url: redisServer.url, keyPrefix: 'fp' },
      encryption: generateEncryptionKeys(),
    },
    {},
  );
  const runtime = await openRuntime(config);
  const redis = new Redis(redisServer.url);
  try {
    await seedSimulatedStore(runtime, SITE, { visitors: VISITORS, days: DAYS, seed: 1 });
    const client = runtime.clickhouse;
    for (const table of ['sightings', 'visits', 'footfall_hourly', 'visitors_daily', 'camera_transitions_daily'])
      await client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    const parts = await queryRows<{ table: string; rows: string; bytes: string }>(
      client,
      `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = currentDatabase() GROUP BY table`,
    );
    const disk = new Map(parts.map((p) => [p.table, { rows: Number(p.rows), bytes: Number(p.bytes) }]));
    const sightings = disk.get('sightings') ?? { rows: 0, bytes: 0 };
    const visits = disk.get('visits') ?? { rows: 0, bytes: 0 };
    const aggregates = ['footfall_hourly', 'visitors_daily', 'camera_transitions_daily'].reduce(
      (n, t) => n + (disk.get(t)?.bytes ?? 0),
      0,
    );
    const markers = await memoryOf(redis, `fp:{${SITE.id}}:obs:*`);
    const records = await memoryOf(redis, `fp:{${SITE.id}}:rec:*`);
    const observation = buildObservation(
      {
        embedding: new Float32Array(config.matching.embeddingDim).fill(1 / Math.sqrt(config.matching.embeddingDim)),
        quality: 0.9,
      },
      {
        siteId: SITE.id,
        cameraId: 'entrance',
        trackId: 'entrance.1a2b3c4d-17',
        tStartMs: Date.now() - 5000,
        tEndMs: Date.now(),
      },
    );
    const message =
      encodeFaceObservation(observation, messageLimits(config)).byteLength +
      SITE.id.length +
      KAFKA_RECORD_OVERHEAD_BYTES;
    const rows: Row[] = [
      {
        store: 'Redis',
        what: 'observation marker (kept 7 days, or the retention if shorter)',
        count: markers.keys,
        'bytes each': markers.bytes / Math.max(1, markers.keys),
      },
      {
        store: 'Redis',
        what: 'identity record (sealed int8 centroid, counters)',
        count: records.keys,
        'bytes each': records.bytes / Math.max(1, records.keys),
      },
      {
        store: 'ClickHouse',
        what: 'sighting row on disk (compressed, merged)',
        count: sightings.rows,
        'bytes each': sightings.bytes / Math.max(1, sightings.rows),
      },
      {
        store: 'ClickHouse',
        what: 'visit row on disk (latest version, merged)',
        count: visits.rows,
        'bytes each': visits.bytes / Math.max(1, visits.rows),
      },
      {
        store: 'ClickHouse',
        what: 'aggregates (footfall, visitors, transitions) per visit',
        count: visits.rows,
        'bytes each': aggregates / Math.max(1, visits.rows),
      },
      {
        store: 'Kafka',
        what: 'observation record (512-d embedding, key, record overhead)',
        count: 1,
        'bytes each': message,
      },
    ];
    printTable(
      `Data at rest: a simulated store of ${VISITORS} visitors over ${DAYS} days through the worker (embedded chdb, redis-server ${redisServer.url.startsWith('/') ? 'on a socket' : ''})`,
      rows,
    );
  } finally {
    redis.disconnect();
    await runtime.close();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
