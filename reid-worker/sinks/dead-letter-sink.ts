/** Keeps rejected messages for inspection: the bytes on the dead-letter topic, the reason in ClickHouse. */
import type { Bus, DeliveredMessage } from '../../common/bus/bus.ts';
import { deadLettersTotal } from '../../common/metrics.ts';
import type { Logger } from '../../common/logger.ts';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { insertDeadLetters } from '../../storage/dead-letters-table.ts';

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
    await insertDeadLetters(
      this.client,
      letters.map((l) => ({
        topic: l.topic,
        partition: l.message.partition,
        offset: l.message.offset,
        key: l.message.key,
        reasonCode: l.reasonCode,
        reason: l.reason,
        payload: l.message.value,
      })),
    );
    for (const l of letters) {
      deadLettersTotal.inc({ reason: l.reasonCode });
      // Once per dead letter, after it is stored; the payload (an embedding) is never logged.
      this.logger.warn(
        {
          topic: l.topic,
          partition: l.message.partition,
          offset: l.message.offset,
          reason: l.reasonCode,
          detail: l.reason,
          err: l.error,
        },
        'message rejected to dead letters',
      );
    }
  }
}
