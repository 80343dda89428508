/** Dwell time of counted visits: percentiles and a histogram, computed by ClickHouse. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { rangeParams, rulesVersionsIn, type ReportRange } from './report-range.ts';
import { COUNTED_VISITS } from '../../storage/visits-table.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';

export interface DwellDistribution {
  visits: number;
  p25S: number;
  medianS: number;
  p75S: number;
  p90S: number;
  meanS: number;
  /** Visits per dwell band; `upToMin` null is the open-ended last band. */
  histogram: Array<{ fromMin: number; upToMin: number | null; visits: number }>;
  rulesVersions: string[];
}

/** Band edges in minutes: what managers compare (a quick errand, a browse, a long stay). */
const EDGES_MIN = [0, 2, 5, 10, 20, 30, 60, 120];

export async function queryDwellDistribution(client: ClickHouseClient, range: ReportRange): Promise<DwellDistribution> {
  const params = rangeParams(range);
  const [[stats], bands, rulesVersions] = await Promise.all([
    queryRows<{ visits: string; q: number[]; mean: number | null }>(
      client,
      `SELECT count() AS visits, quantilesExact(0.25, 0.5, 0.75, 0.9)(dwell_s) AS q, avgOrNull(dwell_s) AS mean FROM (${COUNTED_VISITS})`,
      params,
    ),
    queryRows<{ band: number; visits: string }>(
      client,
      `SELECT arrayCount(e -> e * 60 <= dwell_s, {edges:Array(UInt32)}) AS band, count() AS visits FROM (${COUNTED_VISITS}) GROUP BY band`,
      { ...params, edges: EDGES_MIN },
    ),
    rulesVersionsIn(client, range),
  ]);
  const byBand = new Map(bands.map((b) => [Number(b.band), Number(b.visits)]));
  const visits = Number(stats.visits);
  const q = visits > 0 ? stats.q : [0, 0, 0, 0];
  return {
    visits,
    p25S: q[0],
    medianS: q[1],
    p75S: q[2],
    p90S: q[3],
    meanS: stats.mean ?? 0,
    histogram: EDGES_MIN.map((fromMin, i) => ({
      fromMin,
      upToMin: EDGES_MIN[i + 1] ?? null,
      visits: byBand.get(i + 1) ?? 0,
    })),
    rulesVersions,
  };
}
