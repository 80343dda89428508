/** Wires the re-id worker: consume face observations, assign identities, save to Redis and ClickHouse. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Bus, Subscription } from '../common/bus/bus.ts';
import type { RevisitConfig } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { DEFAULT_WORKER_GROUP, encodeIdentityMerge, type MessageLimits } from '../schemas/index.ts';
import type { IdentityMerge, IdentityStore } from '../identity-registry/index.ts';
import { createObservationBatchHandler } from './handle-observation-batch.ts';
import { SiteStateCache } from './site-state.ts';
import { ClickHouseSightingSink } from './sinks/clickhouse-sighting-sink.ts';
import { DeadLetterSink } from './sinks/dead-letter-sink.ts';
import { SightingTopicSink } from './sinks/sighting-topic-sink.ts';
import { ClickHouseVisitSink } from './visits/clickhouse-visit-sink.ts';
import { siteRetentionOf } from '../identity-registry/index.ts';
import { MODEL_ID } from '../ingest/build-observation.ts';
import { ExclusionTemplateCache } from './exclusion/exclusion-template-cache.ts';
import { SiteRefresher } from './erasure/refresh-site-state.ts';
import { matchPolicyFromConfig } from './match/match-policy.ts';
import { SiteReclusterer } from './merges/site-reclusterer.ts';

export interface ReidWorkerDeps {
  config: RevisitConfig;
  bus: Bus;
  store: IdentityStore;
  clickhouse: ClickHouseClient;
  /** The clock retention is measured against (tests inject a fake one). */
  now?: () => number;
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
export async function startReidWorker({ config, bus, store, clickhouse, now }: ReidWorkerDeps): Promise<Subscription> {
  const logger = createLogger('reid-worker');
  const sites = new SiteStateCache(store, config.matching.embeddingDim);
  const templates = new ExclusionTemplateCache(store);
  const retentionOf = siteRetentionOf(config);
  const refresher = new SiteRefresher({
    store,
    retentionMsOf: (site) => retentionOf(site).identityMs,
    sweepEveryMs: config.privacy.retentionSweepMs,
    now,
    onStale: (site) => {
      sites.invalidate(site);
      templates.invalidate(site);
    },
    onExpired: (site, ids) => sites.forget(site, ids),
  });
  const policy = matchPolicyFromConfig(config.matching);
  const visitSink = new ClickHouseVisitSink(clickhouse, config, { now });
  const announce = (siteId: string, merges: IdentityMerge[]) =>
    bus.publish(
      config.topics.merges,
      merges.map((m) => ({ key: siteId, value: encodeIdentityMerge({ siteId, fromIdentityId: m.from, intoIdentityId: m.to, similarity: m.similarity, mergedAtMs: m.mergedAtMs }) })),
    );
  const reclusterer = new SiteReclusterer({ store, sites, clickhouse, policy, everyMs: config.matching.reclusterEveryMs, visits: visitSink, announce, logger, now });
  const handler = createObservationBatchHandler({
    limits: messageLimits(config),
    policy,
    sites,
    store,
    sinks: [new ClickHouseSightingSink(clickhouse, (site) => retentionOf(site).sightingDays), visitSink, new SightingTopicSink(bus, config.topics.sightings)],
    deadLetters: new DeadLetterSink(bus, config.topics.deadLetters, clickhouse, logger),
    logger,
    exclusion: { templates, minCosine: config.privacy.exclusionMinCosine },
    refresher,
    modelId: MODEL_ID,
    reclusterer,
  });
  return bus.subscribe(
    {
      topic: config.topics.observations,
      groupId: config.kafka?.groupId ?? DEFAULT_WORKER_GROUP,
      // Another worker may have changed these sites meanwhile: rebuild from the registry.
      onAssigned: () => {
        sites.invalidate();
        templates.invalidate();
        refresher.reset();
        visitSink.forgetSites();
      },
    },
    handler,
  );
}
