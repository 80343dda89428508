/** Re-id at scale: assignment throughput and latency, exact vs IVF vs a plain-JS scan, recall@1 and memory per identity. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { seededRandom } from '../common/seeded-random.ts';
import type { Identity } from '../identity-registry/index.ts';
import { sampleSamePersonCosine, samePerson, syntheticCentroids } from '../reid-worker/index/synthetic-embeddings.ts';
import { DEFAULT_WINDOW } from '../reid-worker/index/windowed-site-index.ts';
import { assignIdentity } from '../reid-worker/match/assign-identity.ts';
import { SiteState } from '../reid-worker/site-state.ts';
import type { FaceObservation } from '../schemas/index.ts';
import { printTable, type Row } from '../common/print-table.ts';
import { timeIt } from './time-it.ts';

const DIM = 512;
/** Our faiss-node build takes Float32Array (scripts/faiss/float32-vectors.patch): 1M loads in seconds. */
const SIZES = [1_000, 10_000, 100_000, 1_000_000];
const T0 = Date.UTC(2025, 0, 6, 9);

function identitiesOf(centroids: Float32Array[]): Identity[] {
  return centroids.map((centroid, i) => ({ siteId: 'bench', identityId: `id-${i}`, centroid, weight: 1, sightings: 1, firstSeenMs: T0, lastSeenMs: T0 }));
}

function observation(i: number, embedding: Float32Array): FaceObservation {
  return { observationId: `o${i}`, siteId: 'bench', cameraId: 'c', trackId: `t${i}`, tStartMs: T0 + i * 1000, tEndMs: T0 + i * 1000 + 500, embedding, quality: 0.9, modelId: 'm', modelVersion: '1', cannotLinkTrackIds: [] };
}

/** The baseline: a brute-force cosine scan in plain JS. */
function jsFlatSearch(centroids: Float32Array[], q: Float32Array): number {
  let best = -2;
  let at = -1;
  for (let i = 0; i < centroids.length; i++) {
    const c = centroids[i];
    let dot = 0;
    for (let d = 0; d < DIM; d++) dot += c[d] * q[d];
    if (dot > best) (best = dot), (at = i);
  }
  return at;
}

function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor(p * sortedMs.length))];
}

setFlagsFromString('--expose-gc');
/** A real collection before each memory reading, so the number[] copies faiss-node needed are gone. */
const collectGarbage = runInNewContext('gc') as () => void;

/** JS-side memory (heap plus typed-array buffers); FAISS's native copy is counted from its layout. */
function memoryBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Loads a site of n identities, then assigns returning sightings one by one, as the worker does. */
async function measureEngine(kind: 'exact' | 'IVF', centroids: Float32Array[], queries: Float32Array[]): Promise<{ row: Row; top1: string[] }> {
  collectGarbage();
  const before = memoryBytes();
  const state = new SiteState('bench', DIM, { ...DEFAULT_WINDOW, approximateFromSize: kind === 'exact' ? Number.MAX_SAFE_INTEGER : 1 });
  const loadS = await timeIt(() => state.putMany(identitiesOf(centroids)));
  collectGarbage();
  // The centroids were allocated before `before`: count the JS copy (d floats) and FAISS's own
  // (d floats; an IVF list entry adds its 8-byte id) on top of the bookkeeping measured.
  const perIdentity = (memoryBytes() - before) / centroids.length + 2 * DIM * 4 + (kind === 'IVF' ? 8 : 0);
  const top1 = state.index.searchMany(queries, 1).map((r) => r[0]?.identityId ?? '');
  const batchS = await timeIt(() => state.index.searchMany(queries, 2));
  const latencies: number[] = [];
  const policy = { matchMinCosine: 0.45 };
  const totalS = await timeIt(() => {
    queries.forEach((q, i) => {
      const t = performance.now();
      assignIdentity(state, observation(i, q), policy);
      latencies.push(performance.now() - t);
    });
  });
  latencies.sort((a, b) => a - b);
  const row: Row = {
    identities: centroids.length,
    index: kind === 'exact' ? 'FAISS flat (exact)' : `FAISS IVF${Math.round(Math.sqrt(centroids.length))} nprobe ${DEFAULT_WINDOW.nprobe}`,
    'assign obs/s': queries.length / totalS,
    'p50 ms': percentile(latencies, 0.5),
    'p99 ms': percentile(latencies, 0.99),
    'batched search/s': queries.length / batchS,
    'load s': loadS,
    'bytes/identity': Math.round(perIdentity),
  };
  return { row, top1 };
}

export async function benchReid(sizes = SIZES): Promise<void> {
  const rows: Row[] = [];
  for (const n of sizes) {
    const random = seededRandom(n);
    const centroids = syntheticCentroids(n, DIM, n);
    // Exact search at 1M costs ~0.5 s a query here: fewer queries keep the section to minutes.
    const queryCount = n >= 1_000_000 ? 20 : n >= 100_000 ? 100 : 1000;
    const truth = Array.from({ length: queryCount }, () => Math.floor(random() * n));
    const queries = truth.map((i) => samePerson(centroids[i], sampleSamePersonCosine(random), random));
    const exact = await measureEngine('exact', centroids, queries);
    const ivf = await measureEngine('IVF', centroids, queries);
    const jsQueries = queries.slice(0, n >= 1_000_000 ? 5 : n >= 100_000 ? 20 : 200);
    let jsTop1: number[] = [];
    const jsS = await timeIt(() => (jsTop1 = jsQueries.map((q) => jsFlatSearch(centroids, q))));
    const recall = exact.top1.filter((id, i) => ivf.top1[i] === id).length / queries.length;
    const jsAgrees = jsTop1.every((at, i) => exact.top1[i] === `id-${at}`);
    rows.push({ ...exact.row, 'recall@1 vs exact': 1, 'x plain-JS': (exact.row['assign obs/s'] as number) / (jsQueries.length / jsS) });
    rows.push({ ...ivf.row, 'recall@1 vs exact': recall, 'x plain-JS': (ivf.row['assign obs/s'] as number) / (jsQueries.length / jsS) });
    rows.push({ identities: n, index: `plain-JS flat scan (baseline${jsAgrees ? '' : ', DISAGREES'})`, 'assign obs/s': jsQueries.length / jsS, 'recall@1 vs exact': jsAgrees ? 1 : 0, 'x plain-JS': 1, 'bytes/identity': DIM * 4 });
  }
  printTable('Re-id engine, synthetic 512-d identities (same-person cosine as measured on ../shared/faces), 1 core', rows);
}
