/** A site's searchable centroids: exact inner-product search in FAISS (cosine on unit vectors). */
import faiss from 'faiss-node';

export interface Neighbour {
  identityId: string;
  /** Cosine similarity: the vectors are unit length, so inner product is cosine. */
  similarity: number;
}

/**
 * Keeps FAISS positions and identity ids in step. A flat index compacts on removal and renumbers
 * later positions, so an update is remove + append and the id array is spliced the same way.
 */
export class FaissSiteIndex {
  private readonly index: faiss.IndexFlatIP;
  private readonly ids: string[] = [];

  constructor(readonly dim: number) {
    this.index = new faiss.IndexFlatIP(dim);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Adds the identity's centroid, replacing its previous one. */
  upsert(identityId: string, centroid: Float32Array): void {
    const at = this.ids.indexOf(identityId);
    if (at >= 0) {
      this.index.removeIds([at]);
      this.ids.splice(at, 1);
    }
    this.index.add(Array.from(centroid));
    this.ids.push(identityId);
  }

  /** The k nearest identities, most similar first. */
  search(vector: Float32Array, k: number): Neighbour[] {
    const n = Math.min(k, this.ids.length);
    if (n === 0) return [];
    const { distances, labels } = this.index.search(Array.from(vector), n);
    const out: Neighbour[] = [];
    for (let i = 0; i < n; i++) {
      if (labels[i] >= 0) out.push({ identityId: this.ids[labels[i]], similarity: distances[i] });
    }
    return out;
  }
}
