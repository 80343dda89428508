/** Error bars on the figures managers read: unique visitors, visits and the returning rate, from the measured re-identification error rates (pure). */
import { quantileNormal } from 'vega-statistics';
import { seededRandom, type Random } from '../../common/seeded-random.ts';

/** A measured rate and its ~90 % range (from the spread over validation runs, or a calibration's range). */
export interface RateRange {
  rate: number;
  low: number;
  high: number;
}

/**
 * What the engine gets wrong, per event: `merge`, the share of new visitors whose first visit
 * joined an earlier identity (counted as returning, not as a visitor); `split`, the share of
 * returning visits given a new identity (counted as a new visitor); `visitCount`, the relative
 * error of the visit count (signed: + over-counts), from within-visit splits and same-day merges.
 */
export interface IdentityErrorRates {
  merge: RateRange;
  split: RateRange;
  visitCount: RateRange;
}

export interface ReportedCounts {
  visitors: number;
  visits: number;
  returningVisits: number;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface CountIntervals {
  confidence: number;
  visitors: Interval;
  visits: Interval;
  returningRate: Interval;
}

export interface IntervalOptions {
  confidence?: number;
  draws?: number;
  random?: Random;
}

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A draw of the rate: normal around it with the range as its ~90 % span. */
function drawRate(r: RateRange, random: Random, min: number, max: number): number {
  const sd = (r.high - r.low) / (2 * quantileNormal(0.95));
  return Math.max(min, Math.min(max, r.rate + sd * gaussian(random)));
}

/** Binomial(n, p) by its normal approximation (n is hundreds or more here). */
function drawCount(n: number, p: number, random: Random): number {
  return Math.max(0, n * p + Math.sqrt(Math.max(0, n * p * (1 - p))) * gaussian(random));
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
  return sorted[i];
}

/**
 * Parametric bootstrap. Per draw: rates from their ranges; the true new visitors U and returning
 * visits R that such rates turn into the reported counts (U_rep = U − merges + splits, R_rep = R
 * + merges − splits, solved in expectation); then the merges and splits that actually happened,
 * drawn as binomials of U and R, give one plausible truth. The interval is the central
 * `confidence` share of the draws.
 */
export function estimateCountIntervals(
  reported: ReportedCounts,
  rates: IdentityErrorRates,
  opts: IntervalOptions = {},
): CountIntervals {
  const confidence = opts.confidence ?? 0.9;
  const draws = opts.draws ?? 4_000;
  const random = opts.random ?? seededRandom(1);
  const newVisits = Math.max(0, reported.visitors);
  const returning = Math.max(0, reported.returningVisits);
  const visitors: number[] = [];
  const visits: number[] = [];
  const shares: number[] = [];
  for (let i = 0; i < draws; i++) {
    const m = drawRate(rates.merge, random, 0, 0.5);
    const s = drawRate(rates.split, random, 0, 0.5);
    const det = 1 - m - s;
    const u = Math.max(0, (newVisits * (1 - s) - s * returning) / det);
    const r = Math.max(0, ((1 - m) * returning - m * newVisits) / det);
    const merges = drawCount(u, m, random);
    const splits = drawCount(r, s, random);
    const trueVisitors = newVisits + merges - splits;
    const trueVisits = reported.visits / (1 + drawRate(rates.visitCount, random, -0.5, 0.5));
    visitors.push(trueVisitors);
    visits.push(trueVisits);
    shares.push(trueVisits > 0 ? Math.max(0, Math.min(1, (returning - merges + splits) / trueVisits)) : 0);
  }
  const lo = (1 - confidence) / 2;
  const interval = (xs: number[], point: number): Interval => {
    xs.sort((a, b) => a - b);
    return { estimate: point, low: percentile(xs, lo), high: percentile(xs, 1 - lo) };
  };
  const m = rates.merge.rate;
  const s = rates.split.rate;
  const det = 1 - m - s;
  const pointVisits = reported.visits / (1 + rates.visitCount.rate);
  const pointReturning = Math.max(0, ((1 - m) * returning - m * newVisits) / det);
  return {
    confidence,
    visitors: interval(visitors, Math.max(0, (newVisits * (1 - s) - s * returning) / det)),
    visits: interval(visits, pointVisits),
    returningRate: interval(shares, pointVisits > 0 ? Math.min(1, pointReturning / pointVisits) : 0),
  };
}
