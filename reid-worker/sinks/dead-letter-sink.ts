/** Keeps rejected messages for inspection: the bytes on the dead-letter topic, the reason in ClickHouse. */
import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Bus, DeliveredMessage } from '../../common/bus/bus.ts';
import { deadLettersTotal } from '../../common/metrics.ts';
import type { Logger } from '../../common/logger.ts';

export interface DeadLetter {
  topic: string;
  message: DeliveredMessage;
  reasonCode: string;
  reason: string;
  /** What an isolated observation threw (its stack goes to the log, never to the table). */
  error?: unknown;
}

export class DeadLetterSink {
  constructor(
    private readonly bus: Bus,
    private readonly deadLetterTopic: string,
    private readonly client: ClickHouseClient,
    private readonly logger: Logger,
  ) {}

  async write(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.bus.publish(
      this.deadLetterTopic,
      letters.map((l) => ({ key: l.message.key, value: l.message.value })),
    );
    await this.client.insert({
      table: 'dead_letters',
      format: 'JSONEachRow',
      values: letters.map((l) => ({
        topic: l.topic,
        partition: l.message.partition,
        offset: l.message.offset,
        message_key: l.message.key.slice(0, 256),
        reason_code: l.reasonCode,
        reason: l.reason.slice(0, 1000),
        payload_bytes: l.message.value.length,
        payload_sha256: createHash('sha256').update(l.message.value).digest('hex'),
      })),
    });
    for (const l of letters) {
      deadLettersTotal.inc({ reason: l.reasonCode });
      // Once per dead letter, after it is stored; the payload (an embedding) is never logged.
      this.logger.warn({ topic: l.topic, partition: l.message.partition, offset: l.message.offset, reason: l.reasonCode, detail: l.reason, err: l.error }, 'message rejected to dead letters');
    }
  }
}
