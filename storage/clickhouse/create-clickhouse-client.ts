/** One ClickHouse client for both deployments: embedded chdb by default, a server when configured. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { RevisitConfig } from '../../common/config.ts';

export type { ClickHouseClient };

/**
 * With `clickhouse.url` set, talks HTTP to that server; otherwise runs the ClickHouse engine
 * in-process (chdb) on `dataDir/clickhouse`. Callers cannot tell the difference: that is the point.
 */
export async function createClickHouseClient(
  config: Pick<RevisitConfig, 'clickhouse' | 'dataDir'>,
): Promise<ClickHouseClient> {
  const { url, username, password, database } = config.clickhouse;
  if (url) return createClient({ url, username, password, database });
  const path = resolve(join(config.dataDir, 'clickhouse'));
  mkdirSync(path, { recursive: true });
  // Loaded lazily: the embedded engine is a 500 MB library that server deployments never need.
  const { createChdbConnection } = await import('chdb/connection');
  return createClient({ connection: createChdbConnection({ path }) } as Parameters<typeof createClient>[0]);
}
