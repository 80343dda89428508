/**
 * Streams a result out of its engine to the client, one piece per read the client's socket asks
 * for: the API holds at most one piece at a time, whatever the result's size.
 */
import type { Context } from 'hono';
import type { BiLease } from './sandbox/bi-engine-pool.ts';
import type { BiQueryResult, BiSandbox } from './sandbox/bi-sandbox.ts';

/** A client that has not read its result by then gives the engine back (its answer is cut short). */
const DRAIN_TIMEOUT_MS = 120_000;

const CONTENT_TYPES: Record<string, string> = {
  JSON: 'application/json; charset=UTF-8',
  JSONCompact: 'application/json; charset=UTF-8',
  CSV: 'text/csv; charset=UTF-8; header=absent',
  CSVWithNames: 'text/csv; charset=UTF-8; header=present',
  Native: 'application/octet-stream',
  RowBinaryWithNamesAndTypes: 'application/octet-stream',
};

export interface SendBiResult {
  lease: BiLease<BiSandbox>;
  result: BiQueryResult;
  format: string;
  queryId: string;
  compress: boolean;
  /** Called once when the response is done, cut or failed. */
  onDone(ok: boolean): void;
}

export function sendBiResult(c: Context, { lease, result, format, queryId, compress, onDone }: SendBiResult): Response {
  const { engine } = lease;
  let done = false;
  const finish = (ok: boolean, broken = false) => {
    if (done) return;
    done = true;
    clearTimeout(deadline);
    if (!ok && !broken) engine.discard(result.id);
    lease.release(broken);
    onDone(ok);
  };
  const deadline = setTimeout(() => finish(false), DRAIN_TIMEOUT_MS);
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (done) return controller.close();
        try {
          const piece = await engine.read(result.id);
          if (piece) return controller.enqueue(piece);
          controller.close();
          finish(true);
        } catch (err) {
          finish(false, true);
          controller.error(err);
        }
      },
      cancel: () => finish(false),
    },
    { highWaterMark: 0 },
  );
  c.header('X-ClickHouse-Format', format);
  c.header('X-ClickHouse-Query-Id', queryId);
  c.header('X-ClickHouse-Timezone', 'UTC');
  c.header('X-ClickHouse-Server-Display-Name', 'revisit-bi');
  c.header(
    'X-ClickHouse-Summary',
    JSON.stringify({
      read_rows: String(result.rowsRead),
      read_bytes: '0',
      written_rows: '0',
      written_bytes: '0',
      total_rows_to_read: String(result.rowsRead),
      result_rows: '0',
      result_bytes: String(result.bytes),
      elapsed_ns: String(Math.round(result.elapsedS * 1e9)),
    }),
  );
  c.header(
    'Content-Type',
    compress ? 'application/octet-stream' : (CONTENT_TYPES[format] ?? 'text/plain; charset=UTF-8'),
  );
  return c.body(body);
}
