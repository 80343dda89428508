/** The message bus contract shared by the Kafka adapter and the in-process bus. */

/** A message as published: the key decides the partition (Revisit keys by site). */
export interface OutgoingMessage {
  key: string;
  value: Uint8Array;
}

/** A message as delivered to a consumer. `offset` is opaque (Kafka's string offset). */
export interface DeliveredMessage {
  key: string;
  value: Uint8Array;
  partition: number;
  offset: string;
}

/** One batch from one partition. */
export interface DeliveredBatch {
  topic: string;
  partition: number;
  messages: DeliveredMessage[];
}

/**
 * Handles a batch. Offsets are committed only after the returned promise resolves, so a
 * handler that throws (or a process that dies) gets the same messages again: sinks must be
 * idempotent.
 */
export type BatchHandler = (batch: DeliveredBatch) => Promise<void>;

export interface SubscribeOptions {
  topic: string;
  groupId: string;
  /** Called when this consumer is given partitions (e.g. to rebuild a site's index). */
  onAssigned?: (partitions: number[]) => Promise<void> | void;
  /**
   * Where a group with no committed offset starts: `earliest` (default: observations published
   * before the first worker came up count) or `latest` (a reader that only cares from now on).
   * A group with committed offsets always resumes from them.
   */
  startAt?: 'earliest' | 'latest';
}

export interface Subscription {
  /** Resolves when every message published before the call has been handled. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export interface Bus {
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** Resolves when the bus can be used (Kafka: a broker answers); readiness probes call it. */
  ping(): Promise<void>;
  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription>;
  close(): Promise<void>;
}
