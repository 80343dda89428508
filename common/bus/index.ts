/** The bus's public face: the contract and both implementations (Kafka, in-process). */
export type {
  BatchHandler,
  Bus,
  DeliveredBatch,
  DeliveredMessage,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
} from './bus.ts';
export { createKafkaBus, type KafkaBusOptions } from './kafka-bus.ts';
export { createMemoryBus, type MemoryBusOptions } from './memory-bus.ts';
