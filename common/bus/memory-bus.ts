/** The in-process bus of the embedded mode: Kafka's delivery semantics without a broker. */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../logger.ts';
import { consumerLag } from '../metrics.ts';
import { RetryBackoff } from './retry-backoff.ts';
import type { BatchHandler, Bus, DeliveredBatch, OutgoingMessage, SubscribeOptions, Subscription } from './bus.ts';

export interface MemoryBusOptions {
  /** Partitions per topic (default 4). */
  numPartitions?: number;
  /** Pause before a batch whose handler failed is delivered again (default 100 ms); doubles per failure in a row. */
  retryBackoffMs?: number;
  /** Cap of that doubling pause (default 30 s). */
  retryBackoffMaxMs?: number;
  /** Most messages handed to the handler at once (default 500). */
  maxBatchSize?: number;
  /** drain() rejects after this long, naming the lagging partitions (default 60 s). */
  drainTimeoutMs?: number;
  /**
   * Messages kept per partition (default 100,000): older ones are dropped, as Kafka's retention
   * drops old segments, so a long-running embedded process does not grow without bound.
   */
  retainPerPartition?: number;
}

interface StoredMessage {
  key: string;
  value: Uint8Array;
}

interface Partition {
  /** Offset of messages[0]: offsets keep counting when old messages are dropped. */
  base: number;
  messages: StoredMessage[];
}

interface Topic {
  partitions: Partition[];
  /** Per consumer group: the next offset to deliver per partition (Kafka's committed offset). */
  groups: Map<string, { committed: number[]; active: boolean }>;
  /** Consumers waiting for new messages, and drain() calls waiting for commits. */
  listeners: Set<() => void>;
}

