/** A site's identities in time-bucketed FAISS shards: search across all, expire by dropping whole shards. */
import { FaissSiteIndex, type IndexLayout, type Neighbour } from './faiss-site-index.ts';

export interface WindowOptions {
  /** Width of one shard's time bucket; an identity lives in the shard of its last sighting. */
  bucketMs: number;
  /**
   * A shard this large switches from exact search to IVF. Measured in bench/bench-reid.ts: at 10k
   * identities one assignment costs p50 5.7 ms exact vs 1.2 ms IVF (recall@1 0.99); at 1k both
   * are ~1 ms and exact loses nothing.
   */
  approximateFromSize: number;
  /** IVF lists probed per query: recall@1 against exact is measured in the bench and the tests. */
  nprobe: number;
}

export const DEFAULT_WINDOW: WindowOptions = { bucketMs: 24 * 3_600_000, approximateFromSize: 10_000, nprobe: 16 };

/** IVF list count for n vectors: ~√n lists keeps both the coarse and the fine scan small. */
export function ivfLists(n: number): number {
  return Math.max(16, Math.round(Math.sqrt(n)));
}

/**
 * Shards keyed by bucket start. Updating an identity moves it to the shard of its new last
 * sighting, so old shards only lose members; expiry drops a shard whole, with no FAISS removal.
 */
export class WindowedSiteIndex {
  private readonly shards = new Map<number, FaissSiteIndex>();
  private readonly bucketOf = new Map<string, number>();

  constructor(
    readonly dim: number,
    readonly options: WindowOptions = DEFAULT_WINDOW,
  ) {}

  /** Live identities across all shards. */
  get size(): number {
    return this.bucketOf.size;
  }

  get shardCount(): number {
    return this.shards.size;
  }

  /** Shard layouts, oldest first, for tests and metrics. */
  layouts(): Array<{ bucketStartMs: number; size: number; layout: IndexLayout }> {
    return [...this.shards.entries()].sort(([a], [b]) => a - b).map(([bucketStartMs, s]) => ({ bucketStartMs, size: s.size, layout: s.layout }));
  }

  /** Adds or replaces the identity's centroid, filed under its last sighting. */
  upsert(identityId: string, centroid: Float32Array, lastSeenMs: number): void {
    this.upsertMany([{ identityId, centroid, lastSeenMs }]);
  }

  /** Batch form (a rebuild from the registry): one FAISS add per shard. */
  upsertMany(items: Array<{ identityId: string; centroid: Float32Array; lastSeenMs: number }>): void {
    const byBucket = new Map<number, Array<[string, Float32Array]>>();
    // Last write wins within a batch, so an identity is never filed twice.
    const latest = new Map(items.map((item) => [item.identityId, item]));
    for (const { identityId, centroid, lastSeenMs } of latest.values()) {
      const bucket = Math.floor(lastSeenMs / this.options.bucketMs) * this.options.bucketMs;
      const previous = this.bucketOf.get(identityId);
      if (previous !== undefined && previous !== bucket) this.shards.get(previous)?.remove(identityId);
      this.bucketOf.set(identityId, bucket);
      const list = byBucket.get(bucket) ?? [];
      list.push([identityId, centroid]);
      byBucket.set(bucket, list);
    }
    for (const [bucket, entries] of byBucket) {
      const shard = this.shards.get(bucket);
      if (shard) {
        shard.upsertMany(entries);
        this.shards.set(bucket, this.resized(shard));
      } else {
        // A bulk load (rebuild from the registry) goes straight into the layout its size calls for.
        this.shards.set(bucket, this.build(entries));
      }
    }
  }

  /** Forgets an identity (merged away or erased); returns whether it was indexed. */
  remove(identityId: string): boolean {
    const bucket = this.bucketOf.get(identityId);
    if (bucket === undefined) return false;
    this.bucketOf.delete(identityId);
    this.shards.get(bucket)?.remove(identityId);
    return true;
  }

  search(vector: Float32Array, k: number): Neighbour[] {
    return this.searchMany([vector], k)[0];
  }

  /** The k nearest identities of each query over every shard, most similar first. */
  searchMany(queries: Float32Array[], k: number): Neighbour[][] {
    const merged: Neighbour[][] = queries.map(() => []);
    for (const shard of this.shards.values()) {
      shard.searchMany(queries, k).forEach((found, q) => merged[q].push(...found));
    }
    return merged.map((list) => (this.shards.size > 1 ? list.sort((a, b) => b.similarity - a.similarity).slice(0, k) : list));
  }

  /** Drops every shard whose bucket ended at or before `cutoffMs`; returns the identities dropped. */
  expireBefore(cutoffMs: number): string[] {
    const dropped: string[] = [];
    for (const [bucket, shard] of this.shards) {
      if (bucket + this.options.bucketMs > cutoffMs) continue;
      for (const [id] of shard.entries()) {
        dropped.push(id);
        this.bucketOf.delete(id);
      }
      this.shards.delete(bucket);
    }
    return dropped;
  }

  /** Exact while small; IVF from `approximateFromSize`, retrained when it has grown fourfold. */
  private resized(shard: FaissSiteIndex): FaissSiteIndex {
    const n = shard.size;
    const { layout } = shard;
    const tooBigForFlat = layout.kind === 'flat' && n >= this.options.approximateFromSize;
    const outgrown = layout.kind === 'ivf' && ivfLists(n) >= 2 * layout.nlist;
    return tooBigForFlat || outgrown ? this.build([...shard.entries()]) : shard;
  }

  private build(entries: Array<[string, Float32Array]>): FaissSiteIndex {
    let shard: FaissSiteIndex;
    if (entries.length < this.options.approximateFromSize) {
      shard = new FaissSiteIndex(this.dim);
    } else {
      const nlist = ivfLists(entries.length);
      const training = sampleEvenly(entries.map(([, c]) => c), TRAINING_POINTS_PER_LIST * nlist);
      shard = new FaissSiteIndex(this.dim, { kind: 'ivf', nlist, nprobe: this.options.nprobe }, training);
    }
    shard.upsertMany(entries);
    return shard;
  }
}

/** FAISS's k-means asks for at least 39 points per list; more barely changes recall and slows training. */
const TRAINING_POINTS_PER_LIST = 40;

/** Up to `max` items spread evenly over the list (FAISS warns below ~39 training points per list). */
function sampleEvenly<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]);
}
