/** The second opinion: ClickHouse's own parser lists what a query reads, and only the BI views may appear. */
import type { ClickHouseClient } from '@clickhouse/client';
import { BI_VIEWS, FORBIDDEN_FUNCTIONS } from './check-bi-query.ts';
import { BiQueryError } from './tokenize-sql.ts';

/** `system.one` is the dummy row behind a SELECT without FROM (e.g. `SELECT version()`). */
const ALLOWED_TABLES = new Set([...BI_VIEWS.map((v) => `default.${v}`), 'system.one']);

/**
 * Runs `EXPLAIN QUERY TREE` on the rewritten query and refuses it if the tree reads any table
 * but the BI views, any table function, or a forbidden function — whatever the lexer thought.
 */
export async function verifyTablesRead(client: ClickHouseClient, sql: string): Promise<void> {
  let lines: string[];
  try {
    const rows = await (await client.query({ query: `EXPLAIN QUERY TREE ${sql}`, format: 'JSONEachRow' })).json<{ explain: string }>();
    lines = rows.map((r) => r.explain);
  } catch (err) {
    throw new BiQueryError(Number((err as { code?: string }).code) || 62, (err as Error).message);
  }
  for (const line of lines) {
    if (/^\s*TABLE_FUNCTION\b/.test(line)) throw new BiQueryError(446, 'table functions are not allowed');
    const table = line.match(/^\s*TABLE id: \d+.*table_name: ([^\s,]+)/)?.[1];
    if (table !== undefined && !ALLOWED_TABLES.has(table)) throw new BiQueryError(60, `${table} is not a BI view`);
    const fn = line.match(/function_name: ([^\s,]+)/)?.[1];
    if (fn !== undefined && FORBIDDEN_FUNCTIONS.test(fn.toLowerCase())) throw new BiQueryError(446, `function ${fn} is not allowed in a BI query`);
  }
}
