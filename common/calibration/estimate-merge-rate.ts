/** Label-free merge rate: how many strangers the engine joined to an earlier identity, from the galleries and thresholds its new identities failed. */
import { fitImpostorTail, tailShareAtLeast, type TailGaussian } from './estimate-error-rates.ts';
import type { BestScoreSample } from './estimate-split-rate.ts';
import { MIN_NEW_IDENTITIES } from './estimate-split-rate.ts';
import type { ScoreHistogram } from './score-histogram.ts';

/** What the new identities say about the strangers that never became one. */
export interface MergeEstimate {
  /** New identities taken for strangers: all of them less the missed returns the split estimate counts. */
  strangersMinted: number;
  /** Strangers joined to an earlier identity at matching, estimated (its ~90 % range from the tail fit's); null without enough samples. */
  merged: number | null;
  mergedRange: [number, number] | null;
  /** merged / (strangers minted + merged): the share of new visitors joined to an earlier identity, with its range. */
  mergeShare: number | null;
  mergeShareRange: [number, number] | null;
}

/**
 * A stranger compared with G identities at threshold t stays apart with probability F(t)^G, F the
 * impostor CDF: each one minted stands for 1/F(t)^G strangers, F(t)^−G − 1 of whom met someone
 * at or above t and were joined to them. In log space: F(t)^G underflows nowhere near a real
 * gallery, but 1 − F(t) is ~1e-5.
 */
function joinedPerMinted(tail: TailGaussian, s: BestScoreSample): number {
  if (s.gallerySize < 1) return 0;
  return Math.expm1(-s.gallerySize * Math.log1p(-tailShareAtLeast(s.threshold, tail)));
}

/**
 * The strangers joined at matching, from the new identities' galleries and thresholds alone (the
 * best score is not needed): the sum over new identities of F(t)^−G − 1, scaled to the share of
 * them that were strangers (`missedAtMinting` from estimateSplitRate are returning faces: their
 * false joins cost no visitor). The range is the impostor tail's (fitImpostorTail low/high); the
 * chance of how many merges a period really had is the intervals' own binomial draw. Measured on
 * lfw_dev (docs/calibration.md): it counts the merges the impostor tail explains; twins and
 * one person filed under two names are not impostors and stay out of it. The recent gallery
 * (MatchPolicy.recentWindowMs) compares a face with recent identities at a lower threshold than
 * the whole gallery's stored here, so it errs low by that: ~15 % on lfw_dev. Null below
 * MIN_NEW_IDENTITIES samples or without an impostor tail.
 */
export function estimateMergeRate(
  samples: BestScoreSample[],
  impostors: ScoreHistogram,
  opts: { missedAtMinting?: number | null } = {},
): MergeEstimate {
  const newIdentities = samples.reduce((a, s) => a + s.count, 0);
  const strangersMinted = Math.max(0, newIdentities - (opts.missedAtMinting ?? 0));
  const tail = fitImpostorTail(impostors);
  if (!tail || newIdentities < MIN_NEW_IDENTITIES)
    return { strangersMinted, merged: null, mergedRange: null, mergeShare: null, mergeShareRange: null };
  const strangerShare = strangersMinted / newIdentities;
  const joined = (g: TailGaussian) => strangerShare * samples.reduce((a, s) => a + s.count * joinedPerMinted(g, s), 0);
  const merged = joined(tail.fit);
  const [low, high] = [joined(tail.low), joined(tail.high)].sort((a, b) => a - b);
  const share = (n: number) => n / Math.max(1, strangersMinted + n);
  return {
    strangersMinted,
    merged,
    mergedRange: [low, high],
    mergeShare: share(merged),
    mergeShareRange: [share(low), share(high)],
  };
}
