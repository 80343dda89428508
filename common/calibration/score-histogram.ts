/** Cosine scores kept as counts per fixed bin: what the calibration stores and estimates from (a score is no biometric, a bin even less). */

/** Bin width: fine enough for tail quantiles (a threshold moves by 0.025 in practice), 400 bins over −1..1. */
export const BIN_WIDTH = 0.005;
export const BINS = Math.round(2 / BIN_WIDTH);

/** Counts per bin; bin i holds scores in [−1 + i·BIN_WIDTH, −1 + (i+1)·BIN_WIDTH). */
export type ScoreHistogram = Map<number, number>;

export function binOf(score: number): number {
  return Math.max(0, Math.min(BINS - 1, Math.floor((score + 1) / BIN_WIDTH)));
}

export function binStart(bin: number): number {
  return -1 + bin * BIN_WIDTH;
}

export function addScore(histogram: ScoreHistogram, score: number, count = 1): void {
  const bin = binOf(score);
  histogram.set(bin, (histogram.get(bin) ?? 0) + count);
}

export function totalOf(histogram: ScoreHistogram): number {
  let n = 0;
  for (const c of histogram.values()) n += c;
  return n;
}

/** Share of scores at or above `threshold` (the threshold's own bin counted in proportion). */
export function shareAtLeast(histogram: ScoreHistogram, threshold: number): number {
  const total = totalOf(histogram);
  if (total === 0) return 0;
  const at = binOf(threshold);
  let above = 0;
  for (const [bin, count] of histogram) {
    if (bin > at) above += count;
    else if (bin === at) above += count * (1 - (threshold - binStart(bin)) / BIN_WIDTH);
  }
  return above / total;
}

/** The p-quantile, interpolated linearly inside its bin. */
export function quantileOf(histogram: ScoreHistogram, p: number): number {
  const total = totalOf(histogram);
  const bins = [...histogram.entries()].sort(([a], [b]) => a - b);
  let below = 0;
  const target = p * total;
  for (const [bin, count] of bins) {
    if (below + count >= target) return binStart(bin) + BIN_WIDTH * Math.min(1, Math.max(0, (target - below) / count));
    below += count;
  }
  return bins.length > 0 ? binStart(bins[bins.length - 1][0]) + BIN_WIDTH : 0;
}