/**
 * A bus inside one process. Messages are partitioned by a hash of the key (same key → same
 * partition), each consumer group keeps its own offsets for as long as the bus lives, and a
 * group's offset moves past a batch only once its handler resolves; a throwing handler gets the
 * same batch again after `retryBackoffMs`, doubling per failure in a row up to `retryBackoffMaxMs`
 * (one warning per outage). Like kafkajs by default, one subscription hands its
 * handler one batch at a time, taking the partitions in turn. A group has one consumer at a time:
 * one process owns all partitions, so there is nothing to balance.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const logger = createLogger('memory-bus');
  const numPartitions = options.numPartitions ?? 4;
  const retryBackoffMs = options.retryBackoffMs ?? 100;
  const retryBackoffMaxMs = Math.max(retryBackoffMs, options.retryBackoffMaxMs ?? 30_000);
  const maxBatchSize = options.maxBatchSize ?? 500;
  const drainTimeoutMs = options.drainTimeoutMs ?? 60_000;
  const retain = options.retainPerPartition ?? 100_000;
  const topics = new Map<string, Topic>();
  const subscriptions = new Set<Subscription>();

  const topicNamed = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) {
      topic = {
        partitions: Array.from({ length: numPartitions }, () => ({ base: 0, messages: [] })),
        groups: new Map(),
        listeners: new Set(),
      };
      topics.set(name, topic);
    }
    return topic;
  };
  const notify = (topic: Topic) => [...topic.listeners].forEach((listener) => listener());
  const reportLag = (name: string, topic: Topic) => {
    for (const [groupId, group] of topic.groups) {
      if (!group.active) continue;
      topic.partitions.forEach(({ base, messages }, partition) =>
        consumerLag.set(
          { group: groupId, topic: name, partition: String(partition) },
          base + messages.length - Math.max(group.committed[partition], base),
        ),
      );
    }
  };

  return {
    async publish(name: string, messages: OutgoingMessage[]): Promise<void> {
      const topic = topicNamed(name);
      for (const { key, value } of messages) {
        // Copied, as a broker would: the publisher may reuse its buffer.
        const partition = topic.partitions[partitionFor(key, numPartitions)];
        partition.messages.push({ key, value: new Uint8Array(value) });
        if (partition.messages.length > retain) {
          const dropped = partition.messages.length - retain;
          partition.messages.splice(0, dropped);
          partition.base += dropped;
        }
      }
      if (messages.length > 0) {
        reportLag(name, topic);
        notify(topic);
      }
    },

    async ping(): Promise<void> {},

    async subscribe(
      { topic: name, groupId, onAssigned, startAt }: SubscribeOptions,
      handler: BatchHandler,
    ): Promise<Subscription> {
      const topic = topicNamed(name);
      let group = topic.groups.get(groupId);
      if (!group) {
        const committed = topic.partitions.map(({ base, messages }) =>
          startAt === 'latest' ? base + messages.length : 0,
        );
        group = { committed, active: false };
        topic.groups.set(groupId, group);
      }
      if (group.active) throw new Error(`memory bus: group ${groupId} already has a consumer on ${name}`);
      await onAssigned?.(topic.partitions.map((_, partition) => partition));
      group.active = true;
      reportLag(name, topic);
      const offsets = group;
      const stopping = new AbortController();
      const backoff = new RetryBackoff({ initialMs: retryBackoffMs, maxMs: retryBackoffMaxMs });

      const nextBatch = (after: number): DeliveredBatch | undefined => {
        for (let step = 1; step <= numPartitions; step++) {
          const partition = (after + step) % numPartitions;
          const { base, messages } = topic.partitions[partition];
          // A consumer that fell behind retention resumes at the oldest message kept, as in Kafka.
          const from = Math.max(offsets.committed[partition], base);
          offsets.committed[partition] = from;
          const stored = messages.slice(from - base, from - base + maxBatchSize);
          if (stored.length > 0) {
            return {
              topic: name,
              partition,
              messages: stored.map((m, i) => ({ ...m, partition, offset: String(from + i) })),
            };
          }
        }
        return undefined;
      };
      const waitForMessages = () =>
        new Promise<void>((resolve) => {
          const wake = () => {
            topic.listeners.delete(wake);
            stopping.signal.removeEventListener('abort', wake);
            resolve();
          };
          topic.listeners.add(wake);
          stopping.signal.addEventListener('abort', wake);
        });

      const loop = (async () => {
        let last = numPartitions - 1;
        while (!stopping.signal.aborted) {
          const batch = nextBatch(last);
          if (!batch) {
            await waitForMessages();
            continue;
          }
          last = batch.partition;
          try {
            await handler(batch);
          } catch (error) {
            const { delayMs, failures, outageStarted } = backoff.failed(batch.partition);
            const where = { err: error, topic: name, partition: batch.partition, offset: batch.messages[0].offset };
            if (outageStarted)
              logger.warn(where, 'batch handler failed: the batch will be delivered again until it succeeds');
            else logger.debug({ ...where, failures, delayMs }, 'batch handler failed again');
            await sleep(delayMs, undefined, { signal: stopping.signal }).catch(() => undefined);
            continue;
          }
          const failures = backoff.succeeded(batch.partition);
          if (failures > 0)
            logger.info({ topic: name, partition: batch.partition, failures }, 'batch handler recovered');
          offsets.committed[batch.partition] += batch.messages.length;
          reportLag(name, topic);
          notify(topic);
        }
      })();

      const subscription: Subscription = {
        drain: () => drainGroup(topic, name, groupId, offsets.committed, drainTimeoutMs),
        async stop() {
          subscriptions.delete(subscription);
          stopping.abort();
          // The batch in hand finishes (and commits) first, as with Kafka.
          await loop;
          offsets.active = false;
          for (let partition = 0; partition < numPartitions; partition++)
            consumerLag.remove({ group: groupId, topic: name, partition: String(partition) });
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async close(): Promise<void> {
      await Promise.all([...subscriptions].map((s) => s.stop()));
    },
  };
}

/** Same key, same partition, in every process: a stable hash, not Kafka's murmur2. */
function partitionFor(key: string, numPartitions: number): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) % numPartitions;
}

function drainGroup(
  topic: Topic,
  name: string,
  groupId: string,
  committed: number[],
  timeoutMs: number,
): Promise<void> {
  const target = topic.partitions.map((p) => p.base + p.messages.length);
  const done = () => target.every((end, partition) => committed[partition] >= end);
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done()) return;
      finish();
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      const lagging = target.flatMap((end, partition) => (committed[partition] < end ? [`${partition}<${end}`] : []));
      reject(
        new Error(
          `drain of ${name} for group ${groupId} timed out after ${timeoutMs} ms (lagging: ${lagging.join(', ')})`,
        ),
      );
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      topic.listeners.delete(check);
    };
    topic.listeners.add(check);
  });
}
