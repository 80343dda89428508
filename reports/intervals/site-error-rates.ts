/** Which identity error rates a site's error bars use: the engine's rates measured in the simulator, the merge and split rates the site's own label-free estimates. */
import type { ErrorRateEstimate } from '../../common/calibration/estimate-error-rates.ts';
import type { MergeEstimate } from '../../common/calibration/estimate-merge-rate.ts';
import type { SplitEstimate } from '../../common/calibration/estimate-split-rate.ts';
import type { IdentityErrorRates, RateRange } from './estimate-count-intervals.ts';

/**
 * The engine's identity error rates (mean and ~90 % range over 5 stores), measured with the
 * simulator's truth: `revisit eval store --visitors 2000 --days 7 --engine-only --coverage-seeds 20`
 * (its `error_rates`, mean and Student-t range over 5 stores; a range below 0 is drawn as 0). The
 * simulated faces follow lfw_dev's genuine and impostor score distributions, and the thresholds
 * rise with the gallery so that these shares stay roughly the same as a site grows. Intervals built
 * on them held the truth in 20 of 20 stores for visitors and the returning rate, 19 of 20 for visits
 * (docs/calibration.md).
 */
export const SIMULATED_ERROR_RATES: IdentityErrorRates = {
  merge: { rate: 0.003, low: -0.0004, high: 0.0064 },
  split: { rate: 0.00053, low: -0.00038, high: 0.0014 },
  visitCount: { rate: -0.00069, low: -0.0016, high: 0.00028 },
};

/**
 * The label-free false-match estimate at 0.45 in those simulated stores (the same estimator a
 * site runs, so its bias cancels in the ratio): 3.1e-5 in the seed-7 store of 2,000 people, whose
 * faces' true rate is 2.75e-5 (docs/calibration.md).
 */
const SIMULATED_ESTIMATED_FMR = 3.1e-5;
/** A site's faces may be easier or harder than the simulated ones; beyond this factor the estimate is more likely wrong than the faces. */
const MAX_FMR_RATIO = 5;

export type ErrorRateSource = 'simulated' | 'site-calibrated';

/** The rates behind a site's error bars and how they were obtained (shown next to the figures). */
export interface SiteErrorRates {
  rates: IdentityErrorRates;
  /**
   * The site's own share of new identities that were missed returns (estimateSplitRate), when it
   * had enough of them: it replaces `rates.split` for the figures at hand (splitPerReturningVisit).
   */
  splitOfNew: RateRange | null;
  source: ErrorRateSource;
  /** The site's label-free false-match estimate at its threshold, when it had enough pairs. */
  siteFmr: number | null;
  method: string;
}

/**
 * A share of new identities as the share of returning visits given a new identity, for figures of
 * `visitors` and `returningVisits`: the period's visitors stand in for its new identities (as in
 * publishIntervals), so σ·visitors of them were returning visits the count missed.
 */
export function splitPerReturningVisit(splitOfNew: RateRange, visitors: number, returningVisits: number): RateRange {
  const perVisit = (share: number) => {
    const splits = Math.max(0, share) * visitors;
    return splits > 0 ? splits / (returningVisits + splits) : 0;
  };
  return { rate: perVisit(splitOfNew.rate), low: perVisit(splitOfNew.low), high: perVisit(splitOfNew.high) };
}

/**
 * Merges are the site's own, measured without labels from the galleries and thresholds its new
 * identities failed (estimateMergeRate); with too few of them, the simulated merge share scaled by
 * the site's false-match estimate over the simulator's (clamped to 1/5..5, its range carried into
 * the rate's). Splits are the site's own too, from its new identities' best scores
 * (estimateSplitRate); with too few of them, the simulated rate, and the method says so. Without
 * enough impostor pairs neither can be measured: the simulated rates as measured.
 */
export function siteErrorRates(
  site: Pick<ErrorRateEstimate, 'fmr' | 'fmrRange' | 'threshold' | 'impostorPairs'> | null,
  split: Pick<SplitEstimate, 'splitShare' | 'splitShareRange' | 'newIdentities'> | null = null,
  merge: Pick<MergeEstimate, 'mergeShare' | 'mergeShareRange'> | null = null,
): SiteErrorRates {
  const simulated =
    'rates of the re-identification engine measured against the truth in simulated stores whose faces follow real photos (lfw_dev)';
  if (!site || site.fmr === null || site.fmrRange === null) {
    return {
      rates: SIMULATED_ERROR_RATES,
      splitOfNew: null,
      source: 'simulated',
      siteFmr: null,
      method: `90 % intervals from the ${simulated}; this site has too few label-free score pairs yet to adjust them`,
    };
  }
  const clamp = (r: number) => Math.min(MAX_FMR_RATIO, Math.max(1 / MAX_FMR_RATIO, r / SIMULATED_ESTIMATED_FMR));
  const simulatedMerge = SIMULATED_ERROR_RATES.merge;
  const measured = split?.splitShare != null && split.splitShareRange != null;
  const splitOfNew = measured
    ? { rate: split.splitShare!, low: split.splitShareRange![0], high: split.splitShareRange![1] }
    : null;
  const splits = splitOfNew
    ? `the split rate measured the same way from the best scores of its ${split!.newIdentities} new identities (${(100 * splitOfNew.rate).toFixed(2)} % of them returning faces the engine missed)`
    : `the split rate simulated: too few new identities yet (${split?.newIdentities ?? 0}) to measure this site's own`;
  const mergeMeasured = merge?.mergeShare != null && merge.mergeShareRange != null;
  const merges = mergeMeasured
    ? `the merge rate measured the same way from the galleries its new identities were compared with (${(100 * merge.mergeShare!).toFixed(2)} % of new visitors joined to someone seen before)`
    : `the merge rate scaled by this site's false-match rate`;
  return {
    rates: {
      ...SIMULATED_ERROR_RATES,
      merge: mergeMeasured
        ? { rate: merge.mergeShare!, low: merge.mergeShareRange![0], high: merge.mergeShareRange![1] }
        : {
            rate: simulatedMerge.rate * clamp(site.fmr),
            low: simulatedMerge.low * clamp(site.fmrRange[0]),
            high: simulatedMerge.high * clamp(site.fmrRange[1]),
          },
    },
    splitOfNew,
    source: 'site-calibrated',
    siteFmr: site.fmr,
    method: `90 % intervals from the ${simulated}: this site's false-match rate estimated without labels from its own cameras (${site.fmr.toExponential(1)} at ${site.threshold}, ${site.impostorPairs} pairs), ${merges}, ${splits}`,
  };
}
