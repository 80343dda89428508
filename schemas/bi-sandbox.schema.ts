/** Messages between the API and a BI engine process (analytics-api/bi/sandbox/): each side checks what the other sends. */
import { z } from 'zod';

const id = z.number().int().nonnegative();
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes');

export const biSandboxRequestSchema = z.discriminatedUnion('kind', [
  /** Replace the engine's tables: each `tsv` is TabSeparatedWithNamesAndTypes, as the main engine exported it. */
  z.object({
    kind: z.literal('load'),
    id,
    tables: z.array(z.object({ name: z.string().regex(/^[a-z_][a-z0-9_]*$/), tsv: bytes })),
  }),
  /** Run one read; the result stays in the engine until read or discarded. `compress`: ClickHouse compressed blocks. */
  z.object({
    kind: z.literal('query'),
    id,
    sql: z.string().max(1_048_576),
    format: z.string().regex(/^[A-Za-z]+$/),
    compress: z.boolean(),
  }),
  z.object({ kind: z.literal('read'), id }),
  z.object({ kind: z.literal('discard'), id }),
]);

export const biSandboxReplySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready') }),
  z.object({ kind: z.literal('loaded'), id, rows: z.number().int().nonnegative() }),
  z.object({
    kind: z.literal('result'),
    id,
    bytes: z.number().int().nonnegative(),
    rowsRead: z.number().nonnegative(),
    elapsedS: z.number().nonnegative(),
  }),
  /** The next piece of a result; `data: null` once all was read. */
  z.object({ kind: z.literal('chunk'), id, data: bytes.nullable() }),
  /** `detail` is engine text: logged (redacted) at debug, never shown to a client. */
  z.object({ kind: z.literal('failed'), id, code: z.number().int(), detail: z.string().max(4096) }),
]);

export type BiSandboxRequest = z.infer<typeof biSandboxRequestSchema>;
export type BiSandboxReply = z.infer<typeof biSandboxReplySchema>;
