/** The ROC/threshold table of a labelled set: error rates of single comparisons and of whole re-id runs per threshold. */
import type { PairScores } from '../../ingest/face/measure-eer.ts';
import { naivePolicy, resolvePolicy } from '../match/match-policy.ts';
import type { LabelledFace } from './embed-labelled-folder.ts';
import { replaySightings } from './replay-sightings.ts';

export interface ThresholdRow {
  threshold: number;
  /** Impostor pairs accepted (score ≥ threshold). */
  far: number;
  /** Genuine pairs rejected. */
  frr: number;
  naiveBcubedF1: number;
  naiveCountErrorPct: number;
  engineBcubedF1: number;
  engineCountErrorPct: number;
}

/** Share of `scores` at or above `threshold`. */
function shareAtLeast(sorted: number[], threshold: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < threshold) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length === 0 ? 0 : (sorted.length - lo) / sorted.length;
}

/** One row per threshold; each re-id run is averaged over `seeds` (different sighting orders). */
export function sweepThresholds(
  faces: LabelledFace[],
  pairs: PairScores,
  thresholds: number[],
  seeds: number[],
): ThresholdRow[] {
  const genuine = [...pairs.genuine].sort((a, b) => a - b);
  const impostor = [...pairs.impostor].sort((a, b) => a - b);
  return thresholds.map((threshold) => {
    const run = (engine: boolean) => {
      const policy = engine ? resolvePolicy({ matchMinCosine: threshold }) : naivePolicy(threshold);
      const results = seeds.map((seed) => replaySightings(faces, { seed, policy }).scores);
      return {
        f1: results.reduce((s, r) => s + r.bcubed_f1, 0) / results.length,
        countError: results.reduce((s, r) => s + r.count_error_pct, 0) / results.length,
      };
    };
    const naive = run(false);
    const engine = run(true);
    return {
      threshold,
      far: shareAtLeast(impostor, threshold),
      frr: 1 - shareAtLeast(genuine, threshold),
      naiveBcubedF1: naive.f1,
      naiveCountErrorPct: naive.countError,
      engineBcubedF1: engine.f1,
      engineCountErrorPct: engine.countError,
    };
  });
}

/** The threshold with the best engine BCubed F1; ties go to the smaller absolute count error, then the lower threshold. */
export function bestThreshold(rows: ThresholdRow[]): ThresholdRow {
  return rows.reduce((best, r) => {
    const df1 = r.engineBcubedF1 - best.engineBcubedF1;
    if (df1 > 1e-9) return r;
    if (df1 < -1e-9) return best;
    return Math.abs(r.engineCountErrorPct) < Math.abs(best.engineCountErrorPct) - 1e-9 ? r : best;
  });
}
