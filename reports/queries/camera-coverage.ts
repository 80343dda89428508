/** Which cameras of a site covered which local hours of a range: heartbeats read through storage. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryCameraHours, queryHeartbeatSpan } from '../../storage/camera-heartbeats-table.ts';
import { localMidnightMs } from '../../storage/visit-model/local-day.ts';
import type { ReportRange } from './report-range.ts';

const DAY_MS = 86_400_000;
/** Cameras heard from this long before a range are still expected in it (a camera down all week is still missed). */
const EXPECTED_LOOKBACK_MS = 7 * DAY_MS;

export interface CameraCoverage {
  /** The cameras expected to report: the site's configured cameras, else those heard from in the range or the week before. */
  cameras: string[];
  /** Local hour (`YYYY-MM-DD HH:00`) → the cameras whose heartbeats overlap it. */
  coveredHours: Map<string, Set<string>>;
  /** The site's first heartbeat ever (null: none yet): hours before it have unknown coverage. */
  firstHeartbeatMs: number | null;
  /** Each camera's last heartbeat end (epoch ms), over all time. */
  lastHeartbeatMs: Map<string, number>;
}

/** The coverage of a range's hours; `cameras` from the site's configuration when it lists them. */
export async function queryCameraCoverage(
  client: ClickHouseClient,
  range: ReportRange,
  configuredCameras?: string[],
): Promise<CameraCoverage> {
  const fromMs = localMidnightMs(range.from, range.timeZone);
  const toMs = localMidnightMs(range.to, range.timeZone);
  const [hours, span] = await Promise.all([
    queryCameraHours(client, {
      siteId: range.siteId,
      timeZone: range.timeZone,
      fromMs: fromMs - EXPECTED_LOOKBACK_MS,
      toMs,
    }),
    queryHeartbeatSpan(client, range.siteId),
  ]);
  const coveredHours = new Map<string, Set<string>>();
  for (const h of hours) {
    if (!coveredHours.has(h.hour)) coveredHours.set(h.hour, new Set());
    coveredHours.get(h.hour)!.add(h.cameraId);
  }
  const cameras = configuredCameras?.length
    ? [...configuredCameras]
    : [...new Set(hours.map((h) => h.cameraId))].sort();
  return { cameras, coveredHours, firstHeartbeatMs: span.firstMs, lastHeartbeatMs: span.lastByCamera };
}
