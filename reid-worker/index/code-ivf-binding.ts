/** The typed face of CodeIvfIndex, our inverted-file index compiled into the faiss-node addon (scripts/faiss/code-ivf-index.cc). */
import './select-openblas-kernels.ts';
import faiss from 'faiss-node';

/** How centroids are stored: int8 with a scale (identity-registry/centroid-code.ts), or float32 for the exact baseline. */
export type CentroidCodec = 'int8' | 'float32';

/** Search results, k per query, most similar first; label -1 (similarity -Infinity) where fewer than k exist. */
export interface CodeSearchResult {
  distances: Float32Array;
  labels: Float64Array;
}

/**
 * FAISS's IndexIVF (inner product, spherical k-means lists, an id → position hash map) over
 * stored codes; a trained int8 index also keeps a 128-d sketch of each entry, scanned first
 * (scripts/faiss/code-ivf-sketch.h). Ids are the caller's non-negative integers. `build` trains and fills an empty
 * index on a worker thread; the other calls are synchronous and refused while it runs.
 */
export interface CodeIvfIndex {
  readonly ntotal: number;
  readonly nlist: number;
  readonly codeSize: number;
  /** The SIMD kernel chosen for this CPU: avx512-vnni, avx512, avx2 or portable. */
  readonly kernel: string;
  /** Trains on `training` (n × d floats, at least nlist of them; ignored with one list), then adds the codes. Leave the arrays alone until it settles. */
  build(codes: Uint8Array, ids: Float64Array, training: Float32Array | null): Promise<void>;
  /** Adds codes under ids not yet present (a present id throws). */
  addCodes(codes: Uint8Array, ids: Float64Array): void;
  /** Removes the ids present; returns how many were. */
  removeIds(ids: Float64Array): number;
  /** The stored codes of present ids, packed. */
  codesOf(ids: Float64Array): Uint8Array;
  /** Every entry's code and id, list by list. */
  exportCodes(): { codes: Uint8Array; ids: Float64Array };
  /** The k nearest of each of the packed queries, probing `nprobe` lists. */
  search(queries: Float32Array, k: number, nprobe: number): CodeSearchResult;
  listSizes(): Uint32Array;
  /** Bytes held by the lists and sketches (their capacity), the id map, the coarse centroids and the sketch directions. */
  memoryBytes(): number;
}

interface CodeIvfConstructor {
  new (dim: number, nlist: number, codec: CentroidCodec, options?: { portable?: boolean }): CodeIvfIndex;
}

/** Inner products of one query with m packed vectors (SIMD; for the handful a batch has changed). */
export function innerProducts(query: Float32Array, vectors: Float32Array): Float32Array {
  const fn = (faiss as unknown as { innerProducts?: (q: Float32Array, v: Float32Array) => Float32Array }).innerProducts;
  if (!fn) throw new Error('this faiss-node build has no innerProducts: run scripts/build-faiss.sh');
  return fn(query, vectors);
}

/** `portable` forces the plain C++ kernel (tests compare it with the SIMD one). */
export function createCodeIvfIndex(
  dim: number,
  nlist: number,
  codec: CentroidCodec,
  options: { portable?: boolean } = {},
): CodeIvfIndex {
  const ctor = (faiss as unknown as { CodeIvfIndex?: CodeIvfConstructor }).CodeIvfIndex;
  if (!ctor) throw new Error('this faiss-node build has no CodeIvfIndex: run scripts/build-faiss.sh');
  return new ctor(dim, nlist, codec, options);
}
