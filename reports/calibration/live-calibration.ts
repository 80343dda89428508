/** The live calibration of a site: its stored score pairs read back per camera and camera pair, and what they say at each camera's threshold. */
import type { RevisitConfig } from '../../common/config.ts';
import { matchThresholdOf, siteRetentionOf } from '../../schemas/index.ts';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { readCalibrationScores, type CalibrationScoreRow } from '../../storage/calibration-scores-table.ts';
import { countIdentitiesSeenSince } from '../../storage/sightings-table.ts';
import { countMergesBetween } from '../../storage/identity-merges-table.ts';
import {
  estimateErrorRates,
  suggestThreshold,
  type ErrorRateEstimate,
} from '../../common/calibration/estimate-error-rates.ts';
import { addScore, binStart, BIN_WIDTH, type ScoreHistogram } from '../../common/calibration/score-histogram.ts';
import {
  estimateSplitRate,
  parseBestScoreSource,
  type BestScoreSample,
  type SplitEstimate,
} from '../../common/calibration/estimate-split-rate.ts';
import { estimateMergeRate, type MergeEstimate } from '../../common/calibration/estimate-merge-rate.ts';

/** One stored row: pairs per bin of one camera pair, kind and source. */
export type CalibrationRow = Omit<CalibrationScoreRow, 'siteId' | 'day'>;

export interface ScopeCalibration extends ErrorRateEstimate {
  /** For a gallery of the site's current size (see suggestThreshold). */
  suggestedThreshold: number | null;
  /** Missed returns among the new identities, from their best scores and the impostor tail (estimateSplitRate). */
  split: SplitEstimate;
  /** Strangers joined to an earlier identity, from the same new identities' galleries (estimateMergeRate). */
  merge: MergeEstimate;
}

export interface LiveCalibration {
  siteId: string;
  /** UTC days read, inclusive. */
  from: string;
  to: string;
  gallerySize: number;
  /** Identities the re-clustering pass merged away in these days (subtracted from the missed returns, see estimateSplitRate). */
  reclusterMerges: number;
  /** Pairs per source: same_frame, cross_identity (impostors), track_shots (genuine); best_score: new identities. */
  pairsBySource: Record<string, number>;
  /** All cameras together, at the site's threshold. */
  site: ScopeCalibration;
  /** Pairs seen on one camera, at that camera's threshold. */
  cameras: Array<ScopeCalibration & { cameraId: string }>;
  /** Impostor pairs across two cameras (different viewpoints), at the site's threshold. */
  cameraPairs: Array<
    Pick<ErrorRateEstimate, 'threshold' | 'impostorPairs' | 'fmr' | 'fmrRange' | 'fmrCounted'> & {
      cameraA: string;
      cameraB: string;
    }
  >;
}

/**
 * A stored best-score row as samples of the split estimate (its gallery and threshold are in its
 * source). A new identity's best score was under its threshold: the bin's middle is held there.
 */
function bestScoreSampleOf(r: CalibrationRow): BestScoreSample[] {
  const against = parseBestScoreSource(r.source);
  if (!against) return [];
  return [{ score: Math.min(binStart(r.bin) + BIN_WIDTH / 2, against.threshold - 1e-6), ...against, count: r.pairs }];
}

function histogramOf(rows: CalibrationRow[]): ScoreHistogram {
  const h: ScoreHistogram = new Map();
  // The bin's middle stands for its pairs: addScore files it back into the same bin.
  for (const r of rows) addScore(h, binStart(r.bin) + BIN_WIDTH / 2, r.pairs);
  return h;
}

