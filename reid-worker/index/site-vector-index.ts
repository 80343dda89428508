/** A site's centroids in one FAISS index keyed by identity row: exact while small, an inverted file above, rebuilt in the background as the site changes. */
import { createLogger } from '../../common/logger.ts';
import { centroidCodeBytes, decodeCentroid, encodeCentroid } from '../../identity-registry/centroid-code.ts';
import {
  createCodeIvfIndex,
  type CentroidCodec,
  type CodeIvfIndex,
  type CodeSearchResult,
} from './code-ivf-binding.ts';
import {
  imbalanceFactor,
  listsFor,
  needsRebuild,
  probesFor,
  TRAINING_POINTS_PER_LIST,
  type IndexOptions,
} from './choose-index-layout.ts';

/** What the index looks like now, for metrics, tests and the bench. */
export interface IndexLayout {
  codec: CentroidCodec;
  /** 1 = exact scan of every stored code. */
  nlist: number;
  nprobe: number;
  size: number;
  /** A rebuild (new layout or re-trained lists) is running in the background. */
  rebuilding: boolean;
}

const logger = createLogger('reid-index');

/** The size and list balance are looked at again after this many changes (listSizes is O(lists)). */
const CHANGES_BETWEEN_CHECKS = 4096;

/**
 * One index for every identity of the site, whatever its age: a query costs the same with 90
 * days of identities as with one, and expiry removes rows by id (O(1) each through FAISS's id
 * map). When the size or the balance of the lists calls for another layout, a new index is built
 * from a copy of the codes on a worker thread while this one keeps answering; changes made
 * meanwhile are replayed onto it before it takes over.
 */
export class SiteVectorIndex {
  private index: CodeIvfIndex;
  private builtFor = 0;
  private builtImbalance = 1;
  private changesSinceCheck = 0;
  private rebuild: { done: Promise<void>; changed: Map<number, 'up' | 'gone'> } | null = null;

  constructor(
    readonly dim: number,
    readonly codec: CentroidCodec,
    readonly options: IndexOptions,
  ) {
    this.index = createCodeIvfIndex(dim, 1, codec);
  }

  get size(): number {
    return this.index.ntotal;
  }

  get codeBytes(): number {
    return this.codec === 'int8' ? centroidCodeBytes(this.dim) : 4 * this.dim;
  }

  layout(): IndexLayout {
    const nlist = this.index.nlist;
    return {
      codec: this.codec,
      nlist,
      nprobe: probesFor(nlist, this.options),
      size: this.size,
      rebuilding: this.rebuild !== null,
    };
  }

  /**
   * Bulk load into an empty index (a site's hand-over): trains and adds off the JavaScript
   * thread. `int8Codes` are the registry's form; a float32 index (the exact baseline) decodes them.
   */
  async load(int8Codes: Uint8Array, rows: Float64Array): Promise<void> {
    if (this.size > 0 || this.rebuild) throw new Error('load needs an empty, idle index');
    this.index = await this.buildIndex(
      this.codec === 'int8' ? int8Codes : this.asFloatCodes(int8Codes, rows.length),
      rows,
    );
  }

  /** Adds or replaces the codes of these rows. */
  upsert(rows: Float64Array, codes: Uint8Array): void {
    if (rows.length === 0) return;
    this.index.removeIds(rows);
    this.index.addCodes(codes, rows);
    if (this.rebuild) for (const row of rows) this.rebuild.changed.set(row, 'up');
    this.changed(rows.length);
  }

  /** Removes these rows (absent ones are ignored). */
  remove(rows: Float64Array): void {
    if (rows.length === 0) return;
    this.index.removeIds(rows);
    if (this.rebuild) for (const row of rows) this.rebuild.changed.set(row, 'gone');
    this.changed(rows.length);
  }

