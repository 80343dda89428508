/** Writes sightings to ClickHouse. Idempotent: the table replaces rows by observation id. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Sighting } from '../../schemas/index.ts';

/** Where sightings go after assignment; every sink must be idempotent by observation id. */
export interface SightingSink {
  write(sightings: Sighting[]): Promise<void>;
}

export class ClickHouseSightingSink implements SightingSink {
  /** `retentionDaysOf`: the site's sighting retention, stored per row for the table's TTL (unset: the column default). */
  constructor(
    private readonly client: ClickHouseClient,
    private readonly retentionDaysOf?: (siteId: string) => number,
  ) {}

  async write(sightings: Sighting[]): Promise<void> {
    if (sightings.length === 0) return;
    await this.client.insert({
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
        ...(this.retentionDaysOf ? { retention_days: this.retentionDaysOf(s.siteId) } : {}),
      })),
    });
  }
}
