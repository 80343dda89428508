/** Re-id at scale: recall against exact search, assignment throughput with registry writes, memory per identity and hand-over rebuild, per site size. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import '../reid-worker/index/select-openblas-kernels.ts';
import faiss from 'faiss-node';
import { Redis } from 'ioredis';
import { seededRandom } from '../common/seeded-random.ts';
import { startLocalRedis } from '../common/redis/local-redis-server.ts';
import {
  CentroidCipher,
  RedisIdentityStore,
  type Identity,
  type ProcessedObservation,
} from '../identity-registry/index.ts';
import {
  randomUnit,
  sampleSamePersonCosine,
  samePerson,
  syntheticCentroidsPacked,
} from '../reid-worker/index/synthetic-embeddings.ts';
import { BatchAssigner } from '../reid-worker/match/batch-assigner.ts';
import { DEFAULT_SITE_INDEX, SiteState, type SiteIndexOptions } from '../reid-worker/site-state.ts';
import type { FaceObservation } from '../schemas/index.ts';
import { printTable, type Row } from '../common/print-table.ts';
import { timeIt } from './time-it.ts';

const DIM = 512;
const SIZES = [10_000, 100_000, 1_000_000];
const T0 = Date.UTC(2025, 0, 6, 9);
/** A Kafka batch of observations of one site, as the worker gets them (a 1 MB fetch holds ~450). */
const BATCH = 256;
/** One sighting in five is a stranger (a new identity), the rest returning visitors. */
const NEW_SHARE = 0.2;
const POLICY = { matchMinCosine: 0.45 };
const EXACT: SiteIndexOptions = { codec: 'float32', exactBelow: Number.MAX_SAFE_INTEGER, nprobe: 1 };

setFlagsFromString('--expose-gc');
/** A real collection before each memory reading. */
const collectGarbage = runInNewContext('gc') as () => void;

