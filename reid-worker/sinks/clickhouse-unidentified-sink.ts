/** Writes the people seen but not identified to ClickHouse (unidentified_tracks). Idempotent: the table replaces rows by observation id. */
import type { ClickHouseClient } from '@clickhouse/client';
import { UnidentifiedReason, type FaceObservation } from '../../schemas/index.ts';
import { localDate, localHour } from '../visits/local-day.ts';

/** Where a site's unidentified observations go: its tenant, time zone and sighting retention. */
export interface UnidentifiedSiteOf {
  (siteId: string): { tenant: string; timeZone: string; retentionDays: number };
}

/** The reason as the table spells it: the enum's name in lower case (`too_small`, `blurred`, …). */
export function reasonName(reason: UnidentifiedReason | undefined): string {
  return (UnidentifiedReason[reason ?? UnidentifiedReason.UNSPECIFIED] ?? 'unspecified').toLowerCase();
}

export class ClickHouseUnidentifiedSink {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly siteOf: UnidentifiedSiteOf,
  ) {}

  /** `observations`: unidentified ones only (no embedding). */
  async write(observations: FaceObservation[]): Promise<void> {
    if (observations.length === 0) return;
    await this.client.insert({
      table: 'unidentified_tracks',
      format: 'JSONEachRow',
      values: observations.map((o) => {
        const site = this.siteOf(o.siteId);
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
}
