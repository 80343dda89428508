/**
 * A ClickHouse HTTP interface over embedded chdb, in a process of its own: the shared ClickHouse
 * that distributed services (workers, API, scheduler in separate processes) need, where no
 * ClickHouse server runs. The SQL engine is ClickHouse's own (chdb); only the HTTP front is
 * ours, and it speaks the part of the protocol @clickhouse/client uses: queries in the body,
 * INSERT data after a `query` parameter, `param_*` query parameters, settings as parameters,
 * `database`, `default_format`, `/ping`, errors as HTTP 500 with ClickHouse's message.
 * A real server is used instead when REVISIT_TEST_CLICKHOUSE_URL names one (services.ts).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../../common/process/find-free-port.ts';
import { spawnTethered } from '../../common/process/spawn-tethered.ts';

const SELF = fileURLToPath(import.meta.url);
const START_TIMEOUT_MS = 60_000;

export interface ChdbHttpServer {
  /** `http://127.0.0.1:<port>`: what REVISIT_CLICKHOUSE_URL would be. */
  url: string;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** Starts the server on a free port and resolves once it answers /ping. */
export async function startChdbHttpServer(): Promise<ChdbHttpServer> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-chdb-http-'));
  const port = await findFreePort();
  const log = openSync(join(dir, 'server.log'), 'a');
  const child = spawnTethered(process.execPath, ['--import', 'tsx', SELF, String(port), join(dir, 'data')], {
    logFd: log,
    cleanupDir: dir,
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const ok = await fetch(`${url}/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (!child.running() || Date.now() > deadline) {
      const tail = readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000);
      await child.stop(1000);
      throw new Error(`chdb HTTP server did not start (${await child.exited}):\n${tail}`);
    }
    await sleep(100);
  }
  return {
    url,
    stop: async () => {
      await child.stop(5000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** URL parameters that are not settings. */
const NOT_SETTINGS = new Set([
  'query',
  'query_id',
  'database',
  'default_format',
  'session_id',
  'user',
  'password',
  'role',
  'compress',
  'decompress',
]);
/** Settings of the HTTP layer that the embedded engine does not know (as chdb/connection drops them). */
const HTTP_ONLY = new Set([
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'enable_http_compression',
  'http_zlib_compression_level',
  'http_response_buffer_size',
]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A SQL string literal whose value is exactly `value`. */
const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The statements one request runs: query parameters and settings as SETs, the database, then the query. */
function statementsOf(params: URLSearchParams, body: string): string {
  const query = params.get('query');
  const sql = query === null ? body : body.trim() === '' ? query : `${query}\n${body}`;
  const sets: string[] = [];
  for (const [key, value] of params) {
    if (!IDENTIFIER.test(key)) throw new Error(`bad parameter name ${JSON.stringify(key)}`);
    if (key.startsWith('param_')) sets.push(`SET ${key} = ${literal(value)}`);
    else if (!NOT_SETTINGS.has(key) && !HTTP_ONLY.has(key))
      sets.push(`SET ${key} = ${/^-?\d+$/.test(value) ? value : literal(value)}`);
  }
  const database = params.get('database') ?? 'default';
  if (!IDENTIFIER.test(database)) throw new Error(`bad database name ${JSON.stringify(database)}`);
  return [...sets, `USE ${database}`, sql].join(';\n');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function serve(port: number, path: string): Promise<void> {
  const { Session } = await import('chdb');
  const session = new Session(path);
  // One statement list at a time: SET param_… and USE are session state.
  let queue: Promise<unknown> = Promise.resolve();
  const run = (sql: string, format: string) => {
    const next = queue.then(() => session.queryAsync(sql, { format }));
    queue = next.catch(() => undefined);
    return next;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping') {
      res.end('Ok.\n');
      return;
    }
    try {
      if ((req.headers['content-type'] ?? '').startsWith('multipart/'))
        throw new Error('multipart parameters are not supported here');
      const body = await readBody(req);
      const params = url.searchParams;
      const query = params.get('query');
      if (query !== null && /^\s*INSERT\b/i.test(query) && body.trim() === '') {
        res.end();
        return;
      }
      const result = await run(statementsOf(params, body), params.get('default_format') ?? 'TabSeparated');
      const summary = {
        read_rows: String(result.rowsRead ?? 0),
        read_bytes: String(result.bytesRead ?? 0),
        written_rows: String(result.rowsRead ?? 0),
        written_bytes: '0',
      };
      res.writeHead(200, {
        'content-type': 'text/plain; charset=UTF-8',
        'x-clickhouse-summary': JSON.stringify(summary),
      });
      res.end(Buffer.from(result.bytes()));
    } catch (err) {
      const message = (err as Error).message;
      const code = /Code: (\d+)/.exec(message)?.[1] ?? '1001';
      res.writeHead(500, { 'content-type': 'text/plain; charset=UTF-8', 'x-clickhouse-exception-code': code });
      res.end(`${message}\n`);
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const stop = () => server.close(() => session.close());
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] === SELF) await serve(Number(process.argv[2]), process.argv[3]);
