/** Recomputes the visit aggregates (footfall, visitors, transitions) of some local days of a site after visits were rewritten. */
import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The AggregatingMergeTree tables the materialized views on `visits` feed (migrations 0005–0007).
 * Their uniqExact states only ever grow, so once a visit row is deleted or re-keyed its old
 * state must be cut out by recomputing the whole day. A test checks this list against the views.
 */
export const VISIT_AGGREGATES = ['footfall_hourly', 'visitors_daily', 'camera_transitions_daily'];

/** Non-materialized columns of `visits`, for re-inserting its rows. */
const VISIT_COLUMNS = 'site_id, tenant, visit_id, identity_id, start, end, local_date, local_hour, cameras, sightings, returning, counted, status, rules_version, version';

/**
 * Deletes the days' aggregate rows, then re-inserts the days' visits (same version: the
 * ReplacingMergeTree keeps one), so the views rebuild them with their own SQL. Safe while the
 * sink keeps writing: a visit written before the delete is re-inserted, one written after it
 * adds its own state. Safe to repeat after a crash.
 */
export async function rebuildVisitAggregates(client: ClickHouseClient, siteId: string, localDates: string[]): Promise<void> {
  if (localDates.length === 0) return;
  const params = { site: siteId, dates: [...new Set(localDates)].sort() };
  const where = 'site_id = {site:String} AND local_date IN {dates:Array(Date)}';
  for (const table of VISIT_AGGREGATES) {
    await client.command({ query: `ALTER TABLE ${table} DELETE WHERE ${where}`, query_params: params, clickhouse_settings: { mutations_sync: '2' } });
  }
  await client.command({ query: `INSERT INTO visits (${VISIT_COLUMNS}) SELECT ${VISIT_COLUMNS} FROM visits FINAL WHERE ${where}`, query_params: params });
}
