/** Copies what one key scope may read out of the main engine's BI views: its tenant's rows of its sites, suppressed as the views suppress. */
import type { ClickHouseClient } from '@clickhouse/client';
import { BI_TABLES } from '../sql/index.ts';

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

/** One export per BI view, named like the view, holding exactly the rows the scope may see. */
export async function exportBiSnapshot(clickhouse: ClickHouseClient, scope: BiScope, minCount: number): Promise<BiTableExport[]> {
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
