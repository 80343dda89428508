/** One batched index search for a chunk of observations, kept exact while the chunk's own assignments change identities. */
import { cosine } from '../ingest/face/measure-eer.ts';
import type { Neighbour } from '../reid-worker/index/faiss-site-index.ts';
import type { NeighbourSearch } from '../reid-worker/match/assign-identity.ts';
import type { SiteState } from '../reid-worker/site-state.ts';

/** Prefetched per observation: more than the two the decision reads, so a few changed identities cannot hide a better one. */
const PREFETCH_K = 16;

/**
 * Searches the whole chunk in one FAISS call (hundreds of times cheaper per query than one call
 * each at mall scale), then answers each observation's search exactly: identities the chunk has
 * touched since (new, or centroid moved) are rescored against their current centroid, the others
 * keep their prefetched score. Untouched identities beyond the prefetch score no higher than the
 * prefetched ones, so when at least `k` prefetched identities are untouched the answer equals a
 * fresh search; otherwise it falls back to one. Call `touched` after each assignment.
 */
export class PrefetchedSearch {
  private readonly found: Neighbour[][];
  private readonly changed = new Set<string>();

  constructor(
    private readonly state: SiteState,
    embeddings: Float32Array[],
  ) {
    const k = Math.min(PREFETCH_K, state.index.size);
    this.found = k === 0 ? embeddings.map(() => []) : state.index.searchMany(embeddings, k);
  }

  /** The search for the chunk's `i`-th observation. */
  searchFor(i: number): NeighbourSearch {
    return (embedding, k) => {
      const prefetched = this.found[i];
      const untouched = prefetched.filter((n) => !this.changed.has(n.identityId));
      if (untouched.length < k && this.state.index.size > prefetched.length) return this.state.index.search(embedding, k);
      const rescored = [...this.changed].flatMap((id) => {
        const identity = this.state.identities.get(id);
        return identity ? [{ identityId: id, similarity: cosine(embedding, identity.centroid) }] : [];
      });
      return [...untouched, ...rescored].sort((a, b) => b.similarity - a.similarity).slice(0, k);
    };
  }

  /** An assignment created or moved this identity. */
  touched(identityId: string): void {
    this.changed.add(identityId);
  }
}
