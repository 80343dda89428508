/** After identities merged: the survivor's visits are cut again from all its sightings, so one person has one set of visits. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Sighting } from '../../schemas/index.ts';
import { queryRows as rows } from '../../reports/queries/report-range.ts';
import type { ClickHouseVisitStore } from './clickhouse-visit-store.ts';
import { localDate } from './local-day.ts';
import { rebuildVisitAggregates } from './rebuild-visit-aggregates.ts';
import { SiteVisitTracker } from './site-visit-tracker.ts';
import type { VisitRules } from './visit-rules.ts';

interface SightingRow {
  observation_id: string;
  camera_id: string;
  t_start_ms: string | number;
  t_end_ms: string | number;
}

interface VisitSummary {
  start_ms: string | number;
  counted: number;
  local_date: string;
}

const SYNC = { mutations_sync: '2' } as const;

/**
 * Re-sessionises each survivor (`to` → the ids merged into it) from its sightings, which must
 * already carry the survivor's id: the merged ids' visits are re-keyed, every visit from the
 * survivor's first stored sighting on is deleted and cut again by the same rules (overlapping
 * visits of the two ids become one; `returning` is recomputed), and the aggregates of every day
 * touched are rebuilt. Visits older than any stored sighting (their sightings' retention ran out)
 * keep their boundaries, re-keyed to the survivor. A split gives `sinceMs` for each side: its
 * visits from the earliest moved sighting on are cut again even where no sighting of its own is
 * left. Idempotent: a replay after a crash converges.
 */
export async function rebuildMergedVisits(
  client: ClickHouseClient,
  store: ClickHouseVisitStore,
  site: { siteId: string; tenant: string; rules: VisitRules },
  merges: Map<string, string[]>,
  nowMs: number,
  sinceMs: Map<string, number> = new Map(),
): Promise<void> {
  const { siteId, rules } = site;
  const dates = new Set<string>();
  for (const [to, froms] of merges) {
    const params = { site: siteId, to, froms };
    await client.command({ query: 'ALTER TABLE visits UPDATE identity_id = {to:String} WHERE site_id = {site:String} AND identity_id IN {froms:Array(String)}', query_params: params, clickhouse_settings: SYNC });
    const sightings = await sightingsOf(client, siteId, to);
    const before = await rows<VisitSummary>(client, 'SELECT toUnixTimestamp64Milli(start) AS start_ms, counted, toString(local_date) AS local_date FROM visits FINAL WHERE site_id = {site:String} AND identity_id = {to:String}', params);
    for (const v of before) dates.add(v.local_date);
    if (sightings.length === 0 && !sinceMs.has(to)) continue;
    const firstMs = Math.min(sightings[0]?.tStartMs ?? Infinity, sinceMs.get(to) ?? Infinity);
    const priorCounted = before.some((v) => Number(v.start_ms) < firstMs && Number(v.counted) === 1);
    await client.command({
      query: "ALTER TABLE visits DELETE WHERE site_id = {site:String} AND identity_id = {to:String} AND start >= fromUnixTimestamp64Milli({first:Int64}, 'UTC')",
      query_params: { ...params, first: firstMs },
      clickhouse_settings: SYNC,
    });
    const tracker = new SiteVisitTracker(site, rules);
    const cut = new Map(tracker.apply(sightings).map((r) => [r.visitId, r]));
    for (const closed of tracker.sweep(nowMs)) cut.set(closed.visitId, closed);
    for (const s of sightings) dates.add(localDate(s.tStartMs, rules.timeZone));
    // `returning` only ever turns on along a person's visits, so a counted visit before the replay makes every replayed one returning.
    await store.write([...cut.values()].map((r) => ({ ...r, returning: r.returning || priorCounted })));
  }
  await rebuildVisitAggregates(client, siteId, [...dates]);
}

async function sightingsOf(client: ClickHouseClient, siteId: string, identityId: string): Promise<Sighting[]> {
  const found = await rows<SightingRow>(
    client,
    `SELECT observation_id, camera_id, toUnixTimestamp64Milli(t_start) AS t_start_ms, toUnixTimestamp64Milli(t_end) AS t_end_ms
     FROM sightings FINAL WHERE site_id = {site:String} AND identity_id = {id:String} AND label = '' ORDER BY t_start, observation_id`,
    { site: siteId, id: identityId },
  );
  return found.map((r) => ({
    observationId: r.observation_id,
    siteId,
    cameraId: r.camera_id,
    identityId,
    tStartMs: Number(r.t_start_ms),
    tEndMs: Number(r.t_end_ms),
    similarity: 0,
    isNewIdentity: false,
    quality: 0,
    modelId: '',
    label: '',
  }));
}
