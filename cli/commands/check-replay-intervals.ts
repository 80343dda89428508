/** The error bars checked where the truth is known: each lfw_dev photo a visit, the intervals a site would publish against the true counts. */
import { publishIntervals } from '../../reports/intervals/publish-intervals.ts';
import { siteErrorRates } from '../../reports/intervals/site-error-rates.ts';
import type { LiveCalibrationCheck } from '../../reid-worker/eval/validate-live-calibration.ts';

export interface ReplayIntervalCheck {
  seed: number;
  /** With the labels: people first seen that the replay joined to an earlier identity (what the merge rate stands for). */
  joinedAtMatching: number;
  visitors: { truth: number; reported: number; low: number; high: number; covered: boolean };
  returningRate: { truth: number; reported: number; low: number; high: number; covered: boolean };
}

/**
 * Every photo is one visit; a visit is returning when its person was seen before. The reported
 * figures are the engine's (identities created on the seed's order); the rates are what a site
 * would use — the simulated ones, the merge and split rates the seed's label-free estimates (its
 * `calibration` check) — so this measures the published intervals, not a refit.
 */
export function checkReplayIntervals(
  run: { seed: number; createdIds: number; trueIds: number; visits: number; joinedAtMatching: number },
  calibration: LiveCalibrationCheck,
): ReplayIntervalCheck {
  const rates = siteErrorRates(
    {
      fmr: calibration.estimatedFmr,
      fmrRange: calibration.fmrRange,
      threshold: calibration.threshold,
      impostorPairs: (calibration.pairsBySource.same_frame ?? 0) + (calibration.pairsBySource.cross_identity ?? 0),
    },
    calibration.split,
    calibration.merge,
  );
  const i = publishIntervals(
    { visitors: run.createdIds, visits: run.visits, returningVisits: run.visits - run.createdIds },
    rates,
  )!;
  const rate = (ids: number) => (run.visits - ids) / run.visits;
  const inside = (x: number, r: { low: number; high: number }) => x >= r.low && x <= r.high;
  return {
    seed: run.seed,
    joinedAtMatching: run.joinedAtMatching,
    visitors: { truth: run.trueIds, reported: run.createdIds, ...i.visitors, covered: inside(run.trueIds, i.visitors) },
    returningRate: {
      truth: rate(run.trueIds),
      reported: rate(run.createdIds),
      ...i.returningRate,
      covered: inside(rate(run.trueIds), i.returningRate),
    },
  };
}
