/** The ClickHouse side of an erasure: every row of every table that names the erased identities. */
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse/query-rows.ts';
import { readObservationIds } from './sightings-table.ts';

export interface DeletedRows {
  /** Rows deleted per table. */
  byTable: Record<string, number>;
  /** Observation ids of the deleted sightings: their processed markers in Redis go too. */
  observationIds: string[];
}

/**
 * Tables are found, not listed: any MergeTree table with an `identity_id` column (sightings, and
 * whatever later derives from them, e.g. visits) is erased from, so a new table cannot be forgotten.
 */
async function tablesWithIdentities(client: ClickHouseClient): Promise<Array<{ table: string; hasSite: boolean }>> {
  const rows = await queryRows<{ table: string; has_site: number | boolean }>(
    client,
    `SELECT t.name AS table, countIf(c.name = 'site_id') > 0 AS has_site
     FROM system.tables t INNER JOIN system.columns c ON c.database = t.database AND c.table = t.name
     WHERE t.database = currentDatabase() AND t.engine LIKE '%MergeTree' AND c.name IN ('identity_id', 'site_id')
     GROUP BY t.name HAVING countIf(c.name = 'identity_id') > 0 ORDER BY t.name`,
  );
  return rows.map((r) => ({ table: r.table, hasSite: Boolean(Number(r.has_site)) }));
}

/** Physically deletes (synchronous mutation) the site's rows of `identityIds` from every such table. */
export async function deleteIdentityRows(
  client: ClickHouseClient,
  siteId: string,
  identityIds: string[],
): Promise<DeletedRows> {
  const out: DeletedRows = { byTable: {}, observationIds: [] };
  if (identityIds.length === 0) return out;
  const params = { site: siteId, ids: identityIds };
  out.observationIds = await readObservationIds(client, siteId, identityIds);
  for (const { table, hasSite } of await tablesWithIdentities(client)) {
    const where = `${hasSite ? 'site_id = {site:String} AND ' : ''}identity_id IN {ids:Array(String)}`;
    // Table names come from system.tables, quoted as identifiers; values go as parameters.
    const quoted = `\`${table.replace(/`/g, '``')}\``;
    const [counted] = await queryRows<{ n: string | number }>(
      client,
      `SELECT count() AS n FROM ${quoted} WHERE ${where}`,
      params,
    );
    const n = Number(counted?.n ?? 0);
    // A mutation rewrites the parts without the rows (a lightweight DELETE would only mask them
    // until a merge); mutations_sync waits until every replica has done it.
    if (n > 0)
      await client.command({
        query: `ALTER TABLE ${quoted} DELETE WHERE ${where}`,
        query_params: params,
        clickhouse_settings: { mutations_sync: '2' },
      });
    out.byTable[table] = n;
  }
  return out;
}
