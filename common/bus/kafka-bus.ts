/** The Kafka implementation of the bus. Only common/bus/kafka-*.ts import kafkajs. */
import { Kafka, Partitioners } from 'kafkajs';
import { createLogger, logLevel as processLogLevel } from '../logger.ts';
import { drainGroup, lazyConnected, pingKafka, untilDeadline, untilLeaders } from './kafka-admin.ts';
import { startConsumer } from './kafka-consumer.ts';
import { LOG_LEVELS, kafkaLevelOf, logEntryTo } from './kafka-log.ts';
import type { BatchHandler, Bus, OutgoingMessage, SubscribeOptions, Subscription } from './bus.ts';

export interface KafkaBusOptions {
  /** Bootstrap `host:port` addresses. */
  brokers: string[];
  clientId: string;
  /** kafkajs's own log level, routed into our logger (default: the process's, LOG_LEVEL). */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
  /** Partitions of the topics this bus creates on first use (default 4). */
  numPartitions?: number;
  /** Pause before a batch whose handler failed is delivered again (default 1000 ms); doubles per failure in a row. */
  retryBackoffMs?: number;
  /** Cap of that doubling pause (default 30 s). */
  retryBackoffMaxMs?: number;
  /** A consumer silent this long is taken out of the group and its partitions move (default 30 s; the broker allows ≥ 6 s). */
  sessionTimeoutMs?: number;
  /** Longest the broker may hold a fetch open waiting for data: the idle delivery latency (default 250 ms). */
  maxWaitTimeMs?: number;
  /** drain() rejects after this long, naming the lagging partitions (default 60 s). */
  drainTimeoutMs?: number;
}

/**
 * A bus on a Kafka cluster. Topics are created on first use with `numPartitions`; messages are
 * keyed (Revisit keys by site) and partitioned by Kafka's default murmur2 partitioner, so the
 * Java clients and kafkajs agree on where a site lives.
 *
 * Delivery: one consumer per subscription, `eachBatch` with auto-commit off. A partition's batch
 * is committed (last offset + 1) only after the handler resolves. If the handler throws, the
 * consumer seeks back to the batch's first offset (with auto-commit off, kafkajs's seek commits
 * nothing), waits `retryBackoffMs` (doubling per failure in a row up to `retryBackoffMaxMs`) and
 * the same messages come again; the partition does not move on until the handler succeeds, so a
 * poison message must be dead-lettered by the handler. An outage is logged once when it starts
 * and once when it ends, not per retry.
 * Batches are handled one at a time (kafkajs's default `partitionsConsumedConcurrently: 1`).
 */
export function createKafkaBus(options: KafkaBusOptions): Bus {
  const logger = createLogger('kafka-bus');
  const numPartitions = options.numPartitions ?? 4;
  const retryBackoffMs = options.retryBackoffMs ?? 1000;
  const retryBackoffMaxMs = Math.max(retryBackoffMs, options.retryBackoffMaxMs ?? 30_000);
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
  const maxWaitTimeInMs = options.maxWaitTimeMs ?? 250;
  const drainTimeoutMs = options.drainTimeoutMs ?? 60_000;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: LOG_LEVELS[options.logLevel ?? kafkaLevelOf(processLogLevel())],
    logCreator: () => logEntryTo(logger),
  });

  const topicsReady = new Map<string, Promise<void>>();
  const subscriptions = new Set<Subscription>();
  /** Groups whose consumer crashed and is being started again: the process is not ready. */
  const down = new Set<string>();
  const producer = lazyConnected(() =>
    kafka.producer({
      // Explicit Java-compatible partitioner; also silences kafkajs's partitioner-change warning.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Idempotent with one request in flight: the broker drops duplicated retries, and retries
      // cannot reorder a site's messages. Retries are unbounded: ingest blocks rather than drops.
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    }),
  );
  const admin = lazyConnected(() => kafka.admin());

  const ensureTopic = (topic: string): Promise<void> => {
    let ready = topicsReady.get(topic);
    if (!ready) {
      ready = admin.get().then(async (a) => {
        await a.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
        // Another process may have created it a moment ago (createTopics then waits for nothing):
        // a partition without a leader yet fails a consumer's first offset lookup.
        await untilLeaders(a, topic, Date.now() + drainTimeoutMs);
      });
      // A failed creation is retried on the next use rather than remembered.
      ready.catch(() => topicsReady.delete(topic));
      topicsReady.set(topic, ready);
    }
    return ready;
  };

  return {
    async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
      if (messages.length === 0) return;
      await ensureTopic(topic);
      await (await producer.get()).send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({
          key: m.key,
          value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength),
        })),
      });
    },

    async ping(): Promise<void> {
      if (down.size > 0) throw new Error(`consumer of ${[...down].join(', ')} is down and restarting`);
      await pingKafka(options.brokers);
    },

    async subscribe(subscribeOptions: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
      await ensureTopic(subscribeOptions.topic);
      // A topic another process created a moment ago may not be in this broker's metadata yet.
      const subscription = await untilDeadline(Date.now() + drainTimeoutMs, () =>
        startConsumer(kafka, subscribeOptions, handler, {
          logger,
          retryBackoffMs,
          retryBackoffMaxMs,
          maxWaitTimeInMs,
          sessionTimeoutMs,
          onDown: (group) => down.add(group),
          onUp: (group) => down.delete(group),
        }),
      );
      const { topic, groupId } = subscribeOptions;
      const tracked: Subscription = {
        drain: async () => drainGroup(await admin.get(), topic, groupId, drainTimeoutMs),
        stop: async () => {
          subscriptions.delete(tracked);
          await subscription.stop();
        },
      };
      subscriptions.add(tracked);
      return tracked;
    },

    async close(): Promise<void> {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    },
  };
}

export { pingKafka };
