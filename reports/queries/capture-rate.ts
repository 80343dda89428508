/** Capture rate: per camera and local hour, how many face tracks were identified (an embedding re-identified) and how many only seen. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryRows } from '../../storage/clickhouse/query-rows.ts';
import { SIGHTINGS_STARTED } from '../../storage/sightings-table.ts';
import { UNIDENTIFIED_TRACKS } from '../../storage/unidentified-tracks-table.ts';
import { rangeParams, type ReportRange } from './report-range.ts';
import { PERIOD_OF } from './unidentified-entries.ts';

/** One camera's tracks in one local hour (or over the range, `period` ''). */
export interface CaptureCell {
  camera: string;
  period: string;
  identified: number;
  unidentified: number;
}

export interface CaptureRate {
  /** Per camera and local hour that had tracks, ordered by camera then hour. */
  hours: CaptureCell[];
  /** Per camera over the range. */
  cameras: CaptureCell[];
}

/**
 * Identified tracks are the sightings (one per observation with an embedding, staff included:
 * capture is about faces, not who they are); unidentified ones the rows of unidentified_tracks.
 */
export async function queryCaptureRate(client: ClickHouseClient, range: ReportRange): Promise<CaptureRate> {
  const rows = await queryRows<{ camera: string; period: string; identified: string; unidentified: string }>(
    client,
    `SELECT camera, period, sum(i) AS identified, sum(u) AS unidentified FROM (
       SELECT camera_id AS camera, formatDateTime(toTimeZone(t_start, {tz:String}), '%Y-%m-%d %H:00') AS period, count() AS i, 0 AS u
       FROM (${SIGHTINGS_STARTED})
       GROUP BY camera, period
       UNION ALL
       SELECT camera_id AS camera, ${PERIOD_OF.hour} AS period, 0 AS i, count() AS u
       FROM (${UNIDENTIFIED_TRACKS})
       GROUP BY camera, period
     ) GROUP BY camera, period ORDER BY camera, period`,
    rangeParams(range),
  );
  const hours = rows.map((r) => ({
    camera: r.camera,
    period: r.period,
    identified: Number(r.identified),
    unidentified: Number(r.unidentified),
  }));
  const cameras = new Map<string, CaptureCell>();
  for (const h of hours) {
    const c = cameras.get(h.camera) ?? { camera: h.camera, period: '', identified: 0, unidentified: 0 };
    c.identified += h.identified;
    c.unidentified += h.unidentified;
    cameras.set(h.camera, c);
  }
  return { hours, cameras: [...cameras.values()] };
}
