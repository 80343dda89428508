/**
 * The `unidentified_tracks` table: the only place its SQL is written. One row per face track seen
 * but not identified (no embedding), replaced by observation id; reports read it through
 * UNIDENTIFIED_TRACKS.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { type FaceObservation, UnidentifiedReason } from '../schemas/index.ts';
import { queryRows } from './clickhouse/query-rows.ts';
import type { UnidentifiedTrack } from './visit-model/attach-unidentified-tracks.ts';
import { localDate, localHour } from './visit-model/local-day.ts';

/** Where a site's unidentified tracks go: its tenant, time zone and sighting retention. */
export type UnidentifiedSiteOf = (siteId: string) => { tenant: string; timeZone: string; retentionDays: number };

/** The reason as the table spells it: the enum's name in lower case (`too_small`, `blurred`, …). */
function reasonName(reason: UnidentifiedReason | undefined): string {
  return (UnidentifiedReason[reason ?? UnidentifiedReason.UNSPECIFIED] ?? 'unspecified').toLowerCase();
}

/**
 * The unidentified tracks of a site that started in a range, deduplicated (FINAL). Parameters:
 * `{site:String}` and the range's UTC instants `{from_ms:Int64}` (inclusive) and `{to_ms:Int64}`
 * (exclusive). Columns: camera_id, start, end, local_date, local_hour, reason, quality.
 */
export const UNIDENTIFIED_TRACKS = `
  SELECT camera_id, start, end, local_date, local_hour, reason, quality FROM unidentified_tracks FINAL
  WHERE site_id = {site:String}
    AND start >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')`;

/**
 * Inserts unidentified observations (those with `unidentified` set). Idempotent: the table
 * replaces rows by observation id, so a redelivered batch rewrites them. Local date and hour are
 * the site's, as visits store them.
 */
export async function insertUnidentifiedTracks(
  client: ClickHouseClient,
  observations: FaceObservation[],
  siteOf: UnidentifiedSiteOf,
): Promise<void> {
  if (observations.length === 0) return;
  await client.insert({
    table: 'unidentified_tracks',
    format: 'JSONEachRow',
    values: observations.map((o) => {
      const site = siteOf(o.siteId);
      return {
        observation_id: o.observationId,
        site_id: o.siteId,
        tenant: site.tenant,
        camera_id: o.cameraId,
        track_id: o.trackId,
        start: o.tStartMs,
        end: o.tEndMs,
        local_date: localDate(o.tStartMs, site.timeZone),
        local_hour: localHour(o.tStartMs, site.timeZone),
        reason: reasonName(o.unidentified),
        quality: o.quality,
        retention_days: site.retentionDays,
      };
    }),
  });
}

/** Tracks by observation id (FINAL; ids whose rows are gone, e.g. past retention, are absent). */
export async function readUnidentifiedTracks(
  client: ClickHouseClient,
  siteId: string,
  observationIds: string[],
): Promise<Map<string, UnidentifiedTrack>> {
  if (observationIds.length === 0) return new Map();
  const rows = await queryRows<{ observation_id: string; camera_id: string; start_ms: string; end_ms: string }>(
    client,
    `SELECT observation_id, camera_id, toUnixTimestamp64Milli(start) AS start_ms, toUnixTimestamp64Milli(end) AS end_ms
     FROM unidentified_tracks FINAL WHERE site_id = {site:String} AND observation_id IN {ids:Array(String)}`,
    { site: siteId, ids: observationIds },
  );
  return new Map(
    rows.map((r) => [
      r.observation_id,
      {
        observationId: r.observation_id,
        cameraId: r.camera_id,
        tStartMs: Number(r.start_ms),
        tEndMs: Number(r.end_ms),
      },
    ]),
  );
}

/**
 * An unidentified observation as a track the visits can take (an entrance's or an exit's), with
 * its small face's pairing embedding if it has one: that stays in memory, never in this table.
 */
export function toUnidentifiedTrack(o: FaceObservation): UnidentifiedTrack {
  const track = { observationId: o.observationId, cameraId: o.cameraId, tStartMs: o.tStartMs, tEndMs: o.tEndMs };
  return o.pairingEmbedding?.length ? { ...track, pairing: o.pairingEmbedding } : track;
}