  /** The stored form of a centroid under this index's codec (decode(encode(v)) is what searches see). */
  encode(vector: Float32Array, out?: Uint8Array, offset = 0): Uint8Array {
    if (this.codec === 'int8') return encodeCentroid(vector, out, offset);
    const bytes = new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
    if (!out) return new Uint8Array(bytes);
    out.set(bytes, offset);
    return out;
  }

  decode(codes: Uint8Array, offset = 0): Float32Array {
    if (this.codec === 'int8') return decodeCentroid(codes, this.dim, offset);
    return new Float32Array(codes.buffer.slice(codes.byteOffset + offset, codes.byteOffset + offset + 4 * this.dim));
  }

  /** Codes of rows that are present, packed. */
  codesOf(rows: Float64Array): Uint8Array {
    return this.index.codesOf(rows);
  }

  /** The k nearest rows of each packed query, in one FAISS call. */
  search(queries: Float32Array, k: number): CodeSearchResult {
    return this.index.search(queries, k, probesFor(this.index.nlist, this.options));
  }

  /** Resolves when no rebuild is running (tests and the bench wait on it). */
  async settled(): Promise<void> {
    while (this.rebuild) await this.rebuild.done;
  }

  /** Native bytes held by the index. */
  memoryBytes(): number {
    return this.index.memoryBytes();
  }

  private changed(count: number): void {
    this.changesSinceCheck += count;
    const crossed = this.size < this.options.exactBelow !== this.builtFor < this.options.exactBelow;
    if (this.changesSinceCheck < CHANGES_BETWEEN_CHECKS && !crossed) return;
    this.changesSinceCheck = 0;
    if (this.rebuild) return;
    if (
      needsRebuild(this.size, this.builtFor, imbalanceFactor(this.index.listSizes()), this.builtImbalance, this.options)
    )
      this.startRebuild();
  }

  private startRebuild(): void {
    const { codes, ids } = this.index.exportCodes();
    const changed = new Map<number, 'up' | 'gone'>();
    const done = this.buildIndex(codes, ids).then(
      (next) => {
        const rows = Float64Array.from(changed.keys());
        next.removeIds(rows);
        const up = Float64Array.from([...changed].flatMap(([row, what]) => (what === 'up' ? [row] : [])));
        if (up.length > 0) next.addCodes(this.index.codesOf(up), up);
        this.index = next;
        this.rebuild = null;
      },
      (err: unknown) => {
        // Keep answering from the index we have; the next check tries again.
        logger.warn({ err, size: this.size }, 'index rebuild failed; the current index keeps answering');
        this.rebuild = null;
      },
    );
    this.rebuild = { done, changed };
  }

  private async buildIndex(codes: Uint8Array, rows: Float64Array): Promise<CodeIvfIndex> {
    const n = rows.length;
    const nlist = listsFor(n, this.options);
    const index = createCodeIvfIndex(this.dim, nlist, this.codec);
    await index.build(codes, rows, nlist === 1 ? null : this.trainingSample(codes, n, nlist));
    this.builtFor = n;
    this.builtImbalance = imbalanceFactor(index.listSizes());
    this.changesSinceCheck = 0;
    return index;
  }

  private asFloatCodes(int8Codes: Uint8Array, n: number): Uint8Array {
    const out = new Float32Array(n * this.dim);
    for (let i = 0; i < n; i++)
      decodeCentroid(
        int8Codes,
        this.dim,
        i * centroidCodeBytes(this.dim),
        out.subarray(i * this.dim, (i + 1) * this.dim),
      );
    return new Uint8Array(out.buffer);
  }

  /** Evenly spaced codes, decoded: k-means needs floats, and TRAINING_POINTS_PER_LIST per list. */
  private trainingSample(codes: Uint8Array, n: number, nlist: number): Float32Array {
    const count = Math.min(n, TRAINING_POINTS_PER_LIST * nlist);
    const out = new Float32Array(count * this.dim);
    const bytes = this.codeBytes;
    for (let i = 0; i < count; i++) {
      out.set(this.decode(codes, Math.floor((i * n) / count) * bytes), i * this.dim);
    }
    return out;
  }
}
