/** Consumes camera heartbeats into storage: the coverage every report states next to its figures. */
import type { Bus, DeliveredBatch, Subscription } from '../../common/bus/bus.ts';
import type { RevisitConfig } from '../../common/config.ts';
import {
  ContractError,
  DEFAULT_WORKER_GROUP,
  decodeCameraHeartbeat,
  messageLimits,
  type CameraHeartbeat,
} from '../../schemas/index.ts';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { insertHeartbeats } from '../../storage/camera-heartbeats-table.ts';
import type { DeadLetter, DeadLetterSink } from './dead-letter-sink.ts';

/**
 * Subscribes to `topics.heartbeats` with a group of its own (a Kafka group serves one topic list):
 * valid heartbeats are inserted (idempotent by site, camera and start), bad ones dead-lettered.
 */
export function consumeHeartbeats(deps: {
  config: RevisitConfig;
  bus: Bus;
  clickhouse: ClickHouseClient;
  deadLetters: DeadLetterSink;
  now?: () => number;
}): Promise<Subscription> {
  const { config, bus, clickhouse, deadLetters } = deps;
  const limits = messageLimits(config, deps.now);
  const topic = config.topics.heartbeats;
  return bus.subscribe(
    { topic, groupId: `${config.kafka?.groupId ?? DEFAULT_WORKER_GROUP}.heartbeats` },
    async (batch: DeliveredBatch) => {
      const good: CameraHeartbeat[] = [];
      const bad: DeadLetter[] = [];
      for (const message of batch.messages) {
        try {
          good.push(decodeCameraHeartbeat(message.value, limits));
        } catch (err) {
          if (!(err instanceof ContractError)) throw err;
          bad.push({ topic, message, reasonCode: err.code, reason: err.message });
        }
      }
      await insertHeartbeats(clickhouse, good);
      await deadLetters.write(bad);
    },
  );
}
