/** The ClickHouse side of split repairs that is not visits: moved sightings carry their new identity, and each split is recorded for audit. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { IdentitySplit } from '../../identity-registry/index.ts';

/**
 * One synchronous mutation for all the splits of a pass, by observation id (a split moves some of
 * an identity's sightings, not all). Applied in order: a sighting moved twice ends where the last
 * split put it. Rows keep their observation ids, so a later redelivery still replaces them.
 */
export async function rekeySplitSightings(client: ClickHouseClient, siteId: string, splits: IdentitySplit[]): Promise<void> {
  const target = new Map<string, string>();
  for (const s of splits) for (const id of s.observationIds) target.set(id, s.to);
  if (target.size === 0) return;
  await client.command({
    query: `ALTER TABLE sightings UPDATE identity_id = transform(observation_id, {ids:Array(String)}, {tos:Array(String)}, identity_id)
            WHERE site_id = {site:String} AND observation_id IN {ids:Array(String)}`,
    query_params: { site: siteId, ids: [...target.keys()], tos: [...target.values()] },
    clickhouse_settings: { mutations_sync: '2' },
  });
}

/** Writes the splits to `identity_splits` (replacing by site, both ids and time, so a replay writes the same rows). */
export async function recordSplits(client: ClickHouseClient, siteId: string, splits: IdentitySplit[]): Promise<void> {
  if (splits.length === 0) return;
  await client.insert({
    table: 'identity_splits',
    format: 'JSONEachRow',
    values: splits.map((s) => ({ site_id: siteId, identity_id: s.from, split_identity_id: s.to, observations: s.observationIds.length, similarity: s.similarity, split_at: s.splitAtMs })),
  });
}
