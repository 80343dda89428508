/** The ClickHouse side of merges that is not visits: sightings move to the survivor, and each merge is recorded for audit. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { IdentityMerge } from '../../identity-registry/index.ts';

/**
 * One synchronous mutation per pass (mutations rewrite parts: batching the pass's merges keeps
 * it to one). `identity_id` is not in the sightings' sort key, so UPDATE may change it; the
 * rows keep their observation ids, so a later redelivery still replaces them.
 */
export async function rekeyMergedSightings(client: ClickHouseClient, siteId: string, survivors: Map<string, string[]>): Promise<void> {
  const froms = [...survivors].flatMap(([to, list]) => list.map((from) => ({ from, to })));
  if (froms.length === 0) return;
  await client.command({
    query: `ALTER TABLE sightings UPDATE identity_id = transform(identity_id, {froms:Array(String)}, {tos:Array(String)}, identity_id)
            WHERE site_id = {site:String} AND identity_id IN {froms:Array(String)}`,
    query_params: { site: siteId, froms: froms.map((m) => m.from), tos: froms.map((m) => m.to) },
    clickhouse_settings: { mutations_sync: '2' },
  });
}

/** Writes the merges to `identity_merges` (replacing by site and merged id, so a replay writes the same rows). */
export async function recordMerges(client: ClickHouseClient, siteId: string, merges: IdentityMerge[]): Promise<void> {
  if (merges.length === 0) return;
  await client.insert({
    table: 'identity_merges',
    format: 'JSONEachRow',
    values: merges.map((m) => ({ site_id: siteId, merged_identity_id: m.from, identity_id: m.to, similarity: m.similarity, merged_at: m.mergedAtMs })),
  });
}