/** JS heap plus typed-array memory, after collections have run and released what they freed. */
async function jsBytes(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function observation(i: number, embedding: Float32Array): FaceObservation {
  return {
    observationId: `o${i}-${randomBytes(4).toString('hex')}`,
    siteId: 'bench',
    cameraId: 'c',
    trackId: `t${i}`,
    tStartMs: T0 + i * 1000,
    tEndMs: T0 + i * 1000 + 500,
    embedding,
    quality: 0.9,
    modelId: 'm',
    modelVersion: '1',
    cannotLinkTrackIds: [],
  };
}

/** Writes n identities to the registry the way the worker saves them, in transactions of 1000. */
async function seedRegistry(store: RedisIdentityStore, centroids: Float32Array, n: number): Promise<void> {
  for (let at = 0; at < n; at += 1000) {
    const identities: Identity[] = [];
    for (let i = at; i < Math.min(n, at + 1000); i++) {
      identities.push({
        siteId: 'bench',
        identityId: `id-${i}`,
        centroid: centroids.subarray(i * DIM, (i + 1) * DIM),
        weight: 1,
        sightings: 1,
        firstSeenMs: T0,
        lastSeenMs: T0,
      });
    }
    await store.save('bench', identities, []);
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

/** CPU seconds the redis-server has used. */
async function redisCpuS(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)![1]);
}

function processCpuS(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Observations in Kafka-sized batches through the batch assigner and a registry save each, as the
 * worker's handler does. Besides wall-clock throughput, throughput per CPU second of the worker
 * plus redis-server: on a shared machine the wall clock measures the neighbours too.
 */
async function assignBatches(
  state: SiteState,
  store: RedisIdentityStore,
  redis: Redis,
  observations: FaceObservation[],
): Promise<{ obsPerS: number; obsPerCpuS: number; batchMs: number[] }> {
  const batchMs: number[] = [];
  const cpuBefore = processCpuS() + (await redisCpuS(redis));
  const total = await timeIt(async () => {
    for (let at = 0; at < observations.length; at += BATCH) {
      const batch = observations.slice(at, at + BATCH);
      const t = performance.now();
      const assigner = new BatchAssigner(state, batch, POLICY);
      const changed = new Map<string, Identity>();
      const processed: ProcessedObservation[] = [];
      for (const obs of batch) {
        const { identity, sighting } = assigner.assign(obs);
        changed.set(identity.identityId, identity);
        processed.push({
          observationId: obs.observationId,
          identityId: identity.identityId,
          similarity: sighting.similarity,
          isNewIdentity: sighting.isNewIdentity,
        });
      }
      assigner.finish();
      await store.save('bench', [...changed.values()], processed);
      batchMs.push(performance.now() - t);
    }
  });
  const cpuS = processCpuS() + (await redisCpuS(redis)) - cpuBefore;
  return {
    obsPerS: observations.length / total,
    obsPerCpuS: observations.length / cpuS,
    batchMs: batchMs.sort((a, b) => a - b),
  };
}

/** One site size: registry seeded, hand-over rebuild timed, recall against exact search, then the engine and the exact baseline under the same stream. */
async function measureSize(n: number, redisUrl: string): Promise<Row> {
  const random = seededRandom(n);
  const centroids = syntheticCentroidsPacked(n, DIM, n);
  const redis = new Redis(redisUrl);
  await redis.flushall();
  const store = new RedisIdentityStore({
    url: redisUrl,
    cipher: new CentroidCipher({ k1: randomBytes(32) }, 'k1'),
    keyPrefix: 'bench',
  });
  const redisBefore = await usedMemory(redis);
  await seedRegistry(store, centroids, n);
  const redisBytes = ((await usedMemory(redis)) - redisBefore) / n;

  // Hand-over: the new owner reads the sealed codes in bulk and builds the index in one go.
  const before = await jsBytes();
  const state = new SiteState('bench', DIM, DEFAULT_SITE_INDEX);
  const rebuildCpu = processCpuS() + (await redisCpuS(redis));
  const rebuildS = await timeIt(async () => state.load(await store.loadSnapshot('bench')));
  const rebuildCpuS = processCpuS() + (await redisCpuS(redis)) - rebuildCpu;
  // JS side measured (table, maps, ids); the native index counted by its own allocations (lists by capacity, id map).
  const workerBytes = ((await jsBytes()) - before + state.index.memoryBytes()) / n;
  const layout = state.index.layout();

  // Recall@1 of the index against exact float32 search of the original centroids, on returning sightings.
  const queryCount = 2000;
  const returning = Array.from({ length: queryCount }, () => {
    const i = Math.floor(random() * n);
    return samePerson(centroids.subarray(i * DIM, (i + 1) * DIM), sampleSamePersonCosine(random), random);
  });
  const flat = new faiss.IndexFlatIP(DIM);
  flat.add(centroids as unknown as number[]);
  const packed = new Float32Array(queryCount * DIM);
  returning.forEach((q, i) => packed.set(q, i * DIM));
  const truth = flat.search(packed as unknown as number[], 1).labels;
  const found = state.searchIndex(returning, 1);
  const recall = truth.filter((label, i) => found[i][0]?.identityId === `id-${label}`).length / queryCount;

  // The stream: returning visitors and strangers, in Kafka-sized batches with a registry save each.
  const stream = returning.map((q, i) => observation(i, random() < NEW_SHARE ? randomUnit(DIM, random) : q));
  const engine = await assignBatches(state, store, redis, stream);

  // The exact baseline: float32 centroids, every query against every one, same stream (shorter at scale).
  const exactState = new SiteState('bench', DIM, EXACT);
  await exactState.load(await store.loadSnapshot('bench'));
  const exact = await assignBatches(
    exactState,
    store,
    redis,
    stream.slice(0, n >= 1_000_000 ? BATCH : n >= 100_000 ? 4 * BATCH : stream.length),
  );
  await store.close();
  await redis.quit();
  return {
    identities: n,
    index: layout.nlist === 1 ? 'int8, exact scan' : `int8 IVF${layout.nlist}, nprobe ${layout.nprobe}`,
    recall_at_1: Number(recall.toFixed(4)),
    obs_per_s: engine.obsPerS,
    obs_per_cpu_s: engine.obsPerCpuS,
    p50_ms: percentile(engine.batchMs, 0.5),
    p99_ms: percentile(engine.batchMs, 0.99),
    worker_bytes_per_identity: Math.round(workerBytes),
    redis_bytes_per_identity: Math.round(redisBytes),
    rebuild_s: rebuildS,
    rebuild_cpu_s: rebuildCpuS,
    exact_obs_per_s: exact.obsPerS,
    exact_obs_per_cpu_s: exact.obsPerCpuS,
    x_exact: engine.obsPerS / exact.obsPerS,
  };
}

/** `npm run bench -- reid [--json] [--sizes 10000,100000]`: one row per site size. */
export async function benchReid(options: { json?: boolean; sizes?: number[] } = {}): Promise<void> {
  const server = await startLocalRedis({
    dir: mkdtempSync(join(tmpdir(), 'revisit-bench-redis-')),
    removeDirOnStop: true,
  });
  const rows: Row[] = [];
  try {
    for (const n of options.sizes ?? SIZES) {
      const row = await measureSize(n, server.url);
      rows.push(row);
      if (options.json) console.log(JSON.stringify(row));
    }
  } finally {
    await server.stop();
  }
  if (!options.json) {
    printTable(
      `Re-id engine per site size: synthetic 512-d identities (same-person cosine as on ../shared/faces), batches of ${BATCH}, ` +
        `${100 * NEW_SHARE} % strangers, registry writes to a real redis-server, 1 thread. p50/p99 ms: an observation's wait from its batch's start to the batch's registry write; *_cpu_s: per CPU second of worker + redis-server (what a quiet machine gives); exact = float32 scan of every centroid.`,
      rows,
    );
  }
}
