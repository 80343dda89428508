/** The `camera_heartbeats` table: which camera was analysing frames when, the only place its SQL is written. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { CameraHeartbeat } from '../schemas/index.ts';
import { queryRows } from './clickhouse/query-rows.ts';

/** Inserts heartbeats; a redelivered one replaces its row (same site, camera and start). */
export async function insertHeartbeats(client: ClickHouseClient, heartbeats: CameraHeartbeat[]): Promise<void> {
  if (heartbeats.length === 0) return;
  await client.insert({
    table: 'camera_heartbeats',
    format: 'JSONEachRow',
    values: heartbeats.map((h) => ({
      site_id: h.siteId,
      camera_id: h.cameraId,
      t_start: h.tStartMs,
      t_end: h.tEndMs,
      frames_analysed: h.framesAnalysed,
    })),
  });
}

/** One covered local hour of a camera: `hour` is `YYYY-MM-DD HH:00` in the site's time zone. */
export interface CameraHour {
  cameraId: string;
  hour: string;
}

/**
 * The local hours each camera of a site covered between two instants: an hour is covered when a
 * heartbeat overlaps it (a heartbeat spans at most an hour, so it touches at most two).
 */
export async function queryCameraHours(
  client: ClickHouseClient,
  p: { siteId: string; timeZone: string; fromMs: number; toMs: number },
): Promise<CameraHour[]> {
  const rows = await queryRows<{ camera_id: string; hour: string }>(
    client,
    `SELECT DISTINCT camera_id, formatDateTime(toStartOfHour(arrayJoin([t_start, t_end - toIntervalMillisecond(1)]), {tz:String}), '%Y-%m-%d %H:00', {tz:String}) AS hour
     FROM camera_heartbeats FINAL
     WHERE site_id = {site:String} AND t_end > fromUnixTimestamp64Milli({from_ms:Int64}) AND t_start < fromUnixTimestamp64Milli({to_ms:Int64})
     ORDER BY camera_id, hour`,
    { site: p.siteId, tz: p.timeZone, from_ms: p.fromMs, to_ms: p.toMs },
  );
  return rows.map((r) => ({ cameraId: r.camera_id, hour: r.hour }));
}

/** Each camera of a site with its last heartbeat (epoch ms), and the site's first heartbeat ever (null: none yet). */
export async function queryHeartbeatSpan(
  client: ClickHouseClient,
  siteId: string,
): Promise<{ firstMs: number | null; lastByCamera: Map<string, number> }> {
  const rows = await queryRows<{ camera_id: string; first_ms: string; last_ms: string }>(
    client,
    `SELECT camera_id, toUnixTimestamp64Milli(min(t_start)) AS first_ms, toUnixTimestamp64Milli(max(t_end)) AS last_ms
     FROM camera_heartbeats WHERE site_id = {site:String} GROUP BY camera_id ORDER BY camera_id`,
    { site: siteId },
  );
  const firstMs = rows.length ? Math.min(...rows.map((r) => Number(r.first_ms))) : null;
  return { firstMs, lastByCamera: new Map(rows.map((r) => [r.camera_id, Number(r.last_ms)])) };
}
