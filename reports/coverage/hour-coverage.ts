/** Coverage of local hours, days and weeks from camera heartbeats: the share of expected camera-hours that were watched. */
import { localHour, localDate, localMidnightMs } from '../../storage/visit-model/local-day.ts';
import type { CameraCoverage } from '../queries/camera-coverage.ts';
import type { ReportRange } from '../queries/report-range.ts';

const HOUR_MS = 3_600_000;

/** One elapsed local hour of a range: its label (`YYYY-MM-DD HH:00`) and its start. */
export interface LocalHour {
  label: string;
  startMs: number;
}

/** The local hours of a range that have begun by `nowMs`, in order (a repeated DST hour appears once). */
export function elapsedHours(range: ReportRange, nowMs: number): LocalHour[] {
  const end = Math.min(localMidnightMs(range.to, range.timeZone), nowMs);
  const out: LocalHour[] = [];
  const seen = new Set<string>();
  for (let ms = localMidnightMs(range.from, range.timeZone); ms < end; ms += HOUR_MS) {
    const label = `${localDate(ms, range.timeZone)} ${String(localHour(ms, range.timeZone)).padStart(2, '0')}:00`;
    if (!seen.has(label)) out.push({ label, startMs: ms });
    seen.add(label);
  }
  return out;
}

/**
 * The share (0–1) of the expected cameras that covered an hour; null when unknown: the hour ended
 * before the site's first heartbeat (data from before heartbeats existed is shown as counted).
 */
export function hourCoverage(c: CameraCoverage, hour: LocalHour): number | null {
  if (c.firstHeartbeatMs === null || hour.startMs + HOUR_MS <= c.firstHeartbeatMs) return null;
  if (c.cameras.length === 0) return 0;
  const covered = c.coveredHours.get(hour.label);
  return covered ? c.cameras.filter((cam) => covered.has(cam)).length / c.cameras.length : 0;
}

/** The mean coverage of hours whose coverage is known; null when none is. */
export function meanCoverage(values: Array<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.round((1000 * known.reduce((a, b) => a + b, 0)) / known.length) / 1000 : null;
}

/** A camera's silence: its last heartbeat and whether that is older than the configured limit. */
export interface CameraStatus {
  cameraId: string;
  lastHeartbeatMs: number | null;
  silent: boolean;
}

/** Every expected camera (configured, or heard from in the week before) with its last heartbeat; silent when none came for `silentAfterMs`. */
export function cameraStatuses(c: CameraCoverage, nowMs: number, silentAfterMs: number): CameraStatus[] {
  return c.cameras.map((cameraId) => {
    const last = c.lastHeartbeatMs.get(cameraId) ?? null;
    return { cameraId, lastHeartbeatMs: last, silent: last === null || nowMs - last > silentAfterMs };
  });
}
