/** Footfall per hour: unique visitors and visit starts, computed by ClickHouse from sightings. */
import type { ClickHouseClient } from '@clickhouse/client';

export interface FootfallQuery {
  siteId: string;
  fromMs: number;
  toMs: number;
  /** An absence longer than this starts a new visit. */
  visitGapMs: number;
}

export interface FootfallHour {
  /** Start of the hour, ISO 8601 UTC. */
  hour: string;
  uniqueVisitors: number;
  visits: number;
}

export interface FootfallReport {
  hours: FootfallHour[];
  uniqueVisitors: number;
  visits: number;
}

/*
 * A visit starts at a sighting whose previous sighting of the same identity is more than the
 * visit gap earlier. The scan starts one gap before `from` so that a visit already running at
 * `from` is not counted as a new one.
 */
const VISIT_STARTS = `
  SELECT identity_id, t_start, ms, ms - prev_ms > {gap:Int64} AS is_visit_start
  FROM (
    SELECT identity_id, t_start, toUnixTimestamp64Milli(t_start) AS ms,
           lagInFrame(toUnixTimestamp64Milli(t_start), 1, toInt64(0))
             OVER (PARTITION BY identity_id ORDER BY t_start ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS prev_ms
    FROM sightings FINAL
    WHERE site_id = {site:String} AND label = ''
      AND t_start >= fromUnixTimestamp64Milli({from:Int64} - {gap:Int64}, 'UTC')
      AND t_start < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
  )
  WHERE ms >= {from:Int64}`;

export async function queryFootfallByHour(client: ClickHouseClient, q: FootfallQuery): Promise<FootfallReport> {
  const params = { site: q.siteId, from: q.fromMs, to: q.toMs, gap: q.visitGapMs };
  const [hoursResult, totalsResult] = await Promise.all([
    client.query({
      query: `SELECT formatDateTime(toStartOfHour(t_start), '%Y-%m-%dT%H:00:00Z', 'UTC') AS hour,
                     uniqExact(identity_id) AS unique_visitors, countIf(is_visit_start) AS visits
              FROM (${VISIT_STARTS}) GROUP BY hour ORDER BY hour`,
      query_params: params,
      format: 'JSONEachRow',
    }),
    client.query({
      query: `SELECT uniqExact(identity_id) AS unique_visitors, countIf(is_visit_start) AS visits FROM (${VISIT_STARTS})`,
      query_params: params,
      format: 'JSONEachRow',
    }),
  ]);
  const hours = await hoursResult.json<{ hour: string; unique_visitors: string | number; visits: string | number }>();
  const [totals] = await totalsResult.json<{ unique_visitors: string | number; visits: string | number }>();
  return {
    hours: hours.map((h) => ({ hour: h.hour, uniqueVisitors: Number(h.unique_visitors), visits: Number(h.visits) })),
    uniqueVisitors: Number(totals?.unique_visitors ?? 0),
    visits: Number(totals?.visits ?? 0),
  };
}
