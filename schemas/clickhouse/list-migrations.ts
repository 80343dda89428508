/** The numbered SQL files in migrations/ (the ClickHouse DDL), and how a file splits into statements. */
import { readdirSync, readFileSync } from 'node:fs';

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
