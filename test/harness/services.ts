/** Test files' access to the real Kafka broker and redis-server: shared when the run provides them, private otherwise. */
import { startKafkaBroker, type KafkaBroker } from './kafka-broker.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';

export { uniqueName } from './unique-name.ts';

/** Set by with-services.ts for the whole test run. */
export const KAFKA_BROKERS_ENV = 'REVISIT_TEST_KAFKA_BROKERS';
export const REDIS_URL_ENV = 'REVISIT_TEST_REDIS_URL';

export interface KafkaService {
  brokers: string[];
  /** Stops the broker only if this process started it and nobody else in it still uses it. */
  release(): Promise<void>;
}

export interface RedisService {
  url: string;
  /** Stops the server only if this process started it and nobody else in it still uses it. */
  release(): Promise<void>;
}

/**
 * The run's Kafka broker, or a private one started on first use (so one test file can run
 * alone). Use fresh `uniqueName()` topics and groups: the broker is shared.
 */
export async function useKafka(): Promise<KafkaService> {
  const shared = process.env[KAFKA_BROKERS_ENV];
  if (shared) return { brokers: shared.split(','), release: async () => undefined };
  const broker = await privateKafka.acquire();
  return { brokers: broker.brokers, release: () => privateKafka.release() };
}

/**
 * The run's redis-server, or a private one. Use `uniqueName()` key prefixes: the server is
 * shared. Tests that restart or crash Redis start their own with `startRedisServer()`.
 */
export async function useRedis(): Promise<RedisService> {
  const shared = process.env[REDIS_URL_ENV];
  if (shared) return { url: shared, release: async () => undefined };
  const server = await privateRedis.acquire();
  return { url: server.url, release: () => privateRedis.release() };
}

const privateKafka = refCounted<KafkaBroker>(() => startKafkaBroker());
const privateRedis = refCounted<RedisServer>(() => startRedisServer());

/** One private service per process, started by the first user and stopped by the last. */
function refCounted<T extends { stop(): Promise<void> }>(start: () => Promise<T>) {
  let service: Promise<T> | undefined;
  let users = 0;
  return {
    acquire(): Promise<T> {
      users += 1;
      service ??= start().catch((error: unknown) => {
        service = undefined;
        users = 0;
        throw error;
      });
      return service;
    },
    async release(): Promise<void> {
      users -= 1;
      if (users > 0 || !service) return;
      const stopping = service;
      service = undefined;
      await (await stopping).stop();
    },
  };
}
