/** The visit aggregates (footfall, visitors, transitions): rebuilding some local days of a site after visits were rewritten. */
import type { ClickHouseClient } from '@clickhouse/client';
import { reinsertVisits } from './visits-table.ts';

/**
 * The AggregatingMergeTree tables the materialized views on `visits` feed (migrations 0005–0007).
 * Their uniqExact states only ever grow, so once a visit row is deleted or re-keyed its old
 * state must be cut out by recomputing the whole day. A test checks this list against the views.
 */
export const VISIT_AGGREGATES = ['footfall_hourly', 'visitors_daily', 'camera_transitions_daily'];

/**
 * Deletes the days' aggregate rows, then re-inserts the days' visits, so the views rebuild them
 * with their own SQL. Safe while the worker keeps writing: a visit written before the delete is
 * re-inserted, one written after it adds its own state. Safe to repeat after a crash.
 */
export async function rebuildVisitAggregates(
  client: ClickHouseClient,
  siteId: string,
  localDates: string[],
): Promise<void> {
  if (localDates.length === 0) return;
  const params = { site: siteId, dates: [...new Set(localDates)].sort() };
  for (const table of VISIT_AGGREGATES) {
    await client.command({
      query: `ALTER TABLE ${table} DELETE WHERE site_id = {site:String} AND local_date IN {dates:Array(Date)}`,
      query_params: params,
      clickhouse_settings: { mutations_sync: '2' },
    });
  }
  await reinsertVisits(client, siteId, params.dates);
}
