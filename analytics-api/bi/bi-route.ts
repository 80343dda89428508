/**
 * GET/POST /bi/: a read-only ClickHouse HTTP interface for BI tools on the embedded engine. An
 * API key authenticates (X-ClickHouse-Key, basic auth password, or `password=`); its tenant
 * scopes every view; only SELECTs over the BI tables run: parsed, checked against an allow-list
 * and printed anew (analytics-api/bi/sql), then run readonly.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { ClickHouseClient } from '@clickhouse/client';
import type { RevisitConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import type { ResolvePrincipal } from '../auth/resolve-principal.ts';
import { BI_TABLES, BiQueryError, checkBiTree, printQuery, quoteIdentifier, quoteString } from './sql/index.ts';

/** Largest query text accepted (URL plus body), like ClickHouse's max_query_size default. */
const MAX_QUERY_BYTES = 256 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  JSON: 'application/json; charset=UTF-8',
  JSONCompact: 'application/json; charset=UTF-8',
  CSV: 'text/csv; charset=UTF-8; header=absent',
  CSVWithNames: 'text/csv; charset=UTF-8; header=present',
  Native: 'application/octet-stream',
  RowBinaryWithNamesAndTypes: 'application/octet-stream',
};

/** ClickHouse's error shape: clients show the text and read the code from the header. */
function clickhouseError(c: Context, status: 400 | 401 | 403 | 413 | 500, code: number, message: string) {
  c.header('X-ClickHouse-Exception-Code', String(code));
  return c.text(`Code: ${code}. DB::Exception: ${message}. (REVISIT_BI)\n`, status);
}

function presentedKey(c: Context): string | undefined {
  const header = c.req.header('x-clickhouse-key');
  if (header) return header;
  const basic = c.req.header('authorization')?.match(/^Basic\s+(\S+)$/i)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || undefined;
  }
  return c.req.query('password') || undefined;
}

export function biRoute(config: RevisitConfig, clickhouse: ClickHouseClient, resolvePrincipal: ResolvePrincipal) {
  const logger = createLogger('bi-endpoint');
  const handle = async (c: Context) => {
    const key = presentedKey(c);
    const tenant = key ? (await resolvePrincipal(key))?.tenant : undefined;
    if (!tenant) return clickhouseError(c, 401, 516, key ? 'unknown or revoked API key' : 'authentication required: send an API key as X-ClickHouse-Key or as the basic-auth password');
    const body = c.req.method === 'POST' ? await c.req.text() : '';
    const text = [c.req.query('query') ?? '', body].filter((s) => s.trim() !== '').join('\n');
    if (Buffer.byteLength(text) > MAX_QUERY_BYTES) return clickhouseError(c, 413, 62, `query is larger than ${MAX_QUERY_BYTES} bytes`);
    if (text.trim() === '') return clickhouseError(c, 400, 62, 'empty query');
    let query;
    try {
      const checked = checkBiTree(text, { defaultFormat: c.req.query('default_format') });
      // Until BI runs in its own engine holding only the key's tables, each BI table is the
      // tenant's parameterized view on the shared engine.
      const bound = `(tenant = ${quoteString(tenant)}, min_count = ${Math.trunc(config.bi.minCount)})`;
      const relation = (name: string) => ((BI_TABLES as readonly string[]).includes(name) ? `${quoteIdentifier(name)}${bound}` : quoteIdentifier(name));
      query = { sql: printQuery(checked.query, { relation }), format: checked.format };
    } catch (err) {
      if (!(err instanceof BiQueryError)) throw err;
      logger.info({ tenant, code: err.code, reason: err.message }, 'BI query refused');
      return clickhouseError(c, err.code === 62 || err.code === 73 ? 400 : 403, err.code, err.message);
    }
    const queryId = c.req.query('query_id') || randomUUID();
    try {
      const result = await clickhouse.exec({ query: `${query.sql} SETTINGS readonly = 1, max_execution_time = 60, max_result_rows = 10000000 FORMAT ${query.format}` });
      const chunks: Buffer[] = [];
      for await (const chunk of result.stream) chunks.push(Buffer.from(chunk as Buffer));
      c.header('X-ClickHouse-Format', query.format);
      c.header('X-ClickHouse-Query-Id', queryId);
      c.header('X-ClickHouse-Timezone', 'UTC');
      c.header('X-ClickHouse-Server-Display-Name', 'revisit-embedded');
      c.header('X-ClickHouse-Summary', '{"read_rows":"0","read_bytes":"0","written_rows":"0","written_bytes":"0","total_rows_to_read":"0","result_rows":"0","result_bytes":"0","elapsed_ns":"0"}');
      c.header('Content-Type', CONTENT_TYPES[query.format] ?? 'text/plain; charset=UTF-8');
      return c.body(Buffer.concat(chunks));
    } catch (err) {
      const code = Number((err as { code?: string }).code) || 1000;
      return clickhouseError(c, 500, code, (err as Error).message.trim());
    }
  };
  return new Hono().on(['GET', 'POST'], '/', handle).on(['GET', 'POST'], '/*', handle);
}
