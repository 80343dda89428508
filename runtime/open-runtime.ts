/** The composition root: bus, ClickHouse (migrated), Redis, the identity store and the registry lock, embedded or distributed per config. */
import { join, resolve } from 'node:path';
import type { Bus } from '../common/bus/bus.ts';
import { createKafkaBus } from '../common/bus/kafka-bus.ts';
import { createMemoryBus } from '../common/bus/memory-bus.ts';
import type { RevisitConfig } from '../common/config.ts';
import { makePrivateDir, restrictNewFileModes } from '../common/process/restrict-file-modes.ts';
import { startLocalRedis } from '../common/redis/local-redis-server.ts';
import { loadCentroidCipher, RedisIdentityStore, type IdentityStore } from '../identity-registry/index.ts';
import { RegistryLock } from '../reid-worker/erasure/registry-lock.ts';
import { siteRetentionOf } from '../schemas/index.ts';
import { applyMigrations } from '../storage/clickhouse/apply-migrations.ts';
import {
  createClickHouseClient,
  pingClickHouse,
  type ClickHouseClient,
} from '../storage/clickhouse/create-clickhouse-client.ts';
import type { Readiness } from '../common/health/check-readiness.ts';
import { redactUrl } from './check-deployment.ts';

export interface Runtime {
  config: RevisitConfig;
  bus: Bus;
  clickhouse: ClickHouseClient;
  store: IdentityStore;
  /** One per process: the worker, its visit sweeps and erasures in this process take turns under it. */
  registryLock: RegistryLock;
  close(): Promise<void>;
}

/**
 * Opens every shared connection. Unset Kafka → in-process bus; unset ClickHouse URL → embedded
 * chdb; unset Redis URL → a private redis-server with an append-only file under dataDir, on a
 * Unix socket. Whatever is embedded lives in a 0700 data directory in files of mode 0600.
 * Services check their configuration first (check-deployment.ts): this opens whatever it is told.
 * `clientId` names the process to Kafka's brokers (revisit-worker, revisit-api…).
 */
export async function openRuntime(config: RevisitConfig, clientId = 'revisit'): Promise<Runtime> {
  const closers: Array<() => Promise<unknown>> = [];
  restrictNewFileModes();
  if (!config.clickhouse.url || !config.redis.url) makePrivateDir(config.dataDir);
  try {
    const clickhouse = await createClickHouseClient(config);
    closers.push(() => clickhouse.close());
    await applyMigrations(clickhouse).catch((err: Error) => {
      // The client's error names only an address: say which store, and which setting points at it.
      const where = config.clickhouse.url
        ? `the ClickHouse server at ${redactUrl(config.clickhouse.url)} (clickhouse.url)`
        : `the embedded ClickHouse under ${config.dataDir}/clickhouse`;
      throw new Error(`${where}: ${err.message}`, { cause: err });
    });

    let redisUrl = config.redis.url;
    if (!redisUrl) {
      const local = await startLocalRedis({ dir: resolve(join(config.dataDir, 'redis')), appendOnly: true });
      closers.push(() => local.stop());
      redisUrl = local.url;
    }
    const retentionOf = siteRetentionOf(config);
    const store = new RedisIdentityStore({
      url: redisUrl,
      cipher: loadCentroidCipher(config),
      keyPrefix: config.redis.keyPrefix,
      retentionMsOf: (site) => retentionOf(site).identityMs,
    });
    closers.unshift(() => store.close());
    await store.ping().catch((err: Error) => {
      const where = config.redis.url
        ? `the Redis server at ${redactUrl(config.redis.url)} (redis.url)`
        : `the embedded Redis under ${config.dataDir}/redis`;
      throw new Error(`${where}: ${err.message}`, { cause: err });
    });

    const bus = openBus(config, clientId);
    closers.unshift(() => bus.close());

    return {
      config,
      bus,
      clickhouse,
      store,
      registryLock: new RegistryLock(),
      close: async () => {
        for (const close of closers) await close();
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw err;
  }
}

/** The bus alone (a camera publishes and reads nothing else): Kafka when configured, else in-process. */
export function openBus(config: RevisitConfig, clientId: string): Bus {
  return config.kafka
    ? createKafkaBus({
        brokers: config.kafka.brokers,
        clientId,
        numPartitions: config.kafka.partitions,
        sessionTimeoutMs: config.kafka.sessionTimeoutMs,
        retryBackoffMaxMs: config.kafka.retryBackoffMaxMs,
      })
    : createMemoryBus();
}

/** What a service on the whole runtime checks for readiness: Kafka (when configured), Redis, ClickHouse. */
export function runtimeReadiness({
  config,
  bus,
  store,
  clickhouse,
}: Pick<Runtime, 'config' | 'bus' | 'store' | 'clickhouse'>): Readiness {
  return {
    ...(config.kafka ? { kafka: () => bus.ping() } : {}),
    redis: () => store.ping(),
    clickhouse: () => pingClickHouse(clickhouse),
  };
}
