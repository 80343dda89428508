/** The `dead_letters` table: why each rejected message was rejected, the only place its SQL is written. */
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';

/** A rejected message: where it came from, why, and its bytes (only their size and sha256 are stored). */
export interface DeadLetterRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  reasonCode: string;
  reason: string;
  payload: Uint8Array;
}

/**
 * Inserts one row per rejected message. The payload may hold an embedding, which is never stored
 * in clear: the row keeps its size and sha256, the bytes wait on the dead-letter topic. Replaces
 * by (topic, partition, offset), so a message rejected again writes the same row.
 */
export async function insertDeadLetters(client: ClickHouseClient, letters: DeadLetterRecord[]): Promise<void> {
  if (letters.length === 0) return;
  await client.insert({
    table: 'dead_letters',
    format: 'JSONEachRow',
    values: letters.map((l) => ({
      topic: l.topic,
      partition: l.partition,
      offset: l.offset,
      message_key: l.key.slice(0, 256),
      reason_code: l.reasonCode,
      reason: l.reason.slice(0, 1000),
      payload_bytes: l.payload.length,
      payload_sha256: createHash('sha256').update(l.payload).digest('hex'),
    })),
  });
}
