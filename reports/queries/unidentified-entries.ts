/**
 * People seen but not identified who entered: footfall's estimate of the visits no identity stands
 * for, from the tracks of a site's entrance cameras that gave no embedding.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows, rangeParams, type ReportRange } from './report-range.ts';

/** Local period labels, as the footfall buckets name them. */
export const PERIOD_OF = {
  hour: `concat(toString(local_date), ' ', leftPad(toString(local_hour), 2, '0'), ':00')`,
  day: 'toString(local_date)',
  week: 'toString(toMonday(local_date))',
} as const;

export interface UnidentifiedEntries {
  /** Estimated entries per period label (only periods that have some). */
  byPeriod: Map<string, number>;
  total: number;
  /** What the estimate rests on, over the range: unidentified entrance tracks, counted visits that began at no entrance, the share of entrance visits that were passers-by. */
  entranceTracks: number;
  visitsEnteredUnseen: number;
  passerByShare: number;
}

const NONE: UnidentifiedEntries = { byPeriod: new Map(), total: 0, entranceTracks: 0, visitsEnteredUnseen: 0, passerByShare: 0 };

/**
 * Per period: max(0, U − L) × (1 − b), rounded, where
 *   U = unidentified tracks on entrance cameras starting in the period;
 *   L = counted identified visits starting in the period whose first camera is no entrance: people
 *       who entered unrecognised and were identified inside — their entrance track is in U, and
 *       they are counted by their identity already;
 *   b = over the range, the share of identified visits starting at an entrance that were not
 *       counted (passers-by, shorter than the minimum visit): as many unidentified tracks are
 *       passers-by as identified ones.
 * Without entrance cameras there is nothing to estimate: people are counted by their identities.
 */
export async function queryUnidentifiedEntries(client: ClickHouseClient, range: ReportRange, period: keyof typeof PERIOD_OF): Promise<UnidentifiedEntries> {
  const entrances = range.entranceCameras ?? [];
  if (entrances.length === 0) return NONE;
  const params = { ...rangeParams(range), entrances };
  const inRange = 'site_id = {site:String} AND local_date >= {from_date:Date} AND local_date < {to_date:Date}';
  const [rows, [share]] = await Promise.all([
    queryRows<{ period: string; u: string; l: string }>(
      client,
      `SELECT period, sum(u) AS u, sum(l) AS l FROM (
         SELECT ${PERIOD_OF[period]} AS period, count() AS u, 0 AS l FROM unidentified_tracks FINAL
         WHERE ${inRange} AND camera_id IN {entrances:Array(String)} GROUP BY period
         UNION ALL
         SELECT ${PERIOD_OF[period]} AS period, 0 AS u, count() AS l FROM visits FINAL
         WHERE ${inRange} AND counted = 1 AND NOT has({entrances:Array(String)}, cameras[1]) GROUP BY period
       ) GROUP BY period ORDER BY period`,
      params,
    ),
    queryRows<{ passers: string; entered: string }>(client, `SELECT countIf(counted = 0) AS passers, count() AS entered FROM visits FINAL WHERE ${inRange} AND has({entrances:Array(String)}, cameras[1])`, params),
  ]);
  const passerByShare = Number(share.entered) > 0 ? Number(share.passers) / Number(share.entered) : 0;
  const byPeriod = new Map<string, number>();
  for (const r of rows) {
    const n = Math.round(Math.max(0, Number(r.u) - Number(r.l)) * (1 - passerByShare));
    if (n > 0) byPeriod.set(r.period, n);
  }
  return {
    byPeriod,
    total: [...byPeriod.values()].reduce((a, b) => a + b, 0),
    entranceTracks: rows.reduce((n, r) => n + Number(r.u), 0),
    visitsEnteredUnseen: rows.reduce((n, r) => n + Number(r.l), 0),
    passerByShare,
  };
}

/** How far back the typical stay and the passers-by share of "now" are measured. */
const RECENT_DAYS = 7;

/**
 * People seen but not identified who are inside now, estimated like footfall's entries: the
 * unidentified entrance tracks of the last median stay (the median dwell of the counted visits of
 * the last 7 days), less the visits of that window that began at no entrance, times the share of
 * entries that were not passers-by.
 */
export async function queryUnidentifiedInside(client: ClickHouseClient, q: { siteId: string; nowMs: number; entranceCameras?: string[] }): Promise<number> {
  const entrances = q.entranceCameras ?? [];
  if (entrances.length === 0) return 0;
  const params = { site: q.siteId, now: q.nowMs, recent: RECENT_DAYS * 86_400_000, entrances };
  const since = (ms: string) => `start >= fromUnixTimestamp64Milli({now:Int64} - ${ms}, 'UTC') AND start <= fromUnixTimestamp64Milli({now:Int64}, 'UTC')`;
  const [recent] = await queryRows<{ stay_ms: string; passers: string; entered: string }>(
    client,
    `SELECT toInt64(1000 * quantileExactIf(0.5)(dwell_s, counted = 1)) AS stay_ms,
            countIf(counted = 0 AND has({entrances:Array(String)}, cameras[1])) AS passers, countIf(has({entrances:Array(String)}, cameras[1])) AS entered
     FROM visits FINAL WHERE site_id = {site:String} AND ${since('{recent:Int64}')}`,
    params,
  );
  const stay = Number(recent.stay_ms);
  if (!(stay > 0)) return 0;
  const [window] = await queryRows<{ u: string; l: string }>(
    client,
    `SELECT (SELECT count() FROM unidentified_tracks FINAL WHERE site_id = {site:String} AND has({entrances:Array(String)}, camera_id) AND ${since('{stay:Int64}')}) AS u,
            (SELECT count() FROM visits FINAL WHERE site_id = {site:String} AND NOT has({entrances:Array(String)}, cameras[1]) AND ${since('{stay:Int64}')}) AS l`,
    { ...params, stay },
  );
  const passerByShare = Number(recent.entered) > 0 ? Number(recent.passers) / Number(recent.entered) : 0;
  return Math.round(Math.max(0, Number(window.u) - Number(window.l)) * (1 - passerByShare));
}
