/** The re-clustering decision: which identities are one person and should be merged (pure). */
import { mergeEvidenceThreshold, type ResolvedPolicy } from './match-policy.ts';

/** Two identities and how similar their centroids are. */
export interface CandidatePair {
  a: string;
  b: string;
  similarity: number;
}

/** `from` is folded into `to` and disappears; registry and sightings must follow (from → to). */
export interface MergeEvent {
  from: string;
  to: string;
  similarity: number;
}

/** What the planner needs to know about each identity. */
export interface MergeFacts {
  weight(id: string): number;
  /** Minted by a deferred observation and never confirmed by a good one. */
  isProvisional(id: string): boolean;
  /** Seen in the same frame (or overlapping tracks): certainly two people. */
  cannotLink(a: string, b: string): boolean;
}

/**
 * Greedy, most similar pair first: a pair merges when its centroids reach `mergeMinCosine`, or
 * `provisionalMergeMinCosine` when one side is provisional, and no cannot-link forbids it. The
 * lighter identity folds into the heavier one, so established ids survive. `shift` raises the
 * thresholds of a pair for the gallery it belongs to (see MatchPolicy.thresholdPerDecade). An identity takes
 * part in at most one merge per pass: its centroid changes, and the next pass looks again.
 */
export function planMerges(
  pairs: CandidatePair[],
  facts: MergeFacts,
  policy: ResolvedPolicy,
  shift: (a: string, b: string) => number = () => 0,
): MergeEvent[] {
  const touched = new Set<string>();
  const events: MergeEvent[] = [];
  for (const { a, b, similarity } of [...pairs].sort((x, y) => y.similarity - x.similarity)) {
    if (a === b || touched.has(a) || touched.has(b)) continue;
    const provisional = facts.isProvisional(a) || facts.isProvisional(b);
    const base =
      shift(a, b) +
      (provisional ? Math.min(policy.mergeMinCosine, policy.provisionalMergeMinCosine) : policy.mergeMinCosine);
    const threshold = provisional
      ? base
      : Math.max(base, mergeEvidenceThreshold(policy, facts.weight(a), facts.weight(b)));
    if (similarity < threshold || facts.cannotLink(a, b)) continue;
    const [from, to] = mergeDirection(a, b, facts);
    events.push({ from, to, similarity });
    touched.add(a).add(b);
  }
  return events;
}

/** Provisional into established, then lighter into heavier, ties by id for determinism. */
function mergeDirection(a: string, b: string, facts: MergeFacts): [string, string] {
  const pa = facts.isProvisional(a);
  const pb = facts.isProvisional(b);
  if (pa !== pb) return pa ? [a, b] : [b, a];
  const wa = facts.weight(a);
  const wb = facts.weight(b);
  if (wa !== wb) return wa < wb ? [a, b] : [b, a];
  return a > b ? [a, b] : [b, a];
}
