/** One searchable set of centroids in FAISS (inner product = cosine on unit vectors): exact flat, or IVF. */
import faiss from 'faiss-node';
import { ivfWithNprobe } from './set-ivf-nprobe.ts';

export interface Neighbour {
  identityId: string;
  /** Cosine similarity: the vectors are unit length, so inner product is cosine. */
  similarity: number;
}

/** Exact brute force, or an inverted file probing `nprobe` of `nlist` lists (approximate). */
export type IndexLayout = { kind: 'flat' } | { kind: 'ivf'; nlist: number; nprobe: number };

/** Rebuild once this many dead slots pile up beyond the live ones (each costs a wasted scan). */
const MIN_DEAD_BEFORE_COMPACTION = 64;

/**
 * Keeps FAISS positions and identity ids in step without FAISS removals: a flat index renumbers
 * on removal and an IVF index would reuse labels, so an update appends and leaves a tombstone,
 * searches skip tombstones, and the index is rebuilt from the live centroids when the dead
 * outnumber the living.
 */
export class FaissSiteIndex {
  private index: faiss.Index;
  /** The trained, empty IVF index to rebuild from without training again. */
  private readonly emptyIvf: Buffer | null = null;
  private slots: Array<string | null> = [];
  private readonly slotOf = new Map<string, number>();
  private readonly vectors = new Map<string, Float32Array>();
  private dead = 0;

  /** An IVF layout needs `training` vectors (at least `nlist` of them). */
  constructor(
    readonly dim: number,
    readonly layout: IndexLayout = { kind: 'flat' },
    training: Float32Array[] = [],
  ) {
    if (layout.kind === 'flat') {
      this.index = new faiss.IndexFlatIP(dim);
      return;
    }
    if (training.length < layout.nlist) throw new Error(`IVF with ${layout.nlist} lists needs at least as many training vectors, got ${training.length}`);
    const ivf = faiss.Index.fromFactory(dim, `IVF${layout.nlist},Flat`, faiss.MetricType.METRIC_INNER_PRODUCT);
    ivf.train(packVectors(training));
    this.emptyIvf = ivfWithNprobe(ivf, layout.nlist, layout.nprobe);
    this.index = faiss.Index.fromBuffer(this.emptyIvf);
  }

  /** Live identities. */
  get size(): number {
    return this.vectors.size;
  }

  has(identityId: string): boolean {
    return this.vectors.has(identityId);
  }

  /** Live entries: identity id → centroid (the caller's array, not a copy). */
  entries(): IterableIterator<[string, Float32Array]> {
    return this.vectors.entries();
  }

  /** Adds the identity's centroid, replacing its previous one. */
  upsert(identityId: string, centroid: Float32Array): void {
    this.upsertMany([[identityId, centroid]]);
  }

  /** Adds many centroids in one FAISS call (faiss-node converts number[] per element: batch it). */
  upsertMany(entries: Array<[string, Float32Array]>): void {
    if (entries.length === 0) return;
    for (const [id, centroid] of entries) {
      if (centroid.length !== this.dim) throw new Error(`centroid of ${centroid.length} values in a ${this.dim}-d index`);
      this.bury(id);
      this.slotOf.set(id, this.slots.length);
      this.slots.push(id);
      this.vectors.set(id, centroid);
    }
    this.index.add(packVectors(entries.map(([, c]) => c)));
    this.compactIfNeeded();
  }

  /** Forgets an identity; returns whether it was here. */
  remove(identityId: string): boolean {
    const had = this.bury(identityId);
    if (had) this.compactIfNeeded();
    return had;
  }

  /** The k nearest identities, most similar first. */
  search(vector: Float32Array, k: number): Neighbour[] {
    return this.searchMany([vector], k)[0];
  }

  /** The k nearest identities of each query, in one FAISS call per round. */
  searchMany(queries: Float32Array[], k: number): Neighbour[][] {
    const out: Neighbour[][] = queries.map(() => []);
    const want = Math.min(k, this.size);
    if (want === 0 || queries.length === 0) return out;
    let fetch = Math.min(this.slots.length, want + Math.min(this.dead, 2 * want + 8));
    let pending = queries.map((_, i) => i);
    while (pending.length > 0) {
      const { distances, labels } = this.index.search(packVectors(pending.map((i) => queries[i])), fetch);
      const short: number[] = [];
      pending.forEach((q, row) => {
        const found: Neighbour[] = [];
        for (let j = row * fetch; j < (row + 1) * fetch && found.length < want; j++) {
          const id = labels[j] >= 0 ? this.slots[labels[j]] : null;
          if (id !== null && id !== undefined) found.push({ identityId: id, similarity: distances[j] });
        }
        out[q] = found;
        // Tombstones crowded out live neighbours: ask again for more.
        if (found.length < want && fetch < this.slots.length && this.dead > 0) short.push(q);
      });
      pending = short;
      fetch = Math.min(this.slots.length, fetch * 4);
    }
    return out;
  }

  private bury(identityId: string): boolean {
    const at = this.slotOf.get(identityId);
    if (at === undefined) return false;
    this.slots[at] = null;
    this.slotOf.delete(identityId);
    this.vectors.delete(identityId);
    this.dead++;
    return true;
  }

  private compactIfNeeded(): void {
    if (this.dead < Math.max(MIN_DEAD_BEFORE_COMPACTION, this.size)) return;
    this.index = this.emptyIvf ? faiss.Index.fromBuffer(this.emptyIvf) : new faiss.IndexFlatIP(this.dim);
    const live = [...this.vectors.keys()];
    live.forEach((id, i) => this.slotOf.set(id, i));
    this.slots = live;
    this.dead = 0;
    if (this.slots.length > 0) this.index.add(packVectors([...this.vectors.values()]));
  }
}

/** faiss-node takes one flat number[] of n × d values. */
/**
 * Packs vectors into one Float32Array. Our build of faiss-node (scripts/faiss/float32-vectors.patch)
 * copies a Float32Array in one go instead of converting a number[] element by element (~0.1 ms
 * per vector); its typings still say number[], hence the cast.
 */
function packVectors(vectors: Float32Array[]): number[] {
  const dim = vectors[0]?.length ?? 0;
  const out = new Float32Array(vectors.length * dim);
  vectors.forEach((v, r) => out.set(v, r * dim));
  return out as unknown as number[];
}
