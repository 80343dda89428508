/** Kafka admin steps of the bus: readiness ping, waiting for leaders, draining a group, lazily connected clients. */
import { Kafka, logLevel as KafkaLogLevel, type Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A readiness ping that has not connected by then counts as a broker down. */
const PING_CONNECT_TIMEOUT_MS = 1000;
const DRAIN_POLL_MS = 100;

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

/** Resolves once `groupId` has committed every message of `topic` that existed when called; rejects after `timeoutMs`. */
export async function drainGroup(admin: Admin, topic: string, groupId: string, timeoutMs: number): Promise<void> {
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
export async function untilLeaders(admin: Admin, topic: string, deadline: number): Promise<void> {
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
export async function untilDeadline<T>(deadline: number, attempt: () => Promise<T>): Promise<T> {
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
export function lazyConnected<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(create: () => T) {
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
