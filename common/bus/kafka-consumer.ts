/** One subscription's kafkajs consumer: batches committed only after the handler succeeds, retried with backoff, lag per partition. */
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.ts';
import { consumerLag } from '../metrics.ts';
import { RetryBackoff } from './retry-backoff.ts';
import type { BatchHandler, DeliveredBatch, SubscribeOptions } from './bus.ts';

/** How often a running handler tells the coordinator it is alive; kafkajs throttles to heartbeatInterval. */
const HEARTBEAT_EVERY_MS = 1000;
/**
 * Longest a stop waits for the consumer to leave its group. After an outage kafkajs may be
 * waiting in a JoinGroup that the broker holds until the old member's session expires; nothing
 * uncommitted is lost by not waiting (the group expires the member and redelivers).
 */
const STOP_WAIT_MS = 10_000;
const EMPTY = new Uint8Array(0);

export interface ConsumerSettings {
  logger: Logger;
  /** The consumer crashed and kafkajs gave up on it: it is being started again, and the process is not ready meanwhile. */
  onDown: (groupId: string) => void;
  /** The consumer joined its group (again). */
  onUp: (groupId: string) => void;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  maxWaitTimeInMs: number;
  sessionTimeoutMs: number;
}

/** Starts a consumer of `topic` in `groupId` that hands each batch to `handler` (see createKafkaBus for the delivery rules). */
export async function startConsumer(
  kafka: Kafka,
  { topic, groupId, onAssigned, startAt }: SubscribeOptions,
  handler: BatchHandler,
  { logger, retryBackoffMs, retryBackoffMaxMs, maxWaitTimeInMs, sessionTimeoutMs, onDown, onUp }: ConsumerSettings,
): Promise<{ stop(): Promise<void> }> {
  const stopping = new AbortController();
  // kafkajs's heartbeat default (3 s) must stay below the session timeout.
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs,
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: Math.min(3000, Math.floor(sessionTimeoutMs / 3)),
    // A request cut by stop()'s disconnect crashes the consumer with a retriable error, and kafkajs
    // would start it again after the stop: it rejoined the group and kept the process alive.
    retry: { retries: 5, restartOnFailure: async () => !stopping.signal.aborted }, // 5: kafkajs's consumer default
  });
  const backoff = new RetryBackoff({ initialMs: retryBackoffMs, maxMs: retryBackoffMaxMs });
  const assignment = assignmentGate(onAssigned, logger);
  const lag = partitionLag(groupId, topic);
  const relaunch = restarter(
    async () => {
      await consumer.connect();
      await consumer.run(runOptions);
      // A stop that came while this start was under way must still leave the group.
      if (stopping.signal.aborted) await consumer.disconnect();
    },
    {
      initialMs: retryBackoffMs,
      maxMs: retryBackoffMaxMs,
      signal: stopping.signal,
      onRetry: (error) => logger.debug({ err: error, topic, groupId }, 'consumer restart failed: trying again'),
    },
  );
  // kafkajs restarts a consumer after retriable failures, but gives up on some errors of a broker
  // outage (no group coordinator after its retries is "non-retriable"): a worker would stay down
  // until restarted by hand. It is started again here, with backoff, and the process is unready meanwhile.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || stopping.signal.aborted) return;
    logger.warn({ err: payload.error, topic, groupId }, 'consumer stopped by kafkajs: starting it again');
    onDown(groupId);
    relaunch.schedule();
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = payload.memberAssignment[topic] ?? [];
    lag.keepOnly(partitions);
    logger.info({ topic, groupId, partitions }, 'partitions assigned');
    relaunch.reset();
    onUp(groupId);
    assignment.assign(partitions);
  });

  const eachBatch = async ({
    batch,
    resolveOffset,
    commitOffsetsIfNecessary,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> => {
    if (batch.isEmpty() || !isRunning() || isStale()) return;
    const { partition } = batch;
    const delivered: DeliveredBatch = {
      topic,
      partition,
      messages: batch.messages.map((m) => ({
        key: m.key?.toString('utf8') ?? '',
        value: m.value ?? EMPTY,
        partition,
        offset: m.offset,
      })),
    };
    const first = delivered.messages[0].offset;
    const last = delivered.messages[delivered.messages.length - 1].offset;
    lag.set(partition, BigInt(batch.highWatermark) - BigInt(first));
    // A handler that runs longer than the session timeout must not get its partitions taken away.
    const beat = setInterval(() => heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
    try {
      await assignment.ready();
      await handler(delivered);
    } catch (error) {
      const { delayMs, failures, outageStarted } = backoff.failed(partition);
      if (outageStarted)
        logger.warn(
          { err: error, topic, partition, offset: first },
          'batch handler failed: the batch will be delivered again until it succeeds',
        );
      else
        logger.debug({ err: error, topic, partition, offset: first, failures, delayMs }, 'batch handler failed again');
      consumer.seek({ topic, partition, offset: first });
      await sleep(delayMs, undefined, { signal: stopping.signal }).catch(() => undefined);
      return;
    } finally {
      clearInterval(beat);
    }
    const failures = backoff.succeeded(partition);
    if (failures > 0) logger.info({ topic, partition, offset: first, failures }, 'batch handler recovered');
    // The payload's commit, not consumer.commitOffsets(): the latter silently skips the commit
    // once stop() has begun, and the batch in hand when stopping would be handled twice.
    // A failed commit (e.g. a rebalance meanwhile) throws into kafkajs, which rejoins; whoever
    // owns the partition next gets this batch again, which idempotent sinks absorb.
    await commitOffsetsIfNecessary({
      topics: [{ topic, partitions: [{ partition, offset: (BigInt(last) + 1n).toString() }] }],
    });
    resolveOffset(last);
    lag.set(partition, BigInt(batch.highWatermark) - BigInt(last) - 1n);
  };

  const runOptions = { autoCommit: false, eachBatchAutoResolve: false, eachBatch };
  await consumer.connect();
  try {
    // A new group starts at the beginning unless told otherwise: observations published before the first worker came up count.
    await consumer.subscribe({ topics: [topic], fromBeginning: startAt !== 'latest' });
    await consumer.run(runOptions);
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  return {
    async stop() {
      stopping.abort();
      // Waits for the batch in hand, then leaves the group so its partitions move on at once.
      const left = await Promise.race([consumer.disconnect().then(() => true), sleep(STOP_WAIT_MS, false)]);
      if (!left)
        logger.warn(
          { topic, groupId },
          `the consumer did not leave its group within ${STOP_WAIT_MS} ms: stopping anyway (its partitions move when its session expires)`,
        );
      lag.keepOnly([]);
    },
  };
}

/**
 * Runs `onAssigned` for each new assignment and holds batches until it has finished, so a worker
 * never sees a site's messages before it has rebuilt that site's state. A failure is retried with
 * the next batch.
 */
function assignmentGate(onAssigned: SubscribeOptions['onAssigned'], logger: Logger) {
  let partitions: number[] = [];
  let pending: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    pending ??= Promise.resolve()
      .then(() => onAssigned?.(partitions))
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
  return {
    ready,
    assign(assigned: number[]) {
      partitions = [...assigned].sort((a, b) => a - b);
      pending = undefined;
      ready().catch((error: unknown) =>
        logger.warn({ err: error, partitions }, 'onAssigned failed: retried before the next batch'),
      );
    },
  };
}

/**
 * The lag gauge of one subscription's partitions. Kafka tells a consumer its partition's end (the
 * high watermark) with every batch: the lag is known at delivery (the batch and what follows it)
 * and after the commit. A partition that moved to another member drops out of this process's series.
 */
function partitionLag(group: string, topic: string) {
  const owned = new Set<number>();
  return {
    set(partition: number, messages: bigint) {
      owned.add(partition);
      consumerLag.set({ group, topic, partition: String(partition) }, Number(messages > 0n ? messages : 0n));
    },
    keepOnly(partitions: number[]) {
      for (const partition of owned) {
        if (partitions.includes(partition)) continue;
        owned.delete(partition);
        consumerLag.remove({ group, topic, partition: String(partition) });
      }
    },
  };
}

/**
 * Runs `start` after a pause that doubles per call in a row (from `initialMs` up to `maxMs`) until
 * it resolves; `reset` (the consumer is back) starts the doubling over. Nothing runs once `signal` aborts.
 */
function restarter(
  start: () => Promise<unknown>,
  {
    initialMs,
    maxMs,
    signal,
    onRetry,
  }: { initialMs: number; maxMs: number; signal: AbortSignal; onRetry: (error: unknown) => void },
) {
  let delayMs = initialMs;
  const schedule = (): void => {
    const pause = delayMs;
    delayMs = Math.min(delayMs * 2, maxMs);
    sleep(pause, undefined, { signal })
      .then(start)
      .catch((error: unknown) => {
        if (signal.aborted) return;
        onRetry(error);
        schedule();
      });
  };
  return {
    schedule,
    reset() {
      delayMs = initialMs;
    },
  };
}
