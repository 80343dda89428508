/** Returning visitors: the returning rate, how often people come, and the days between their visits. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { rangeParams, rulesVersionsIn, type ReportRange } from './report-range.ts';
import { COUNTED_VISITS } from '../../storage/visits-table.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';

export interface ReturningVisitors {
  visitors: number;
  /** Visitors whose first visit ever falls in the range. */
  newVisitors: number;
  visits: number;
  returningVisits: number;
  /** Share of visits by someone who had visited before (ever, not only within the range). */
  returningVisitRate: number;
  /** Share of visitors with at least one returning visit in the range. */
  returningVisitorRate: number;
  /** Visitors with at least one returning visit in the range (the numerator of the rate). */
  returningVisitors: number;
  /** Visitors by number of visits in the range; the last bucket is "5 or more". */
  frequency: Array<{ visits: string; visitors: number }>;
  /** Days between consecutive visits of the same visitor within the range (local days). */
  daysBetweenVisits: { pairs: number; mean: number; median: number };
  rulesVersions: string[];
}

export async function queryReturningVisitors(client: ClickHouseClient, range: ReportRange): Promise<ReturningVisitors> {
  const params = rangeParams(range);
  const [[totals], frequency, [gaps], rulesVersions] = await Promise.all([
    queryRows<{
      visitors: string;
      new_visitors: string;
      visits: string;
      returning_visits: string;
      returning_visitors: string;
    }>(
      client,
      `SELECT uniqExact(identity_id) AS visitors, uniqExactIf(identity_id, returning = 0) AS new_visitors, count() AS visits,
              countIf(returning = 1) AS returning_visits, uniqExactIf(identity_id, returning = 1) AS returning_visitors
       FROM (${COUNTED_VISITS})`,
      params,
    ),
    queryRows<{ bucket: string; visitors: string }>(
      client,
      `SELECT if(n >= 5, '5+', toString(n)) AS bucket, count() AS visitors
       FROM (SELECT identity_id, count() AS n FROM (${COUNTED_VISITS}) GROUP BY identity_id)
       GROUP BY bucket ORDER BY bucket`,
      params,
    ),
    queryRows<{ pairs: string; mean: number | null; median: number | null }>(
      client,
      `SELECT count() AS pairs, avgOrNull(d) AS mean, medianExactOrNull(d) AS median
       FROM (
         SELECT arrayJoin(arrayPopFront(arrayDifference(arraySort(groupArray(toInt32(local_date)))))) AS d
         FROM (${COUNTED_VISITS}) GROUP BY identity_id
       )`,
      params,
    ),
    rulesVersionsIn(client, range),
  ]);
  const visitors = Number(totals.visitors);
  const visits = Number(totals.visits);
  const returningVisits = Number(totals.returning_visits);
  return {
    visitors,
    newVisitors: Number(totals.new_visitors),
    visits,
    returningVisits,
    returningVisitRate: visits > 0 ? returningVisits / visits : 0,
    returningVisitorRate: visitors > 0 ? Number(totals.returning_visitors) / visitors : 0,
    returningVisitors: Number(totals.returning_visitors),
    frequency: frequency.map((f) => ({ visits: f.bucket, visitors: Number(f.visitors) })),
    daysBetweenVisits: { pairs: Number(gaps.pairs), mean: gaps.mean ?? 0, median: gaps.median ?? 0 },
    rulesVersions,
  };
}
