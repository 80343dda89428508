/** Wires the re-id worker: consume face observations, assign identities, save to Redis and ClickHouse. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Bus, Subscription } from '../common/bus/bus.ts';
import type { RevisitConfig } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import type { MessageLimits } from '../schemas/index.ts';
import type { IdentityStore } from '../identity-registry/index.ts';
import { createObservationBatchHandler } from './handle-observation-batch.ts';
import { SiteStateCache } from './site-state.ts';
import { ClickHouseSightingSink } from './sinks/clickhouse-sighting-sink.ts';
import { DeadLetterSink } from './sinks/dead-letter-sink.ts';

export interface ReidWorkerDeps {
  config: RevisitConfig;
  bus: Bus;
  store: IdentityStore;
  clickhouse: ClickHouseClient;
}

/** The limits every observation is checked against, from config. */
export function messageLimits(config: RevisitConfig): MessageLimits {
  const sites = new Set(config.sites.map((s) => s.id));
  return {
    embeddingDim: config.matching.embeddingDim,
    maxMessageBytes: config.limits.maxMessageBytes,
    isKnownSite: (siteId) => sites.has(siteId),
  };
}

/** Starts consuming; the returned subscription drains and stops the worker. */
export async function startReidWorker({ config, bus, store, clickhouse }: ReidWorkerDeps): Promise<Subscription> {
  const logger = createLogger('reid-worker');
  const sites = new SiteStateCache(store, config.matching.embeddingDim);
  const handler = createObservationBatchHandler({
    limits: messageLimits(config),
    policy: { matchMinCosine: config.matching.matchMinCosine },
    sites,
    store,
    sinks: [new ClickHouseSightingSink(clickhouse)],
    deadLetters: new DeadLetterSink(bus, config.topics.deadLetters, clickhouse, logger),
    logger,
  });
  return bus.subscribe(
    {
      topic: config.topics.observations,
      groupId: 'reid-worker',
      // Another worker may have changed these sites meanwhile: rebuild from the registry.
      onAssigned: () => sites.invalidate(),
    },
    handler,
  );
}
