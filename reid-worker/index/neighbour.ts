/** One search hit: an identity and how similar its centroid is to the query. */
export interface Neighbour {
  identityId: string;
  /** Cosine similarity: the vectors are unit length, so inner product is cosine. */
  similarity: number;
}
