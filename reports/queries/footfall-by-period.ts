/** Footfall per local hour, day or week: unique visitors, visits, new and returning from the aggregate tables, plus the people seen but not identified. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { rangeParams, rulesVersionsIn, type ReportRange } from './report-range.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { queryUnidentifiedEntries, type UnidentifiedEntries } from './unidentified-entries.ts';

export type FootfallPeriod = 'hour' | 'day' | 'week';

export interface FootfallBucket {
  /** `YYYY-MM-DD HH:00` (hour), `YYYY-MM-DD` (day), or the week's Monday (week), local time. */
  period: string;
  /** Unique identified visitors, plus one per unidentified visit. */
  visitors: number;
  /** Every visit: newVisits + returningVisits + unidentifiedVisits. */
  visits: number;
  newVisits: number;
  returningVisits: number;
  /**
   * Visits of people an entrance camera saw but could not identify (faces too small, blurred or
   * turned away), estimated (see unidentified-entries.ts): in visits and visitors, never new or
   * returning — re-identification cannot tell.
   */
  unidentifiedVisits: number;
}

export interface FootfallByPeriod {
  buckets: FootfallBucket[];
  /** Over the whole range: visitors are unique across it, not summed. */
  totals: Omit<FootfallBucket, 'period'>;
  /** Share of the range's visits made by identified people: what returning rates and paths rest on. */
  identifiedShare: number;
  /** What the unidentified visits were estimated from. */
  unidentified: Omit<UnidentifiedEntries, 'byPeriod'>;
  rulesVersions: string[];
}

type Raw = { period: string; n_visitors: string; n_visits: string; n_new: string; n_returning: string };

const BUCKET_SQL: Record<FootfallPeriod, string> = {
  hour: `SELECT concat(toString(local_date), ' ', leftPad(toString(local_hour), 2, '0'), ':00') AS period,
                uniqExactMerge(visitors) AS n_visitors, uniqExactMerge(visits) AS n_visits,
                uniqExactMerge(new_visits) AS n_new, uniqExactMerge(returning_visits) AS n_returning
         FROM footfall_hourly
         WHERE site_id = {site:String} AND local_date >= {from_date:Date} AND local_date < {to_date:Date}
         GROUP BY period ORDER BY period`,
  day: `SELECT toString(local_date) AS period, uniqExactMerge(visitors) AS n_visitors, uniqExactMerge(visits) AS n_visits,
               uniqExactMerge(visits) - uniqExactMerge(returning_visits) AS n_new, uniqExactMerge(returning_visits) AS n_returning
        FROM visitors_daily
        WHERE site_id = {site:String} AND local_date >= {from_date:Date} AND local_date < {to_date:Date}
        GROUP BY period ORDER BY period`,
  week: `SELECT toString(toMonday(local_date)) AS period, uniqExactMerge(visitors) AS n_visitors, uniqExactMerge(visits) AS n_visits,
                uniqExactMerge(visits) - uniqExactMerge(returning_visits) AS n_new, uniqExactMerge(returning_visits) AS n_returning
         FROM visitors_daily
         WHERE site_id = {site:String} AND local_date >= {from_date:Date} AND local_date < {to_date:Date}
         GROUP BY period ORDER BY period`,
};

const TOTALS_SQL = `
  SELECT '' AS period, uniqExactMerge(visitors) AS n_visitors, uniqExactMerge(visits) AS n_visits,
         uniqExactMerge(visits) - uniqExactMerge(returning_visits) AS n_new, uniqExactMerge(returning_visits) AS n_returning
  FROM visitors_daily
  WHERE site_id = {site:String} AND local_date >= {from_date:Date} AND local_date < {to_date:Date}`;

/**
 * A bucket of identified visits with `unidentified` more visits, and as many more visitors as the
 * identified came per visit (unidentified people return as often; within an hour that is one each).
 */
function bucket(r: Raw, unidentified = 0): FootfallBucket {
  const visitorsPerVisit = Number(r.n_visits) > 0 ? Number(r.n_visitors) / Number(r.n_visits) : 1;
  return {
    period: r.period,
    visitors: Number(r.n_visitors) + Math.round(unidentified * visitorsPerVisit),
    visits: Number(r.n_visits) + unidentified,
    newVisits: Number(r.n_new),
    returningVisits: Number(r.n_returning),
    unidentifiedVisits: unidentified,
  };
}

/** Footfall of a site over local days, bucketed by local hour, day or ISO week. */
export async function queryFootfall(
  client: ClickHouseClient,
  range: ReportRange,
  period: FootfallPeriod,
): Promise<FootfallByPeriod> {
  const params = rangeParams(range);
  const [rows, [totals], rulesVersions, { byPeriod, ...unidentified }] = await Promise.all([
    queryRows<Raw>(client, BUCKET_SQL[period], params),
    queryRows<Raw>(client, TOTALS_SQL, params),
    rulesVersionsIn(client, range),
    queryUnidentifiedEntries(client, range, period),
  ]);
  const empty = (p: string): Raw => ({ period: p, n_visitors: '0', n_visits: '0', n_new: '0', n_returning: '0' });
  const periods = [...new Set([...rows.map((r) => r.period), ...byPeriod.keys()])].sort();
  const byLabel = new Map(rows.map((r) => [r.period, r]));
  const { period: _p, ...sum } = bucket(totals, unidentified.total);
  return {
    buckets: periods.map((p) => bucket(byLabel.get(p) ?? empty(p), byPeriod.get(p) ?? 0)),
    totals: sum,
    identifiedShare: sum.visits > 0 ? (sum.visits - sum.unidentifiedVisits) / sum.visits : 1,
    unidentified,
    rulesVersions,
  };
}
