/** Clustering quality of a re-identification run against the truth: pairwise and BCubed P/R/F1, count error. */

/** The stable keys of `revisit eval reid --json`. */
export interface ClusteringScores {
  true_ids: number;
  created_ids: number;
  pairwise_precision: number;
  pairwise_recall: number;
  pairwise_f1: number;
  bcubed_precision: number;
  bcubed_recall: number;
  bcubed_f1: number;
  /** Signed: (created − true) / true × 100; positive means over-counted visitors. */
  count_error_pct: number;
}

function f1(p: number, r: number): number {
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

function pairsOf(n: number): number {
  return (n * (n - 1)) / 2;
}

function countBy(labels: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of labels) out.set(l, (out.get(l) ?? 0) + 1);
  return out;
}

/**
 * Scores predicted cluster labels against true labels, item by item (same length, same order).
 * Pairwise: over all unordered item pairs, precision = pairs together in both / pairs together in
 * the prediction, recall = / pairs together in the truth (1 when there are no such pairs).
 * BCubed: per item, |its predicted cluster ∩ its true cluster| over the predicted (precision) or
 * true (recall) cluster size, averaged over items.
 */
export function scoreClustering(truth: string[], predicted: string[]): ClusteringScores {
  if (truth.length !== predicted.length)
    throw new Error(`labels differ in length: ${truth.length} true vs ${predicted.length} predicted`);
  const trueSizes = countBy(truth);
  const predSizes = countBy(predicted);
  const cells = countBy(truth.map((t, i) => JSON.stringify([t, predicted[i]])));
  let together = 0;
  for (const n of cells.values()) together += pairsOf(n);
  let predPairs = 0;
  for (const n of predSizes.values()) predPairs += pairsOf(n);
  let truePairs = 0;
  for (const n of trueSizes.values()) truePairs += pairsOf(n);
  const pairwisePrecision = predPairs === 0 ? 1 : together / predPairs;
  const pairwiseRecall = truePairs === 0 ? 1 : together / truePairs;

  let bPrecision = 0;
  let bRecall = 0;
  truth.forEach((t, i) => {
    const overlap = cells.get(JSON.stringify([t, predicted[i]]))!;
    bPrecision += overlap / predSizes.get(predicted[i])!;
    bRecall += overlap / trueSizes.get(t)!;
  });
  const n = truth.length;
  const bcubedPrecision = n === 0 ? 1 : bPrecision / n;
  const bcubedRecall = n === 0 ? 1 : bRecall / n;
  return {
    true_ids: trueSizes.size,
    created_ids: predSizes.size,
    pairwise_precision: pairwisePrecision,
    pairwise_recall: pairwiseRecall,
    pairwise_f1: f1(pairwisePrecision, pairwiseRecall),
    bcubed_precision: bcubedPrecision,
    bcubed_recall: bcubedRecall,
    bcubed_f1: f1(bcubedPrecision, bcubedRecall),
    count_error_pct: countErrorPct(trueSizes.size, predSizes.size),
  };
}

/** Unique-visitor count error in %, signed (over-counting is positive); 0 when both are empty. */
export function countErrorPct(trueCount: number, createdCount: number): number {
  if (trueCount === 0) return createdCount === 0 ? 0 : 100;
  return ((createdCount - trueCount) / trueCount) * 100;
}

/** Each score averaged over runs (e.g. sighting orders). */
export function meanScores(runs: ClusteringScores[]): ClusteringScores {
  const keys = Object.keys(runs[0]) as Array<keyof ClusteringScores>;
  return Object.fromEntries(
    keys.map((k) => [k, runs.reduce((sum, r) => sum + r[k], 0) / runs.length]),
  ) as unknown as ClusteringScores;
}
