/** /metrics gauges of camera heartbeats: seconds since each camera last vouched for its frames, and whether it counts as silent. */
import { Gauge } from 'prom-client';
import type { RevisitConfig } from '../../common/config.ts';
import { metricsRegistry } from '../../common/metrics.ts';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { queryHeartbeatSpan } from '../../storage/camera-heartbeats-table.ts';

interface Source {
  config: RevisitConfig;
  clickhouse: ClickHouseClient;
  now: () => number;
}

/** The app whose storage the gauges read at scrape time (the last one created: one per process outside tests). */
let source: Source | null = null;

/** Each known camera of each site with the seconds since its last heartbeat (Infinity: configured, never heard from). */
async function readCameras(): Promise<Array<{ site: string; camera: string; seconds: number; silent: boolean }>> {
  if (!source) return [];
  const { config, clickhouse, now } = source;
  const out = [];
  for (const site of config.sites) {
    const { lastByCamera } = await queryHeartbeatSpan(clickhouse, site.id);
    for (const camera of new Set([...(site.cameras ?? []), ...lastByCamera.keys()])) {
      const last = lastByCamera.get(camera);
      const seconds = last === undefined ? Number.POSITIVE_INFINITY : (now() - last) / 1000;
      out.push({ site: site.id, camera, seconds, silent: seconds * 1000 > config.coverage.cameraSilentAfterMs });
    }
  }
  return out;
}

// Each gauge reads storage in its own collect: a scrape serialises the gauges one after the other,
// so one gauge filling the other would publish the other's values a scrape late (or not at all).
/** Whether each camera counts as silent. */
export const cameraSilent = new Gauge({
  name: 'revisit_camera_silent',
  help: '1 when a camera sent no heartbeat for coverage.cameraSilentAfterMs (its hours read as no data), else 0',
  labelNames: ['site', 'camera'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const c of await readCameras()) this.set({ site: c.site, camera: c.camera }, c.silent ? 1 : 0);
  },
});

/** Seconds since each camera's last heartbeat. */
export const cameraSecondsSinceHeartbeat = new Gauge({
  name: 'revisit_camera_seconds_since_heartbeat',
  help: "Seconds since a camera's last heartbeat (its frames analysed); read from storage at scrape time",
  labelNames: ['site', 'camera'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const c of await readCameras()) this.set({ site: c.site, camera: c.camera }, c.seconds);
  },
});

/** Points the camera gauges at this app's configuration and storage. */
export function watchCameraSilence(s: Source): void {
  source = s;
}