/** Pure: the report from stored rows. `thresholdOf(camera)` is a camera's threshold, `siteThreshold` the site's. */
export function summariseCalibration(
  rows: CalibrationRow[],
  scope: {
    siteId: string;
    from: string;
    to: string;
    gallerySize: number;
    reclusterMerges: number;
    siteThreshold: number;
    thresholdOf: (cameraId: string) => number;
  },
): LiveCalibration {
  const impostors = rows.filter((r) => r.kind === 'impostor');
  const genuine = rows.filter((r) => r.kind === 'genuine');
  const best = rows.filter((r) => r.kind === 'new_identity');
  const newIdentities = best.reduce((a, r) => a + r.pairs, 0);
  // Merges are the site's: a camera's share of them is its share of the new identities.
  const estimate = (
    impostor: CalibrationRow[],
    genuine: CalibrationRow[],
    own: CalibrationRow[],
    threshold: number,
  ): ScopeCalibration => {
    const [i, g] = [histogramOf(impostor), histogramOf(genuine)];
    const share = own.reduce((a, r) => a + r.pairs, 0) / Math.max(1, newIdentities);
    const samples = own.flatMap(bestScoreSampleOf);
    const split = estimateSplitRate(samples, i, { reclusterMerges: scope.reclusterMerges * share });
    return {
      ...estimateErrorRates(i, g, threshold),
      suggestedThreshold: suggestThreshold(i, g, scope.gallerySize),
      split,
      merge: estimateMergeRate(samples, i, { missedAtMinting: split.missedAtMinting }),
    };
  };
  const cameras = [...new Set(rows.filter((r) => r.cameraA === r.cameraB).map((r) => r.cameraA))].sort();
  const pairKeys = [
    ...new Set(impostors.filter((r) => r.cameraA !== r.cameraB).map((r) => `${r.cameraA}\u0000${r.cameraB}`)),
  ].sort();
  const pairsBySource: Record<string, number> = {};
  for (const r of rows) {
    const source = r.kind === 'new_identity' ? 'best_score' : r.source;
    pairsBySource[source] = (pairsBySource[source] ?? 0) + r.pairs;
  }
  return {
    siteId: scope.siteId,
    from: scope.from,
    to: scope.to,
    gallerySize: scope.gallerySize,
    reclusterMerges: scope.reclusterMerges,
    pairsBySource,
    site: estimate(impostors, genuine, best, scope.siteThreshold),
    cameras: cameras.map((cameraId) => {
      const own = (r: CalibrationRow) => r.cameraA === cameraId && r.cameraB === cameraId;
      return {
        cameraId,
        ...estimate(impostors.filter(own), genuine.filter(own), best.filter(own), scope.thresholdOf(cameraId)),
      };
    }),
    cameraPairs: pairKeys.map((key) => {
      const [cameraA, cameraB] = key.split('\u0000');
      const { threshold, impostorPairs, fmr, fmrRange, fmrCounted } = estimateErrorRates(
        histogramOf(impostors.filter((r) => r.cameraA === cameraA && r.cameraB === cameraB)),
        new Map(),
        scope.siteThreshold,
      );
      return { cameraA, cameraB, threshold, impostorPairs, fmr, fmrRange, fmrCounted };
    }),
  };
}

/** Reads the last `days` UTC days of a site's pairs (today included) and summarises them at the configured thresholds. */
export async function queryLiveCalibration(
  client: ClickHouseClient,
  config: Pick<RevisitConfig, 'matching' | 'sites' | 'privacy'>,
  siteId: string,
  days: number,
  nowMs = Date.now(),
): Promise<LiveCalibration> {
  // The gallery a new face is compared with: identities with a sighting within the site's identity retention (what the index holds).
  const gallerySize = await countIdentitiesSeenSince(
    client,
    siteId,
    nowMs - siteRetentionOf(config)(siteId).identityMs,
  );
  const to = new Date(nowMs).toISOString().slice(0, 10);
  const from = new Date(nowMs - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const rows = await readCalibrationScores(client, siteId, from, to);
  const reclusterMerges = await countMergesBetween(client, siteId, Date.parse(from), Date.parse(to) + 86_400_000);
  return summariseCalibration(rows, {
    siteId,
    from,
    to,
    gallerySize,
    reclusterMerges,
    siteThreshold: matchThresholdOf(config, siteId),
    thresholdOf: (cameraId) => matchThresholdOf(config, siteId, cameraId),
  });
}
