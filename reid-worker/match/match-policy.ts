/** The assignment policy's knobs, their measured defaults, and the naive floor they are measured against. */
import type { RevisitConfig } from '../../common/config.ts';
import { matchThresholdOf } from '../../schemas/index.ts';

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
  /**
   * Two identities merge only if their centroids are within this much of what one person's two
   * centroids of that many sightings reach on average (see mergeEvidenceThreshold). ≥ 1 = off.
   */
  mergeEvidenceMargin?: number;
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
  return {
    matchMinCosine,
    ambiguityMargin: 0,
    deferBelowQuality: 0,
    lowQualityPenalty: 0,
    maxDriftCosine: -1,
    mergeMinCosine: 2,
    provisionalMergeMinCosine: 2,
    mergeEvidenceMargin: 1,
    galleryReferenceSize: 1,
    thresholdPerDecade: 0,
    recentWindowMs: 0,
  };
}

/**
 * The floor of a merge: pairs of single faces merge at the match threshold (a face split off its
 * person is compared like a new face would be); identities with more sightings are held higher
 * by mergeEvidenceThreshold, a larger gallery by its shift. Measured on lfw_dev (docs/calibration.md):
 * 0.45 with the evidence rule keeps people of a few photos together (count error +0.7 % at 900
 * people, +1.0 % with 0.5), while the rule keeps well-seen strangers apart in the simulator.
 * Never below the match threshold, so a strict threshold stays strict.
 */
const MERGE_MIN_COSINE = 0.45;

/**
 * Gallery-size-aware thresholds (the `matching` config section repeats these defaults): measured
 * with `revisit eval reid --people` on lfw_dev and the store simulator, whose impostor tail is
 * lfw_dev's (docs/calibration.md). A stranger's best impostor score grows by ~0.1 per tenfold
 * gallery on lfw_dev; rising 0.06 per decade from 200 identities (0.45 → 0.49 at 900, 0.57 at
 * 20,000) keeps lfw_dev's count error within +0.9 % from 100 to 900 people and the simulated
 * store's within 0.3 %, where a fixed 0.45 merges strangers (−4.7 % at 2,000 people).
 */
const GALLERY_REFERENCE_SIZE = 200;
const THRESHOLD_PER_DECADE = 0.06;
/** The visit gap: a face seen within it of an identity's last sighting is likely the same visit. */
const RECENT_WINDOW_MS = 30 * 60_000;
/** Mean cosine of two photos of one person on lfw_dev (4,527 pairs, sd 0.142). */
const GENUINE_MEAN_COSINE = 0.676;
/** About two standard deviations of one person's photo-to-photo cosine (0.2 split lfw_dev's people of a few photos: +1.0 % at 900). */
const MERGE_EVIDENCE_MARGIN = 0.3;
/** However much evidence: two halves of one person's photos (pose, light) can sit this far apart. */
const MERGE_EVIDENCE_CAP = 0.75;

/**
 * What two identities of `weightA` and `weightB` sightings must reach to merge, by the evidence
 * they hold: a centroid of w sightings of one person sits at √(G + (1−G)/w) of its person's
 * direction (G the genuine mean cosine), so two of them meet at G / √((G + (1−G)/wa)(G + (1−G)/wb))
 * — 0.68 for two single faces, 0.81 for a face and a well-seen identity, 0.95 for two well-seen
 * ones. Strangers' centroids spread like single faces (lfw_dev: sd 0.10 at 8 photos each), so
 * holding well-seen identities to their own genuine level minus a margin (capped) removes nearly
 * every false merge of established identities and costs real repairs almost nothing.
 */
export function mergeEvidenceThreshold(policy: ResolvedPolicy, weightA: number, weightB: number): number {
  if (policy.mergeEvidenceMargin >= 1) return -1;
  const g = GENUINE_MEAN_COSINE;
  const spread = (w: number) => g + (1 - g) / Math.max(1, w);
  return Math.min(MERGE_EVIDENCE_CAP, g / Math.sqrt(spread(weightA) * spread(weightB)) - policy.mergeEvidenceMargin);
}

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
    mergeEvidenceMargin: policy.mergeEvidenceMargin ?? MERGE_EVIDENCE_MARGIN,
    galleryReferenceSize: policy.galleryReferenceSize ?? GALLERY_REFERENCE_SIZE,
    thresholdPerDecade: policy.thresholdPerDecade ?? THRESHOLD_PER_DECADE,
    recentWindowMs: policy.recentWindowMs ?? RECENT_WINDOW_MS,
  };
}

/** The policy a worker runs with: the threshold and the optional rules of the `matching` config section. */
export function matchPolicyFromConfig(matching: RevisitConfig['matching']): MatchPolicy {
  const {
    matchMinCosine,
    ambiguityMargin,
    deferBelowQuality,
    lowQualityPenalty,
    galleryReferenceSize,
    thresholdPerDecade,
    recentWindowMs,
  } = matching;
  return {
    matchMinCosine,
    ambiguityMargin,
    deferBelowQuality,
    lowQualityPenalty,
    galleryReferenceSize,
    thresholdPerDecade,
    recentWindowMs,
  };
}

/** The policy of one camera: its own threshold, else its site's, else the `matching` section's. */
export function matchPolicyFor(
  config: Pick<RevisitConfig, 'matching' | 'sites'>,
  siteId: string,
  cameraId: string,
): MatchPolicy {
  return { ...matchPolicyFromConfig(config.matching), matchMinCosine: matchThresholdOf(config, siteId, cameraId) };
}

/** The threshold one observation must reach (given its quality, 0..1) before the gallery's shift. */
export function effectiveThreshold(policy: ResolvedPolicy, quality: number): number {
  return policy.matchMinCosine + policy.lowQualityPenalty * (1 - Math.max(0, Math.min(1, quality)));
}

/** How much the thresholds rise for an identity of this gallery: by the recent gallery's size when it is recent. */
export function shiftFor(policy: ResolvedPolicy, gallery: GalleryContext, identityId: string): number {
  return galleryShift(
    policy,
    policy.recentWindowMs > 0 && gallery.isRecent(identityId) ? gallery.recentSize : gallery.size,
  );
}

/** How much every threshold rises for a gallery of `gallerySize` live identities. */
export function galleryShift(policy: ResolvedPolicy, gallerySize: number): number {
  if (policy.thresholdPerDecade === 0 || gallerySize <= policy.galleryReferenceSize) return 0;
  return policy.thresholdPerDecade * Math.log10(gallerySize / policy.galleryReferenceSize);
}
