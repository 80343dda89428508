/** Decides whether a BI client's SQL may run: one SELECT over the whitelisted views, rewritten to the caller's tenant. */
import { BiQueryError, tokenizeSql, type Token } from './tokenize-sql.ts';

/** The views BI tools may read (schemas/clickhouse/migrations/0008_bi_views.sql). */
export const BI_VIEWS = ['bi_footfall_hourly', 'bi_visitors_daily', 'bi_dwell_daily', 'bi_camera_transitions_daily'] as const;

/** Output formats the endpoint serves (what common clients ask for). */
export const BI_FORMATS = [
  'JSON', 'JSONCompact', 'JSONEachRow', 'JSONCompactEachRow', 'JSONStringsEachRow', 'TabSeparated', 'TabSeparatedWithNames',
  'TabSeparatedWithNamesAndTypes', 'TSV', 'TSVWithNames', 'TSVWithNamesAndTypes', 'CSV', 'CSVWithNames', 'RowBinaryWithNamesAndTypes', 'Native', 'Pretty',
] as const;

/** What clients send while connecting, answered as-is: server settings and version, no data. */
const HANDSHAKES = new Set(['SELECT name, value, readonly FROM system.settings LIMIT 10000'].map((q) => canonical(tokenizeSql(q))));

/** Words that have no place in a read of the BI views, wherever they appear. */
const FORBIDDEN_WORDS = new Set([
  'settings', 'into', 'outfile', 'infile', 'insert', 'create', 'alter', 'drop', 'delete', 'update', 'truncate', 'rename', 'exchange', 'attach',
  'detach', 'optimize', 'grant', 'revoke', 'kill', 'system', 'set', 'use', 'backup', 'restore', 'information_schema',
]);

/** Functions that read files, URLs, other servers, dictionaries or tables by name. */
export const FORBIDDEN_FUNCTIONS = /^(file|url|urlcluster|s3|s3cluster|gcs|azureblobstorage\w*|hdfs\w*|remote|remotesecure|cluster|clusterallreplicas|mysql|postgresql|sqlite|mongodb|redis|jdbc|odbc|input|executable|dictionary|merge|view|viewifpermitted|loop|generaterandom|numbers\w*|zeros\w*|values|iceberg\w*|deltalake\w*|hudi\w*|dict\w*|joinget\w*|getsetting\w*|filesystem\w*|currentuser|hostname|fqdn|getmacro|getserverport|serveruuid)$/;

function canonical(tokens: Token[]): string {
  return tokens.map((t) => t.value).join(' ');
}

export interface BiQuery {
  /** The SQL to run, views bound to the tenant. Without FORMAT. */
  sql: string;
  format: string;
  /** A connection handshake, answered without touching data. */
  handshake: boolean;
}

function nameOf(t: Token | undefined): string | undefined {
  if (!t) return undefined;
  if (t.kind === 'quoted') return t.value;
  if (t.kind === 'word') return t.value;
  return undefined;
}

const isWord = (t: Token | undefined, ...words: string[]) => t?.kind === 'word' && words.includes(t.value);

/**
 * Checks `sql` and binds each view reference to `(tenant = …, min_count = …)`. Throws
 * BiQueryError for anything else: several statements, non-SELECTs, tables or system tables,
 * table functions, file/URL/dictionary functions, SETTINGS or INTO clauses, unknown formats.
 */
export function checkBiQuery(sql: string, opts: { tenant: string; minCount: number; defaultFormat?: string }): BiQuery {
  const tokens = tokenizeSql(sql);
  while (tokens.at(-1)?.value === ';') tokens.pop();
  if (tokens.some((t) => t.value === ';')) throw new BiQueryError(62, 'one statement per request');
  let format = opts.defaultFormat ?? 'TabSeparated';
  const fmtAt = tokens.findIndex((t) => isWord(t, 'format'));
  if (fmtAt >= 0) {
    if (fmtAt !== tokens.length - 2 || tokens[fmtAt + 1].kind !== 'word') throw new BiQueryError(62, 'FORMAT must be the last clause, followed by a format name');
    format = tokens[fmtAt + 1].text;
    tokens.splice(fmtAt, 2);
  }
  const known = BI_FORMATS.find((f) => f.toLowerCase() === format.toLowerCase());
  if (!known) throw new BiQueryError(73, `format ${format} is not served here; use one of ${BI_FORMATS.join(', ')}`);
  if (HANDSHAKES.has(canonical(tokens))) return { sql: tokens.map((t) => t.text).join(' '), format: known, handshake: true };
  if (!isWord(tokens[0], 'select', 'with')) throw new BiQueryError(164, 'only SELECT queries on the BI views are allowed');
  for (const [i, t] of tokens.entries()) {
    if (t.kind === 'word' && FORBIDDEN_WORDS.has(t.value)) throw new BiQueryError(164, `${t.text.toUpperCase()} is not allowed in a BI query`);
    if (t.kind === 'word' && tokens[i + 1]?.value === '(' && FORBIDDEN_FUNCTIONS.test(t.value)) throw new BiQueryError(446, `function ${t.text} is not allowed in a BI query`);
  }
  const ctes = new Set(tokens.flatMap((t, i) => (isWord(tokens[i + 1], 'as') && tokens[i + 2]?.value === '(' && nameOf(t) ? [nameOf(t)!] : [])));
  const bound = `(tenant = '${opts.tenant.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}', min_count = ${Math.trunc(opts.minCount)})`;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    out.push(tokens[i].text);
    const readsTable = (isWord(tokens[i], 'from', 'join') && !isWord(tokens[i - 1], 'array')) || isWord(tokens[i], 'in');
    if (!readsTable || tokens[i + 1]?.value === '(') continue;
    // A table reference: [database .] name, never followed by "(" (a table function).
    let name = nameOf(tokens[i + 1]);
    let width = 1;
    if (tokens[i + 2]?.value === '.') {
      if (name !== 'default') throw new BiQueryError(60, `database ${name} is not readable here`);
      name = nameOf(tokens[i + 3]);
      width = 3;
    }
    if (isWord(tokens[i], 'in') && !name) continue;
    if (!name) throw new BiQueryError(62, `expected a view name after ${tokens[i].text.toUpperCase()}`);
    if (tokens[i + 1 + width]?.value === '(') throw new BiQueryError(446, `table functions are not allowed (${name})`);
    if (ctes.has(name) && width === 1) continue;
    if (!(BI_VIEWS as readonly string[]).includes(name)) throw new BiQueryError(60, `${name} is not a BI view; readable: ${BI_VIEWS.join(', ')}`);
    out.push(name + bound);
    i += width;
  }
  return { sql: out.join(' '), format: known, handshake: false };
}
