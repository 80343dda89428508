/** The `identity_merges` table: the audit record of re-clustering merges, the only place its SQL is written. */
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse/query-rows.ts';

/** A merge as recorded: `from` was folded into `to` (the registry's IdentityMerge has this shape). */
export interface MergeRecord {
  from: string;
  to: string;
  similarity: number;
  mergedAtMs: number;
}

/** Writes the merges (replacing by site and merged id, so a replay writes the same rows). */
export async function recordMerges(client: ClickHouseClient, siteId: string, merges: MergeRecord[]): Promise<void> {
  if (merges.length === 0) return;
  await client.insert({
    table: 'identity_merges',
    format: 'JSONEachRow',
    values: merges.map((m) => ({
      site_id: siteId,
      merged_identity_id: m.from,
      identity_id: m.to,
      similarity: m.similarity,
      merged_at: m.mergedAtMs,
    })),
  });
}

/** How many identities of a site the re-clustering pass merged away from `fromMs` (inclusive) to `toMs` (exclusive): what the label-free split estimate subtracts. */
export async function countMergesBetween(
  client: ClickHouseClient,
  siteId: string,
  fromMs: number,
  toMs: number,
): Promise<number> {
  const rows = await queryRows<{ n: string | number }>(
    client,
    `SELECT count() AS n FROM identity_merges FINAL WHERE site_id = {site:String}
       AND merged_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND merged_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`,
    { site: siteId, from: fromMs, to: toMs },
  );
  return Number(rows[0]?.n ?? 0);
}
