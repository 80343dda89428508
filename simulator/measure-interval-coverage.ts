/** How often the error bars hold the truth: identity error rates measured on some simulated stores, intervals checked on others. */
import {
  estimateCountIntervals,
  type CountIntervals,
  type IdentityErrorRates,
  type RateRange,
} from '../reports/intervals/estimate-count-intervals.ts';
import {
  replayStorePlanThroughEngine,
  type EngineReplayOptions,
  type EngineReplayResult,
} from './replay-store-plan.ts';

/** Stores the rates are measured on: seeds far from the ones whose coverage is checked. */
const CALIBRATION_SEEDS = [1_000_001, 1_000_002, 1_000_003, 1_000_004, 1_000_005];
const CONFIDENCE = 0.9;

export interface IntervalCoverage {
  seeds: number;
  confidence: number;
  /** Share of the seeds whose true figure lies inside its interval. */
  visitors: number;
  visits: number;
  returning_rate: number;
}

/** Mean over runs, with a ~90 % range from their spread (Student's t: a few runs underestimate it). */
function rangeOf(values: number[]): RateRange {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  const t = n >= 2 ? [6.31, 2.92, 2.35, 2.13, 2.02][Math.min(n - 2, 4)] : 0;
  return { rate: mean, low: mean - t * sd, high: mean + t * sd };
}

/** The identity error rates of the engine, measured with the simulator's truth over runs. */
export function errorRatesOf(runs: EngineReplayResult[]): IdentityErrorRates {
  return {
    merge: rangeOf(runs.map((r) => r.errors.mergedNew / Math.max(1, r.errors.newVisits))),
    split: rangeOf(runs.map((r) => r.errors.splitReturning / Math.max(1, r.errors.returningVisits))),
    visitCount: rangeOf(runs.map((r) => r.errors.visitsReported / Math.max(1, r.errors.visitsTrue) - 1)),
  };
}

/** The intervals of one run's reported figures. */
export function intervalsOf(run: EngineReplayResult, rates: IdentityErrorRates): CountIntervals {
  const { visitors, visits, returningRate } = run.reported;
  return estimateCountIntervals({ visitors, visits, returningVisits: Math.round(returningRate * visits) }, rates, {
    confidence: CONFIDENCE,
  });
}

/**
 * Measures the rates on CALIBRATION_SEEDS, then for seeds 1..`seeds` replays the store through the
 * engine and counts how often the 90 % interval holds the truth. Same store size and policy
 * throughout.
 */
export async function measureIntervalCoverage(
  o: Omit<EngineReplayOptions, 'seed'>,
  seeds: number,
  onRun: (done: number, total: number) => void = () => {},
): Promise<{ rates: IdentityErrorRates; coverage: IntervalCoverage }> {
  const total = CALIBRATION_SEEDS.length + seeds;
  const calibration: EngineReplayResult[] = [];
  for (const seed of CALIBRATION_SEEDS) {
    calibration.push(await replayStorePlanThroughEngine({ ...o, seed }));
    onRun(calibration.length, total);
  }
  const rates = errorRatesOf(calibration);
  let [visitors, visits, returning] = [0, 0, 0];
  for (let seed = 1; seed <= seeds; seed++) {
    const run = await replayStorePlanThroughEngine({ ...o, seed });
    const i = intervalsOf(run, rates);
    const inside = (x: number, r: { low: number; high: number }) => x >= r.low && x <= r.high;
    if (inside(run.truth.visitors, i.visitors)) visitors++;
    if (inside(run.truth.visits, i.visits)) visits++;
    if (inside(run.truth.returningRate, i.returningRate)) returning++;
    onRun(CALIBRATION_SEEDS.length + seed, total);
  }
  return {
    rates,
    coverage: {
      seeds,
      confidence: CONFIDENCE,
      visitors: visitors / seeds,
      visits: visits / seeds,
      returning_rate: returning / seeds,
    },
  };
}
