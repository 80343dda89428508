/** Label-free error rates at a threshold from the stream's own score samples: the false-match rate from impostor pairs, the false-non-match rate from genuine ones. */
import { cumulativeNormal, quantileNormal } from 'vega-statistics';
import { quantileOf, shareAtLeast, totalOf, type ScoreHistogram } from './score-histogram.ts';

/** What the stream says about one threshold (rates per single comparison). */
export interface ErrorRateEstimate {
  threshold: number;
  impostorPairs: number;
  genuinePairs: number;
  /** Estimated share of impostor pairs at or above the threshold (tail fit, see estimateFmr); null without enough pairs. */
  fmr: number | null;
  /** ~90 % range of `fmr` from the sampling error of the quantiles it was fitted on. */
  fmrRange: [number, number] | null;
  /** The share actually counted at or above the threshold (0 when the tail is thinner than the sample can see). */
  fmrCounted: number | null;
  /** Share of genuine pairs below the threshold; null without genuine pairs. */
  fnmr: number | null;
  fnmrRange: [number, number] | null;
}

/** Below this many impostor pairs even the p95 is a guess. */
export const MIN_IMPOSTOR_PAIRS = 200;
/**
 * The tail is fitted between these quantiles: p99.9 is as deep as a day of a store measures
 * (thousands of pairs), p95 as shallow as stays clear of the genuine pairs a split person adds.
 * Validated on lfw_dev (labels hidden: `eval reid --calibration`): 1.4–1.5× the labelled rate at
 * 0.45 over seeds 1–5, where a Gaussian fitted to the faces sharing a frame is 7× off
 * (docs/calibration.md).
 */
const TAIL_FROM = 0.95;
const TAIL_TO = 0.999;
/** Fewer pairs: the fit moves to p90–p99. */
const DEEP_TAIL_PAIRS = 5_000;
const Z90 = 1.645;

/** P(score ≥ t) under N(mean, sd²), from the lower-tail function for accuracy. */
function upperTail(t: number, mean: number, sd: number): number {
  return cumulativeNormal(-(t - mean) / sd);
}

function fitTail(histogram: ScoreHistogram, from: number, to: number, toShift = 0): TailGaussian {
  const qFrom = quantileOf(histogram, from);
  const qTo = quantileOf(histogram, Math.min(1 - 1e-9, to + toShift));
  const zFrom = quantileNormal(from);
  const zTo = quantileNormal(to);
  const sd = Math.max(1e-6, (qTo - qFrom) / (zTo - zFrom));
  return { mean: qFrom - zFrom * sd, sd };
}

/**
 * The false-match rate at `threshold`: a Gaussian tail fitted on two upper quantiles of the
 * impostor sample, so the estimate reaches rates far below what the sample counts directly.
 * The range refits with the upper quantile moved by its binomial sampling error.
 */
export function estimateFmr(
  impostors: ScoreHistogram,
  threshold: number,
): Pick<ErrorRateEstimate, 'fmr' | 'fmrRange' | 'fmrCounted'> {
  const n = totalOf(impostors);
  if (n < MIN_IMPOSTOR_PAIRS)
    return { fmr: null, fmrRange: null, fmrCounted: n > 0 ? shareAtLeast(impostors, threshold) : null };
  const tail = fitImpostorTail(impostors)!;
  const [low, high] = [tail.low, tail.high].map((g) => upperTail(threshold, g.mean, g.sd)).sort((a, b) => a - b);
  return {
    fmr: upperTail(threshold, tail.fit.mean, tail.fit.sd),
    fmrRange: [low, high],
    fmrCounted: shareAtLeast(impostors, threshold),
  };
}

/** A Gaussian standing for the upper tail of single-comparison impostor scores. */
export interface TailGaussian {
  mean: number;
  sd: number;
}

/**
 * The impostor tail behind estimateFmr: `fit` on two upper quantiles, `low` and `high` refitted
 * with the upper quantile moved down and up by its ~90 % binomial sampling error. Null without
 * enough pairs.
 */
export function fitImpostorTail(
  impostors: ScoreHistogram,
): { fit: TailGaussian; low: TailGaussian; high: TailGaussian } | null {
  const n = totalOf(impostors);
  if (n < MIN_IMPOSTOR_PAIRS) return null;
  const [from, to] = n >= DEEP_TAIL_PAIRS ? [TAIL_FROM, TAIL_TO] : [0.9, 0.99];
  const se = Z90 * Math.sqrt((to * (1 - to)) / n);
  return {
    fit: fitTail(impostors, from, to),
    low: fitTail(impostors, from, to, -se),
    high: fitTail(impostors, from, to, se),
  };
}

/** P(score ≥ t) under a tail Gaussian, from the lower-tail function for accuracy. */
export function tailShareAtLeast(t: number, g: TailGaussian): number {
  return upperTail(t, g.mean, g.sd);
}

/** The false-non-match rate at `threshold`, counted, with a Wilson 90 % range. */
export function estimateFnmr(
  genuine: ScoreHistogram,
  threshold: number,
): Pick<ErrorRateEstimate, 'fnmr' | 'fnmrRange'> {
  const n = totalOf(genuine);
  if (n === 0) return { fnmr: null, fnmrRange: null };
  const p = 1 - shareAtLeast(genuine, threshold);
  const denom = 1 + (Z90 * Z90) / n;
  const centre = (p + (Z90 * Z90) / (2 * n)) / denom;
  const half = (Z90 * Math.sqrt((p * (1 - p)) / n + (Z90 * Z90) / (4 * n * n))) / denom;
  return { fnmr: p, fnmrRange: [Math.max(0, centre - half), Math.min(1, centre + half)] };
}

export function estimateErrorRates(
  impostors: ScoreHistogram,
  genuine: ScoreHistogram,
  threshold: number,
): ErrorRateEstimate {
  return {
    threshold,
    impostorPairs: totalOf(impostors),
    genuinePairs: totalOf(genuine),
    ...estimateFmr(impostors, threshold),
    ...estimateFnmr(genuine, threshold),
  };
}

/**
 * The threshold these rates suggest for a gallery of `gallerySize` identities: the one that
 * minimises the expected errors per face, gallerySize·FMR (a stranger wrongly matched) plus FNMR
 * (a returning face missed); without genuine pairs, the lowest threshold at which a stranger is
 * wrongly matched at most 1 % of the time. Null without enough impostor pairs.
 */
export function suggestThreshold(
  impostors: ScoreHistogram,
  genuine: ScoreHistogram,
  gallerySize: number,
): number | null {
  if (totalOf(impostors) < MIN_IMPOSTOR_PAIRS) return null;
  const grid = Array.from({ length: 121 }, (_, i) => Math.round((0.2 + i * 0.005) * 1000) / 1000);
  const n = Math.max(1, gallerySize);
  if (totalOf(genuine) === 0)
    return grid.find((t) => n * (estimateFmr(impostors, t).fmr ?? 1) <= 0.01) ?? grid[grid.length - 1];
  let best = grid[0];
  let bestCost = Infinity;
  for (const t of grid) {
    const cost = n * (estimateFmr(impostors, t).fmr ?? 1) + (estimateFnmr(genuine, t).fnmr ?? 0);
    if (cost < bestCost - 1e-12) [best, bestCost] = [t, cost];
  }
  return best;
}
