/** Footfall per local hour, day or week: unique visitors, visits, new and returning, from the aggregate tables. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { rangeParams, rulesVersionsIn, type ReportRange } from './report-range.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';

export type FootfallPeriod = 'hour' | 'day' | 'week';

export interface FootfallBucket {
  /** `YYYY-MM-DD HH:00` (hour), `YYYY-MM-DD` (day), or the week's Monday (week), local time. */
  period: string;
  visitors: number;
  visits: number;
  newVisits: number;
  returningVisits: number;
}

export interface FootfallByPeriod {
  buckets: FootfallBucket[];
  /** Over the whole range: visitors are unique across it, not summed. */
  totals: Omit<FootfallBucket, 'period'>;
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

function bucket(r: Raw): FootfallBucket {
  return { period: r.period, visitors: Number(r.n_visitors), visits: Number(r.n_visits), newVisits: Number(r.n_new), returningVisits: Number(r.n_returning) };
}

/** Footfall of a site over local days, bucketed by local hour, day or ISO week. */
export async function queryFootfall(client: ClickHouseClient, range: ReportRange, period: FootfallPeriod): Promise<FootfallByPeriod> {
  const params = rangeParams(range);
  const [rows, [totals], rulesVersions] = await Promise.all([
    queryRows<Raw>(client, BUCKET_SQL[period], params),
    queryRows<Raw>(client, TOTALS_SQL, params),
    rulesVersionsIn(client, range),
  ]);
  const { period: _p, ...sum } = bucket(totals);
  return { buckets: rows.map(bucket), totals: sum, rulesVersions };
}
