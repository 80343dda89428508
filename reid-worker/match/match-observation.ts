/** The assignment decision for one observation: join the nearest identity, mint a new one, or defer. */
import type { Neighbour } from '../index/neighbour.ts';
import {
  effectiveThreshold,
  NO_GALLERY,
  resolvePolicy,
  shiftFor,
  type GalleryContext,
  type MatchPolicy,
} from './match-policy.ts';

export type { MatchPolicy } from './match-policy.ts';

/** Why a decision was deferred: the face is too poor to trust, or two identities claim it. */
export type DeferReason = 'low_quality' | 'ambiguous';

/**
 * `deferred` observations get an identity now (the sighting needs one) but never move a centroid:
 * `identityId` is a provisional join, or null for a provisional new identity that the next
 * re-clustering pass re-checks (see planMerges). `runnerUpId` is the other claimant of an
 * ambiguous face: a hint that the two may be one person.
 */
export type MatchDecision =
  | { kind: 'matched'; identityId: string; similarity: number }
  | { kind: 'new' }
  | { kind: 'deferred'; reason: DeferReason; identityId: string | null; similarity: number; runnerUpId?: string };

/**
 * Pure: the nearest neighbours (most similar first, identities the face cannot be already removed),
 * the policy and the gallery decide. A neighbour counts when it reaches the threshold raised for
 * its gallery (the recent one or all); the best that counts is the match. `quality` is the
 * observation's 0..1 quality (1 when unknown).
 */
export function matchObservation(
  neighbours: Neighbour[],
  policy: MatchPolicy,
  quality = 1,
  gallery: GalleryContext = NO_GALLERY,
): MatchDecision {
  const p = resolvePolicy(policy);
  const base = effectiveThreshold(p, quality);
  const [best, second] = neighbours.filter((n) => n.similarity >= base + shiftFor(p, gallery, n.identityId));
  const lowQuality = quality < p.deferBelowQuality;
  if (!best) {
    return lowQuality
      ? { kind: 'deferred', reason: 'low_quality', identityId: null, similarity: neighbours[0]?.similarity ?? 0 }
      : { kind: 'new' };
  }
  if (second && best.similarity - second.similarity < p.ambiguityMargin) {
    return {
      kind: 'deferred',
      reason: 'ambiguous',
      identityId: best.identityId,
      similarity: best.similarity,
      runnerUpId: second.identityId,
    };
  }
  if (lowQuality)
    return { kind: 'deferred', reason: 'low_quality', identityId: best.identityId, similarity: best.similarity };
  return { kind: 'matched', identityId: best.identityId, similarity: best.similarity };
}
