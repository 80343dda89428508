/**
 * A BI engine process: one chdb holding only the BI tables of one key scope, spoken to over the IPC
 * channel alone. Started by spawn-bi-sandbox.ts (inside namespaces where the OS allows); exits when
 * the parent goes away.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'chdb';
import { biLimitsSchema, type BiLimits } from '../../../schemas/bi-config.schema.ts';
import {
  biSandboxRequestSchema,
  type BiSandboxReply,
  type BiSandboxRequest,
} from '../../../schemas/bi-sandbox.schema.ts';
import { COMPRESSED_BLOCK_BYTES, frameCompressedBlock } from '../compression/frame-compressed-blocks.ts';

/** Pieces of an uncompressed result handed over per read: small enough to keep the API's memory flat. */
const CHUNK_BYTES = 256 * 1024;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COLUMN_TYPE = /^[A-Za-z0-9_(), ']+$/;

/** The settings of the reading connection, fixed at connect: with readonly = 1 no query can change them. */
function readerArgs(l: BiLimits): string[] {
  return [
    `--max_execution_time=${l.maxExecutionSeconds}`,
    `--max_memory_usage=${l.maxMemoryBytes}`,
    `--max_rows_to_read=${l.maxRowsToRead}`,
    `--max_result_rows=${l.maxResultRows}`,
    `--max_result_bytes=${l.maxResultBytes}`,
    '--result_overflow_mode=throw',
    `--max_threads=${l.maxThreads}`,
    '--readonly=1',
  ];
}

class EngineFailure extends Error {
  constructor(
    readonly code: number,
    detail: string,
  ) {
    super(detail);
  }
}

const [dir, limitsJson] = process.argv.slice(2);
const limits = biLimitsSchema.parse(JSON.parse(limitsJson));
const admin = new Session(dir);
const reader = new Session(dir, { connectionArgs: readerArgs(limits) });
let pending: { id: number; pieces: Buffer[] } | null = null;

function send(reply: BiSandboxReply): void {
  process.send!(reply);
}

function codeOf(err: unknown): EngineFailure {
  if (err instanceof EngineFailure) return err;
  const text = err instanceof Error ? err.message : String(err);
  return new EngineFailure(Number(/Code: (\d+)\./.exec(text)?.[1] ?? 1002), text.slice(0, 4096));
}

/** Drops and re-creates each table from its exported TSV (first line names, second types). */
async function load(tables: Array<{ name: string; tsv: Uint8Array }>): Promise<number> {
  let rows = 0;
  for (const { name, tsv } of tables) {
    const text = Buffer.from(tsv);
    const namesEnd = text.indexOf('\n');
    const typesEnd = text.indexOf('\n', namesEnd + 1);
    const names = text.subarray(0, namesEnd).toString().split('\t');
    const types = text
      .subarray(namesEnd + 1, typesEnd)
      .toString()
      .split('\t');
    if (
      namesEnd < 0 ||
      typesEnd < 0 ||
      names.length !== types.length ||
      !names.every((n) => COLUMN_NAME.test(n)) ||
      !types.every((t) => COLUMN_TYPE.test(t))
    ) {
      throw new EngineFailure(1002, `export of ${name} has no valid header`);
    }
    admin.query(`DROP TABLE IF EXISTS default.${name} SYNC`);
    admin.query(
      `CREATE TABLE default.${name} (${names.map((n, i) => `\`${n}\` ${types[i]}`).join(', ')}) ENGINE = Memory`,
    );
    const body = text.subarray(typesEnd + 1);
    if (body.length > 0)
      rows += (await admin.insert({ table: `default.${name}`, values: body, format: 'TabSeparated' })).rowsWritten;
  }
  return rows;
}

function slice(out: Buffer, compress: boolean): Buffer[] {
  const size = compress ? COMPRESSED_BLOCK_BYTES : CHUNK_BYTES;
  const pieces: Buffer[] = [];
  for (let at = 0; at < out.length; at += size) {
    const piece = out.subarray(at, at + size);
    pieces.push(compress ? frameCompressedBlock(piece) : piece);
  }
  return pieces;
}

async function handle(msg: BiSandboxRequest): Promise<void> {
  if (msg.kind === 'load') {
    send({ kind: 'loaded', id: msg.id, rows: await load(msg.tables) });
  } else if (msg.kind === 'query') {
    pending = null;
    const result = await reader.queryAsync(msg.sql, { format: msg.format });
    const out = Buffer.from(result.bytes());
    // max_result_bytes counts the engine's blocks; the formatted text (JSON, say) can be several times larger.
    if (out.length > limits.maxResultBytes) throw new EngineFailure(396, `formatted result of ${out.length} bytes`);
    pending = { id: msg.id, pieces: slice(out, msg.compress) };
    send({ kind: 'result', id: msg.id, bytes: out.length, rowsRead: result.rowsRead, elapsedS: result.elapsed });
  } else if (msg.kind === 'read') {
    const piece = pending?.id === msg.id ? pending.pieces.shift() : undefined;
    if (!piece) pending = null;
    send({ kind: 'chunk', id: msg.id, data: piece ?? null });
  } else if (pending?.id === msg.id) {
    pending = null;
  }
}

process.on('message', (raw) => {
  const parsed = biSandboxRequestSchema.safeParse(raw);
  if (!parsed.success) return;
  const msg = parsed.data;
  handle(msg).catch((err: unknown) => {
    const failure = codeOf(err);
    send({ kind: 'failed', id: msg.id, code: failure.code, detail: failure.message });
  });
});
// The parent is gone (stopped us, or died): leave nothing behind, even if it cannot clean up.
process.on('disconnect', () => {
  reader.close();
  admin.close();
  // Its contents only: inside namespaces the directory is a mount point the parent removes.
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  process.exit(0);
});
send({ kind: 'ready' });
