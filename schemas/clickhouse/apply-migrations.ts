/** Applies the numbered SQL files in migrations/ once each, in order, recording what ran. */
import { readdirSync, readFileSync } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations shipped with this version of Revisit, ordered by version. */
export function listMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/^\d{4}_|\.sql$/g, ''),
      sql: readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8'),
    }));
}

/**
 * The statements of a migration file, split at a `;` that ends a line: a ClickHouse server runs
 * one statement per request. Migration files keep semicolons out of string literals.
 */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.replace(/--.*$/gm, '').trim() !== '');
}

/** Applies pending migrations; returns the ones applied now. Safe to call at every start. */
export async function applyMigrations(client: ClickHouseClient): Promise<Migration[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
            ENGINE = MergeTree ORDER BY version`,
  });
  const rows = await (await client.query({ query: 'SELECT version FROM schema_migrations', format: 'JSONEachRow' })).json<{ version: number }>();
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: Migration[] = [];
  for (const m of listMigrations()) {
    if (done.has(m.version)) continue;
    for (const statement of splitStatements(m.sql)) await client.command({ query: statement });
    await client.insert({ table: 'schema_migrations', values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' });
    applied.push(m);
  }
  return applied;
}
