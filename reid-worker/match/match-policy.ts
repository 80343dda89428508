/** The assignment policy's knobs, their measured defaults, and the naive floor they are measured against. */
import type { RevisitConfig } from '../../common/config.ts';

/**
 * How observations join identities. Only `matchMinCosine` is required (it comes from config);
 * every other rule has a default chosen by `revisit eval reid` on ../shared/faces (see
 * docs/calibration.md) and is switched off by its "off" value.
 */
export interface MatchPolicy {
  /** At or above this cosine similarity a face joins an identity (calibrated on ../shared/faces). */
  matchMinCosine: number;
  /** Top-1 and top-2 both match and are closer than this: ambiguous, deferred. 0 = off. */
  ambiguityMargin?: number;
  /** Below this quality an observation is deferred: it never moves a centroid. 0 = off. */
  deferBelowQuality?: number;
  /** The threshold rises by this much times (1 − quality): poor faces need more evidence. 0 = off. */
  lowQualityPenalty?: number;
  /** One observation may not turn a centroid further than this cosine from where it was. -1 = off. */
  maxDriftCosine?: number;
  /** Re-clustering merges two identities whose centroids reach this cosine. > 1 = off. */
  mergeMinCosine?: number;
  /** A provisional identity (minted by a deferred observation) joins its nearest one at this cosine. > 1 = off. */
  provisionalMergeMinCosine?: number;
  /** The gallery size (live identities) at which the thresholds above hold as configured. */
  galleryReferenceSize?: number;
  /** Beyond `galleryReferenceSize`, every threshold rises by this much per tenfold growth of the gallery. 0 = off. */
  thresholdPerDecade?: number;
  /**
   * Identities seen this recently (stream time) form a gallery of their own: a face is far more
   * likely to be someone still in the store than anyone of the last months, so matching one of
   * them only has to beat the strangers among them. 0 = off.
   */
  recentWindowMs?: number;
}

/** The gallery one face is compared with: all live identities, and those seen within the recent window. */
export interface GalleryContext {
  size: number;
  recentSize: number;
  isRecent(identityId: string): boolean;
}

/** No gallery-size effect: for callers that score single decisions. */
export const NO_GALLERY: GalleryContext = { size: 0, recentSize: 0, isRecent: () => false };

export type ResolvedPolicy = Required<MatchPolicy>;

/** Every rule switched off: nearest centroid ≥ threshold else a new identity, running mean. */
export function naivePolicy(matchMinCosine: number): ResolvedPolicy {
  return { matchMinCosine, ambiguityMargin: 0, deferBelowQuality: 0, lowQualityPenalty: 0, maxDriftCosine: -1, mergeMinCosine: 2, provisionalMergeMinCosine: 2, galleryReferenceSize: 1, thresholdPerDecade: 0, recentWindowMs: 0 };
}

/**
 * Centroids of two halves of one person's photos stay ≥ 0.74 apart at worst on ../shared/faces,
 * while two different people's centroids reach at most 0.42 (orl): merging at 0.5 repairs splits
 * with room on both sides. Never below the match threshold, so a strict threshold stays strict.
 */
const MERGE_MIN_COSINE = 0.5;

/**
 * The engine's defaults, measured with `revisit eval reid --ablation` (docs/calibration.md): the
 * re-clustering pass and the drift cap are on; the margin, deferral and quality-aware threshold
 * were neutral or worse on ../shared/faces and stay off unless configured.
 */
export function resolvePolicy(policy: MatchPolicy): ResolvedPolicy {
  const t = policy.matchMinCosine;
  return {
    matchMinCosine: t,
    ambiguityMargin: policy.ambiguityMargin ?? 0,
    deferBelowQuality: policy.deferBelowQuality ?? 0,
    lowQualityPenalty: policy.lowQualityPenalty ?? 0,
    maxDriftCosine: policy.maxDriftCosine ?? 0.9,
    mergeMinCosine: policy.mergeMinCosine ?? Math.max(MERGE_MIN_COSINE, t),
    provisionalMergeMinCosine: policy.provisionalMergeMinCosine ?? t - 0.05,
    galleryReferenceSize: policy.galleryReferenceSize ?? 100,
    thresholdPerDecade: policy.thresholdPerDecade ?? 0,
    recentWindowMs: policy.recentWindowMs ?? 0,
  };
}

/** The policy a worker runs with: the threshold and the optional rules of the `matching` config section. */
export function matchPolicyFromConfig(matching: RevisitConfig['matching']): MatchPolicy {
  const { matchMinCosine, ambiguityMargin, deferBelowQuality, lowQualityPenalty } = matching;
  return { matchMinCosine, ambiguityMargin, deferBelowQuality, lowQualityPenalty };
}

/** The policy of one camera: its own threshold, else its site's, else the `matching` section's. */
export function matchPolicyFor(config: Pick<RevisitConfig, 'matching' | 'sites'>, siteId: string, cameraId: string): MatchPolicy {
  const site = config.sites.find((s) => s.id === siteId);
  const matchMinCosine = site?.cameras?.[cameraId]?.matchMinCosine ?? site?.matchMinCosine ?? config.matching.matchMinCosine;
  return { ...matchPolicyFromConfig(config.matching), matchMinCosine };
}

/** The threshold one observation must reach (given its quality, 0..1) before the gallery's shift. */
export function effectiveThreshold(policy: ResolvedPolicy, quality: number): number {
  return policy.matchMinCosine + policy.lowQualityPenalty * (1 - Math.max(0, Math.min(1, quality)));
}

/** How much the thresholds rise for an identity of this gallery: by the recent gallery's size when it is recent. */
export function shiftFor(policy: ResolvedPolicy, gallery: GalleryContext, identityId: string): number {
  return galleryShift(policy, policy.recentWindowMs > 0 && gallery.isRecent(identityId) ? gallery.recentSize : gallery.size);
}

/** How much every threshold rises for a gallery of `gallerySize` live identities. */
export function galleryShift(policy: ResolvedPolicy, gallerySize: number): number {
  if (policy.thresholdPerDecade === 0 || gallerySize <= policy.galleryReferenceSize) return 0;
  return policy.thresholdPerDecade * Math.log10(gallerySize / policy.galleryReferenceSize);
}
