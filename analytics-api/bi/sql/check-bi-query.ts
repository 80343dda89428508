/** Decides whether a BI client's SQL may run, and writes the SQL that runs instead of the client's text. */
import { BI_FORMATS, foldCase, type BiFormat } from './bi-allow-list.ts';
import { BiQueryError, safeName } from './bi-query-error.ts';
import { checkBiAst } from './check-bi-ast.ts';
import { parseStatement } from './parse-sql.ts';
import { printQuery } from './print-sql.ts';
import type { Query } from './sql-ast.ts';

/** Largest query text accepted, in bytes (ClickHouse's own max_query_size default is 256 KiB). */
export const MAX_QUERY_BYTES = 64 * 1024;

export interface CheckedBiQuery {
  sql: string;
  format: BiFormat;
}

export interface CheckedBiTree {
  query: Query;
  format: BiFormat;
}

function checkFormat(name: string): BiFormat {
  const format = BI_FORMATS.find((f) => foldCase(f) === foldCase(name));
  if (!format)
    throw new BiQueryError(73, `format ${safeName(name)} is not served here; use one of ${BI_FORMATS.join(', ')}`);
  return format;
}

/**
 * Parses and checks `text`, returning the checked tree: for callers that print it themselves
 * (the `/bi/` route binding tables to views on the shared engine, tests). Throws BiQueryError.
 */
export function checkBiTree(text: string, opts: { defaultFormat?: string }): CheckedBiTree {
  if (Buffer.byteLength(text) > MAX_QUERY_BYTES)
    throw new BiQueryError(62, `query is larger than ${MAX_QUERY_BYTES} bytes`);
  const parsed = parseStatement(text);
  const format = checkFormat(parsed.format ?? opts.defaultFormat ?? 'TabSeparated');
  return { query: checkBiAst(parsed.query), format };
}

/**
 * Checks one BI statement and returns the SQL to run, printed from the checked tree (never the
 * client's text; no FORMAT clause, the format is returned apart). Throws BiQueryError(code,
 * reason): `code` is ClickHouse's error code for the refusal, `reason` is safe to show to the
 * client (it never quotes the query's string literals).
 */
export function checkBiQuery(text: string, opts: { defaultFormat?: string }): CheckedBiQuery {
  const { query, format } = checkBiTree(text, opts);
  return { sql: printQuery(query), format };
}
