/** The Kafka implementation of the bus: the only module in Revisit that imports kafkajs. */
import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type EachBatchPayload,
  type LogEntry,
} from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, logLevel as processLogLevel, type Logger } from '../logger.ts';
import { consumerLag } from '../metrics.ts';
import { RetryBackoff } from './retry-backoff.ts';
import type { BatchHandler, Bus, DeliveredBatch, OutgoingMessage, SubscribeOptions, Subscription } from './bus.ts';

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

const LOG_LEVELS = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
} as const;

/** kafkajs's level for the process's pino level: kafkajs logs through our logger, so it need not say more than that logs. */
function kafkaLevelOf(level: string): keyof typeof LOG_LEVELS {
  if (level === 'silent') return 'nothing';
  if (level === 'fatal' || level === 'error') return 'error';
  if (level === 'trace') return 'debug';
  return level in LOG_LEVELS ? (level as keyof typeof LOG_LEVELS) : 'warn';
}

/** A readiness ping that has not connected by then counts as a broker down. */
const PING_CONNECT_TIMEOUT_MS = 1000;

/** How often a running handler tells the coordinator it is alive; kafkajs throttles to heartbeatInterval. */
const HEARTBEAT_EVERY_MS = 1000;
const DRAIN_POLL_MS = 100;
/**
 * Longest a stop waits for the consumer to leave its group. After an outage kafkajs may be
 * waiting in a JoinGroup that the broker holds until the old member's session expires; nothing
 * uncommitted is lost by not waiting (the group expires the member and redelivers).
 */
const STOP_WAIT_MS = 10_000;
const EMPTY = new Uint8Array(0);

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
  /** Groups whose consumer crashed and that kafkajs will not restart: the process is not ready. */
  const crashed = new Set<string>();
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
      if (crashed.size > 0) throw new Error(`consumer of ${[...crashed].join(', ')} stopped and will not restart`);
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
          onDead: (group) => crashed.add(group),
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

/**
 * Resolves once a Kafka cluster answers a metadata request; rejects at the first failure
 * (callers poll). A bus's readiness probe, and the test harness's sign that a fresh broker is up.
 */
export async function pingKafka(brokers: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'revisit-ping',
    brokers,
    logLevel: KafkaLogLevel.NOTHING,
    connectionTimeout: PING_CONNECT_TIMEOUT_MS,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

interface ConsumerSettings {
  logger: Logger;
  /** The consumer crashed and kafkajs will not restart it. */
  onDead: (groupId: string) => void;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  maxWaitTimeInMs: number;
  sessionTimeoutMs: number;
}

async function startConsumer(
  kafka: Kafka,
  { topic, groupId, onAssigned, startAt }: SubscribeOptions,
  handler: BatchHandler,
  { logger, retryBackoffMs, retryBackoffMaxMs, maxWaitTimeInMs, sessionTimeoutMs, onDead }: ConsumerSettings,
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
  // kafkajs restarts a consumer after retriable failures (a broker outage); one it gives up on makes the process unready.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || stopping.signal.aborted) return;
    logger.error({ err: payload.error, topic, groupId }, 'consumer stopped and will not restart: restart the process');
    onDead(groupId);
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = payload.memberAssignment[topic] ?? [];
    lag.keepOnly(partitions);
    logger.info({ topic, groupId, partitions }, 'partitions assigned');
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

  await consumer.connect();
  try {
    // A new group starts at the beginning unless told otherwise: observations published before the first worker came up count.
    await consumer.subscribe({ topics: [topic], fromBeginning: startAt !== 'latest' });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
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

async function drainGroup(admin: Admin, topic: string, groupId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ends = await untilDeadline(deadline, () => admin.fetchTopicOffsets(topic));
  for (;;) {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const lagging = ends.filter(({ partition, high, low }) => {
      const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      // No commit yet means the group would start from the earliest offset.
      return BigInt(offset === '-1' ? low : offset) < BigInt(high);
    });
    if (lagging.length === 0) return;
    if (Date.now() > deadline) {
      const detail = lagging.map((p) => `${p.partition}<${p.high}`).join(', ');
      throw new Error(`drain of ${topic} for group ${groupId} timed out after ${timeoutMs} ms (lagging: ${detail})`);
    }
    await sleep(DRAIN_POLL_MS);
  }
}

/** Resolves once every partition of `topic` has a leader. */
async function untilLeaders(admin: Admin, topic: string, deadline: number): Promise<void> {
  for (;;) {
    const { topics } = await untilDeadline(deadline, () => admin.fetchTopicMetadata({ topics: [topic] }));
    const partitions = topics[0]?.partitions ?? [];
    if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
    if (Date.now() > deadline) throw new Error(`topic ${topic} has partitions without a leader`);
    await sleep(DRAIN_POLL_MS);
  }
}

/** Retriable itself, or kafkajs's own retries of a retriable error ran out (KafkaJSNumberOfRetriesExceeded keeps it as `cause`). */
function isRetriable(error: unknown): boolean {
  const e = error as { retriable?: boolean; cause?: { retriable?: boolean } } | undefined;
  return Boolean(e?.retriable || e?.cause?.retriable);
}

/**
 * Retries what fails with an error kafkajs marks retriable (a fresh topic's leader election answers
 * NOT_LEADER for a moment, and the admin client does not retry offset lookups itself).
 */
async function untilDeadline<T>(deadline: number, attempt: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetriable(error) || Date.now() > deadline) throw error;
      await sleep(DRAIN_POLL_MS);
    }
  }
}

/** A client connected on first use; a failed connect is retried on the next use. */
function lazyConnected<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(create: () => T) {
  let client: Promise<T> | undefined;
  return {
    get(): Promise<T> {
      client ??= (async () => {
        const c = create();
        await c.connect();
        return c;
      })().catch((error: unknown) => {
        client = undefined;
        throw error;
      });
      return client;
    },
    async disconnect(): Promise<void> {
      const pending = client;
      client = undefined;
      if (pending) await (await pending).disconnect();
    },
  };
}

function logEntryTo(logger: Logger) {
  return ({ namespace, level, log }: LogEntry): void => {
    const { message, timestamp: _timestamp, ...fields } = log;
    const entry = { kafkajs: namespace, ...fields };
    // kafkajs logs every error response of a broker at ERROR, even the ones it retries (a fresh
    // coordinator "loading", a leader election): a real failure reaches the caller as a rejection.
    if (namespace === 'Connection' && message.startsWith('Response ')) logger.debug(entry, message);
    else if (level === KafkaLogLevel.ERROR) logger.error(entry, message);
    else if (level === KafkaLogLevel.WARN) logger.warn(entry, message);
    else if (level === KafkaLogLevel.INFO) logger.info(entry, message);
    else logger.debug(entry, message);
  };
}
