/** Label-free split rate: how many new identities were returning faces the engine missed, from each new identity's best score against the gallery. */
import { cumulativeNormal } from 'vega-statistics';
import { fitImpostorTail, tailShareAtLeast, type TailGaussian } from './estimate-error-rates.ts';
import type { ScoreHistogram } from './score-histogram.ts';

/** New identities whose best score fell in one bin, with the gallery and threshold they were compared against. */
export interface BestScoreSample {
  score: number;
  gallerySize: number;
  threshold: number;
  count: number;
}

/** What the best scores of new identities say about missed returns. */
export interface SplitEstimate {
  newIdentities: number;
  /** New identities whose best score lay within BAND under the threshold they failed. */
  inBand: number;
  /** How many of them strangers alone would put there (the impostor tail and each one's gallery). */
  strangersInBand: number;
  /** Share of missed returns whose best score falls in the band (the genuine model). */
  bandShare: number;
  /** Estimated missed returns among the new identities when they were minted; null without enough samples. */
  missedAtMinting: number | null;
  /** Re-clustering merges in the same window: each folded an identity into another, most of them a missed return repaired. */
  reclusterMerges: number;
  /** The missed returns still standing (missed at minting less the re-clustering merges) over `newIdentities`, with a ~90 % range. */
  splitShare: number | null;
  splitShareRange: [number, number] | null;
}

/**
 * The band under the threshold where a missed return's best score lands and a stranger's rarely
 * does. On lfw_dev (900 people, galleries up to ~1,100, thresholds 0.45–0.50) a stranger's best
 * score sits 0.1–0.25 under its threshold: 0.05 held 9 of seed 1's 20 missed returns and 24 of its
 * 889 strangers, 0.1 would hold 14 and 110 — a worse signal to noise (docs/calibration.md).
 */
export const SPLIT_BAND = 0.05;
/** Fewer new identities and the count in the band is noise. */
export const MIN_NEW_IDENTITIES = 200;
/**
 * A returning face's cosine to its identity: lfw_dev's genuine photo pairs (4,527 pairs, mean
 * 0.676, sd 0.142; the same figures as the merge-evidence rule). No label-free source measures it:
 * the shots of one track (one moment, one camera) sit far higher than a return days later.
 * Against a centroid of several photos the real scores are higher and tighter, so more of the
 * missed returns lie in the band than this says: the estimate errs high.
 */
export const GENUINE_PRIOR: TailGaussian = { mean: 0.676, sd: 0.142 };
const Z90 = 1.645;

/**
 * A stranger compared with G identities becomes a new identity when its best of G impostor scores
 * stays under the threshold t; then its best score lies in [t − band, t) with probability
 * 1 − (F(t − band) / F(t))^G, F the impostor CDF.
 */
function strangerInBand(tail: TailGaussian, s: BestScoreSample, band: number): number {
  if (s.gallerySize < 1) return 0;
  const below = Math.log1p(-tailShareAtLeast(s.threshold - band, tail));
  const at = Math.log1p(-tailShareAtLeast(s.threshold, tail));
  return -Math.expm1(s.gallerySize * (below - at));
}

/** A missed return's best score, a genuine score under t, lies in the band with this probability. */
function genuineInBand(genuine: TailGaussian, threshold: number, band: number): number {
  const under = cumulativeNormal(threshold, genuine.mean, genuine.sd);
  return under > 0 ? (under - cumulativeNormal(threshold - band, genuine.mean, genuine.sd)) / under : 1;
}

/**
 * The excess of new identities in the band over what the impostor tail predicts for strangers
 * counts the missed returns there; divided by the genuine model's share in the band, all of them.
 * The re-clustering pass then merges some identities into others (`reclusterMerges`, counted): a
 * repaired split each, or two strangers joined — either way one identity fewer than minted, so the
 * splits still standing are the missed returns less those merges (a wrong merge of strangers
 * comes back as a visitor here; the merge rate of the intervals covers strangers joined at
 * matching). The range combines the band count's Poisson error with the tail fit's range. Null
 * below MIN_NEW_IDENTITIES samples or without an impostor tail.
 */
export function estimateSplitRate(
  samples: BestScoreSample[],
  impostors: ScoreHistogram,
  opts: { band?: number; genuine?: TailGaussian; reclusterMerges?: number } = {},
): SplitEstimate {
  const band = opts.band ?? SPLIT_BAND;
  const genuine = opts.genuine ?? GENUINE_PRIOR;
  const reclusterMerges = opts.reclusterMerges ?? 0;
  const newIdentities = samples.reduce((a, s) => a + s.count, 0);
  const inBand = samples
    .filter((s) => s.score < s.threshold && s.score >= s.threshold - band)
    .reduce((a, s) => a + s.count, 0);
  const meanThreshold = samples.reduce((a, s) => a + s.count * s.threshold, 0) / Math.max(1, newIdentities);
  const bandShare = genuineInBand(genuine, meanThreshold, band);
  const tail = fitImpostorTail(impostors);
  const empty = { newIdentities, inBand, bandShare, reclusterMerges, missedAtMinting: null };
  if (!tail || newIdentities < MIN_NEW_IDENTITIES)
    return { ...empty, strangersInBand: 0, splitShare: null, splitShareRange: null };
  const expected = (g: TailGaussian) => samples.reduce((a, s) => a + s.count * strangerInBand(g, s, band), 0);
  const strangersInBand = expected(tail.fit);
  const [low, high] = [expected(tail.low), expected(tail.high)].sort((a, b) => a - b);
  // Strangers are the new identities less the splits: their expected share in the band is taken from the rest.
  const meanStranger = strangersInBand / newIdentities;
  const perSplit = Math.max(1e-9, bandShare - meanStranger);
  const missed = (inBand - strangersInBand) / perSplit;
  const sd = Math.sqrt(Math.max(1, inBand) + ((high - low) / (2 * Z90)) ** 2) / perSplit;
  const share = (n: number) => Math.min(1, Math.max(0, n - reclusterMerges) / newIdentities);
  return {
    ...empty,
    strangersInBand,
    missedAtMinting: Math.max(0, missed),
    splitShare: share(missed),
    splitShareRange: [share(missed - Z90 * sd), share(missed + Z90 * sd)],
  };
}

/** Quarter-octave buckets of the gallery size: a stranger's band probability grows about linearly with it. */
const BUCKETS_PER_OCTAVE = 4;

/**
 * The stored `source` of a new identity's best score: the gallery (in quarter-octaves) and the
 * threshold (in thousandths) it failed, so the estimate needs nothing of the policy that minted it.
 */
export function bestScoreSource(gallerySize: number, threshold: number): string {
  const bucket = gallerySize < 1 ? -1 : Math.round(BUCKETS_PER_OCTAVE * Math.log2(gallerySize));
  return `best_score:g${bucket}:t${Math.round(threshold * 1000)}`;
}

/** The gallery size and threshold of a stored best-score source, or null for any other source. */
export function parseBestScoreSource(source: string): { gallerySize: number; threshold: number } | null {
  const m = /^best_score:g(-1|\d{1,3}):t(-?\d{1,4})$/.exec(source);
  if (!m) return null;
  const bucket = Number(m[1]);
  return { gallerySize: bucket < 0 ? 0 : 2 ** (bucket / BUCKETS_PER_OCTAVE), threshold: Number(m[2]) / 1000 };
}
