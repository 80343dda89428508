/** The assignment decision for one observation: join the nearest identity or mint a new one. */
import type { Neighbour } from '../index/faiss-site-index.ts';

export interface MatchPolicy {
  /** At or above this cosine similarity a face joins an identity (calibrated on ../shared/faces). */
  matchMinCosine: number;
}

export type MatchDecision = { kind: 'matched'; identityId: string; similarity: number } | { kind: 'new' };

/** Pure: the nearest neighbours (most similar first) and the policy decide. */
export function matchObservation(neighbours: Neighbour[], policy: MatchPolicy): MatchDecision {
  const best = neighbours[0];
  if (best && best.similarity >= policy.matchMinCosine) {
    return { kind: 'matched', identityId: best.identityId, similarity: best.similarity };
  }
  return { kind: 'new' };
}
