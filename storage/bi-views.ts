/**
 * The BI views (migrations 0008, 0040): the aggregates BI tools may read, suppressed in SQL as the
 * reports suppress. The only place they are read: each key scope's rows are copied out into its
 * sandboxed engine.
 */
import type { ClickHouseClient } from '@clickhouse/client';

/** The tables BI tools may read: parameterised views, named like the tables a BI client sees. */
export const BI_TABLES = [
  'bi_footfall_hourly',
  'bi_visitors_daily',
  'bi_dwell_daily',
  'bi_camera_transitions_daily',
] as const;

/** A key's scope: its tenant and the sites it may read (sorted, '*' already expanded). */
export interface BiScope {
  tenant: string;
  sites: string[];
}

export interface BiTableExport {
  name: string;
  /** TabSeparatedWithNamesAndTypes: the engine re-creates the table from its two header lines. */
  tsv: Uint8Array;
}

/** Copies what one key scope may read: one export per BI view, named like the view, holding its tenant's rows of its sites, suppressed as the views suppress. */
export async function exportBiSnapshot(
  clickhouse: ClickHouseClient,
  scope: BiScope,
  minCount: number,
): Promise<BiTableExport[]> {
  const tables: BiTableExport[] = [];
  for (const name of BI_TABLES) {
    const result = await clickhouse.exec({
      query: `SELECT * FROM ${name}(tenant = {tenant:String}, min_count = {minCount:UInt64}) WHERE site_id IN {sites:Array(String)} FORMAT TabSeparatedWithNamesAndTypes`,
      query_params: { tenant: scope.tenant, minCount, sites: scope.sites },
    });
    const chunks: Buffer[] = [];
    for await (const chunk of result.stream) chunks.push(Buffer.from(chunk as Buffer));
    tables.push({ name, tsv: Buffer.concat(chunks) });
  }
  return tables;
}
