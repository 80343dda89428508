/**
 * What a ClickHouse HTTP client sends, read into one request: the SQL (URL and body), the
 * default format, whether it wants compressed blocks. Parameters drivers add that change nothing
 * here (session_id, wait_end_of_query, enable_http_compression, settings…) are ignored: a client
 * never changes engine settings.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { BiError } from './bi-error.ts';

/** Largest query text accepted (URL plus body), like ClickHouse's max_query_size default. */
const MAX_QUERY_BYTES = 256 * 1024;
const QUERY_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface BiRequest {
  text: string;
  defaultFormat?: string;
  /** `compress=1`: answer in ClickHouse compressed blocks (the JDBC driver asks for it). */
  compress: boolean;
  queryId: string;
}

/** The API key: X-ClickHouse-Key, the basic-auth password, or `password=`. */
export function presentedKey(c: Context): string | undefined {
  const header = c.req.header('x-clickhouse-key');
  if (header) return header;
  const basic = c.req.header('authorization')?.match(/^Basic\s+(\S+)$/i)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || undefined;
  }
  return c.req.query('password') || undefined;
}

/** Reads the request; throws BiError for what cannot be served (another database, compressed bodies, size). */
export async function readBiRequest(c: Context): Promise<BiRequest> {
  const database = c.req.query('database') ?? c.req.header('x-clickhouse-database');
  if (database && database !== 'default') throw new BiError(81, 404, 'unknown database: only default can be read');
  if (c.req.query('decompress') === '1')
    throw new BiError(48, 400, 'compressed request bodies are not accepted (send decompress=0)');
  const body = c.req.method === 'POST' ? await c.req.text() : '';
  const text = [c.req.query('query') ?? '', body].filter((s) => s.trim() !== '').join('\n');
  if (Buffer.byteLength(text) > MAX_QUERY_BYTES)
    throw new BiError(62, 413, `query is larger than ${MAX_QUERY_BYTES} bytes`);
  if (text.trim() === '') throw new BiError(62, 400, 'empty query');
  const queryId = c.req.query('query_id') ?? c.req.header('x-clickhouse-query-id') ?? '';
  return {
    text,
    defaultFormat: c.req.header('x-clickhouse-format') ?? c.req.query('default_format'),
    compress: c.req.query('compress') === '1',
    queryId: QUERY_ID.test(queryId) ? queryId : randomUUID(),
  };
}
