/** Applies the DDL of schemas/clickhouse/migrations once each, in order, recording what ran. */
import type { ClickHouseClient } from '@clickhouse/client';
import { listMigrations, splitStatements, type Migration } from '../../schemas/clickhouse/list-migrations.ts';

/** Applies pending migrations; returns the ones applied now. Safe to call at every start. */
export async function applyMigrations(client: ClickHouseClient): Promise<Migration[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
            ENGINE = MergeTree ORDER BY version`,
  });
  const rows = await (
    await client.query({ query: 'SELECT version FROM schema_migrations', format: 'JSONEachRow' })
  ).json<{ version: number }>();
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: Migration[] = [];
  for (const m of listMigrations()) {
    if (done.has(m.version)) continue;
    for (const statement of splitStatements(m.sql)) await client.command({ query: statement });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    applied.push(m);
  }
  return applied;
}
