/** The `identity_splits` table: the audit record of split repairs, the only place its SQL is written. */
import type { ClickHouseClient } from '@clickhouse/client';

/** A split as recorded: `observationIds` of `from` moved to `to` when a frame showed two people (the registry's IdentitySplit has this shape). */
export interface SplitRecord {
  from: string;
  to: string;
  observationIds: string[];
  similarity: number;
  splitAtMs: number;
}

/** Writes the splits (replacing by site, both ids and time, so a replay writes the same rows). */
export async function recordSplits(client: ClickHouseClient, siteId: string, splits: SplitRecord[]): Promise<void> {
  if (splits.length === 0) return;
  await client.insert({
    table: 'identity_splits',
    format: 'JSONEachRow',
    values: splits.map((s) => ({
      site_id: siteId,
      identity_id: s.from,
      split_identity_id: s.to,
      observations: s.observationIds.length,
      similarity: s.similarity,
      split_at: s.splitAtMs,
    })),
  });
}
