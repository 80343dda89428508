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

/** Whether each camera counts as silent (filled in by the seconds gauge's collect). */
export const cameraSilent = new Gauge({
  name: 'revisit_camera_silent',
  help: '1 when a camera sent no heartbeat for coverage.cameraSilentAfterMs (its hours read as no data), else 0',
  labelNames: ['site', 'camera'] as const,
  registers: [metricsRegistry],
});

/** Seconds since each camera's last heartbeat; its collect also sets cameraSilent. */
export const cameraSecondsSinceHeartbeat = new Gauge({
  name: 'revisit_camera_seconds_since_heartbeat',
  help: "Seconds since a camera's last heartbeat (its frames analysed); read from storage at scrape time",
  labelNames: ['site', 'camera'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    cameraSilent.reset();
    if (!source) return;
    const { config, clickhouse, now } = source;
    for (const site of config.sites) {
      const { lastByCamera } = await queryHeartbeatSpan(clickhouse, site.id);
      for (const camera of new Set([...(site.cameras ?? []), ...lastByCamera.keys()])) {
        const last = lastByCamera.get(camera);
        const seconds = last === undefined ? Number.POSITIVE_INFINITY : (now() - last) / 1000;
        this.set({ site: site.id, camera }, seconds);
        cameraSilent.set({ site: site.id, camera }, seconds * 1000 > config.coverage.cameraSilentAfterMs ? 1 : 0);
      }
    }
  },
});

/** Points the camera gauges at this app's configuration and storage. */
export function watchCameraSilence(s: Source): void {
  source = s;
}
