/** Which index a site of n identities gets: exact below a size, an inverted file above, and when to rebuild it. */

export interface IndexOptions {
  /** Below this many identities one list holds them all: an exact scan of the stored codes. */
  exactBelow: number;
  /** Lists probed per query once the index is an inverted file: at least this many, and a tenth of the lists (probesFor). */
  nprobe: number;
}

/**
 * Measured on synthetic identities spread uniformly over the sphere (the hardest case for an
 * inverted file: no clusters to fall into) with same-person cosines as on ../shared/faces,
 * recall@1 against exact search: 100k in 316 lists — 32 probes 0.984, 48 probes 0.992, 64 probes
 * 0.996; 1M in 1,000 lists — 48 probes 0.971, 64 0.982, 96 0.990, 128 1.0 (512 queries). Below 10k
 * an exact scan of the int8 codes costs little more than 48 probes (about half of √n lists) and
 * loses nothing.
 */
export const DEFAULT_INDEX_OPTIONS: IndexOptions = { exactBelow: 10_000, nprobe: 48 };

/**
 * √n lists: the coarse search (n/√n centroids) and the scan (nprobe·√n codes) stay balanced, and
 * training and assigning n vectors costs n·√n dot products — a million identities assign in
 * ~13 s of one core, which keeps a hand-over rebuild under a minute.
 */
export function listsFor(n: number, options: IndexOptions): number {
  if (n < options.exactBelow) return 1;
  return Math.max(
    1,
    Math.min(Math.floor(n / MIN_POINTS_PER_LIST), Math.max(options.nprobe * 2, Math.round(Math.sqrt(n)))),
  );
}

/** Lists probed per query: a larger site needs a larger share of its √n lists for the same recall (measured above). */
export function probesFor(nlist: number, options: IndexOptions): number {
  return nlist === 1 ? 1 : Math.min(nlist, Math.max(options.nprobe, Math.ceil(nlist / 10)));
}

/** k-means gets this many training points per list, and never fewer than MIN_POINTS_PER_LIST (FAISS warns below 39). */
export const TRAINING_POINTS_PER_LIST = 40;
const MIN_POINTS_PER_LIST = 39;

/**
 * Whether an index built for `builtFor` identities should be rebuilt now that it holds `n`: the
 * list count no longer fits the size (grown past double, or shrunk below a quarter, or crossed
 * the exact threshold), or the lists have drifted out of balance (the imbalance factor — 1 for
 * equal lists, what a query pays relative to that — doubled since the build, as when the visitors
 * of a season differ from those the lists were trained on).
 */
export function needsRebuild(
  n: number,
  builtFor: number,
  imbalance: number,
  builtImbalance: number,
  options: IndexOptions,
): boolean {
  if (listsFor(n, options) === 1) return listsFor(builtFor, options) !== 1;
  if (listsFor(builtFor, options) === 1) return true;
  return n >= 2 * builtFor || 4 * n <= builtFor || imbalance > 2 * Math.max(1, builtImbalance);
}

/** FAISS's imbalance factor of list sizes: n_lists · Σ size² / (Σ size)²; 1 when all are equal. */
export function imbalanceFactor(sizes: Uint32Array): number {
  let total = 0;
  let squares = 0;
  for (const s of sizes) {
    total += s;
    squares += s * s;
  }
  return total === 0 ? 1 : (sizes.length * squares) / (total * total);
}
