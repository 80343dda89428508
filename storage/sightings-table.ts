/** The `sightings` table: the only place its SQL is written. One row per re-identified observation, replaced by observation id. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Sighting } from '../schemas/index.ts';
import { queryRows } from './clickhouse/query-rows.ts';
import type { VisitMember } from './visit-model/tracked-visit.ts';

/** Sightings of one identity as the visit model reads them: who, where, when. */
interface MemberRow {
  identity_id: string;
  observation_id: string;
  camera_id: string;
  t_start_ms: string | number;
  t_end_ms: string | number;
}

const MEMBER_COLUMNS =
  'identity_id, observation_id, camera_id, toUnixTimestamp64Milli(t_start) AS t_start_ms, toUnixTimestamp64Milli(t_end) AS t_end_ms';

/**
 * The sightings of a site that started in a range (FINAL), staff included: what each camera
 * identified, for its capture rate. Parameters: `{site:String}`, `{from_ms:Int64}` (inclusive),
 * `{to_ms:Int64}` (exclusive). Columns: camera_id, t_start, label.
 */
export const SIGHTINGS_STARTED = `
  SELECT camera_id, t_start, label FROM sightings FINAL
  WHERE site_id = {site:String}
    AND t_start >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND t_start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')`;

/**
 * Inserts sightings. Idempotent: the table replaces rows by observation id, so a redelivered
 * batch rewrites them. `retentionDaysOf` is the site's sighting retention, stored per row for
 * the table's TTL (unset: the column default).
 */
export async function insertSightings(
  client: ClickHouseClient,
  sightings: Sighting[],
  retentionDaysOf?: (siteId: string) => number,
): Promise<void> {
  if (sightings.length === 0) return;
  await client.insert({
    table: 'sightings',
    format: 'JSONEachRow',
    values: sightings.map((s) => ({
      observation_id: s.observationId,
      site_id: s.siteId,
      camera_id: s.cameraId,
      identity_id: s.identityId,
      t_start: s.tStartMs,
      t_end: s.tEndMs,
      similarity: s.similarity,
      is_new_identity: s.isNewIdentity ? 1 : 0,
      quality: s.quality,
      model_id: s.modelId,
      label: s.label,
      ...(retentionDaysOf ? { retention_days: retentionDaysOf(s.siteId) } : {}),
    })),
  });
}

/**
 * Moves merged identities' sightings to their survivor (survivor → merged ids). One synchronous
 * mutation per call (mutations rewrite parts: batching a pass's merges keeps it to one).
 * `identity_id` is not in the sort key, so UPDATE may change it; the rows keep their observation
 * ids, so a later redelivery still replaces them.
 */
export async function rekeyMergedSightings(
  client: ClickHouseClient,
  siteId: string,
  survivors: Map<string, string[]>,
): Promise<void> {
  const froms = [...survivors].flatMap(([to, list]) => list.map((from) => ({ from, to })));
  if (froms.length === 0) return;
  await client.command({
    query: `ALTER TABLE sightings UPDATE identity_id = transform(identity_id, {froms:Array(String)}, {tos:Array(String)}, identity_id)
            WHERE site_id = {site:String} AND identity_id IN {froms:Array(String)}`,
    query_params: { site: siteId, froms: froms.map((m) => m.from), tos: froms.map((m) => m.to) },
    clickhouse_settings: { mutations_sync: '2' },
  });
}

/**
 * Moves some sightings (by observation id) to another identity: split repairs, `observationId →
 * identity`. One synchronous mutation for all of them; applied in the map's order, so a sighting
 * moved twice ends where the last split put it.
 */
export async function rekeySightingsById(
  client: ClickHouseClient,
  siteId: string,
  target: Map<string, string>,
): Promise<void> {
  if (target.size === 0) return;
  await client.command({
    query: `ALTER TABLE sightings UPDATE identity_id = transform(observation_id, {ids:Array(String)}, {tos:Array(String)}, identity_id)
            WHERE site_id = {site:String} AND observation_id IN {ids:Array(String)}`,
    query_params: { site: siteId, ids: [...target.keys()], tos: [...target.values()] },
    clickhouse_settings: { mutations_sync: '2' },
  });
}

/** How many identities have an unlabelled sighting ending at or after `sinceMs`: the gallery a new face meets. */
export async function countIdentitiesSeenSince(
  client: ClickHouseClient,
  siteId: string,
  sinceMs: number,
): Promise<number> {
  const rows = await queryRows<{ n: string | number }>(
    client,
    `SELECT uniqExact(identity_id) AS n FROM sightings WHERE site_id = {site:String} AND label = '' AND t_end >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')`,
    { site: siteId, since: sinceMs },
  );
  return Number(rows[0]?.n ?? 0);
}

/** Every unlabelled sighting of an identity (FINAL), in time order: what its visits are cut from. */
export async function readIdentitySightings(
  client: ClickHouseClient,
  siteId: string,
  identityId: string,
): Promise<Sighting[]> {
  const rows = await queryRows<MemberRow>(
    client,
    `SELECT ${MEMBER_COLUMNS} FROM sightings FINAL
     WHERE site_id = {site:String} AND identity_id = {id:String} AND label = '' ORDER BY t_start, observation_id`,
    { site: siteId, id: identityId },
  );
  return rows.map((r) => ({
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

/** The unlabelled sightings (FINAL) of some identities that started from `fromMs` to `toMs` inclusive, per identity. */
export async function readVisitMembers(
  client: ClickHouseClient,
  siteId: string,
  identityIds: string[],
  fromMs: number,
  toMs: number,
): Promise<Map<string, VisitMember[]>> {
  const rows = await queryRows<MemberRow>(
    client,
    `SELECT ${MEMBER_COLUMNS} FROM sightings FINAL
     WHERE site_id = {site:String} AND identity_id IN {ids:Array(String)} AND label = ''
       AND t_start >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND t_start <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')`,
    { site: siteId, ids: identityIds, from: fromMs, to: toMs },
  );
  const out = new Map<string, VisitMember[]>();
  for (const m of rows) {
    const list = out.get(m.identity_id) ?? [];
    list.push({
      observationId: m.observation_id,
      cameraId: m.camera_id,
      tStartMs: Number(m.t_start_ms),
      tEndMs: Number(m.t_end_ms),
    });
    out.set(m.identity_id, list);
  }
  return out;
}

/** Observation ids of every sighting of the identities (labelled or not): an erasure removes their markers too. */
export async function readObservationIds(
  client: ClickHouseClient,
  siteId: string,
  identityIds: string[],
): Promise<string[]> {
  const rows = await queryRows<{ observation_id: string }>(
    client,
    'SELECT DISTINCT observation_id FROM sightings WHERE site_id = {site:String} AND identity_id IN {ids:Array(String)}',
    { site: siteId, ids: identityIds },
  );
  return rows.map((r) => r.observation_id);
}
