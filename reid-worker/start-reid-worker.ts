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
import { ClickHouseUnidentifiedSink } from './sinks/clickhouse-unidentified-sink.ts';
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
  /** The worker's clock: retention, visit sweeps and the time window of observations (tests inject a fake one). */
  now?: () => number;
}

const DAY_MS = 24 * 3600_000;

/**
 * The limits every observation is checked against, from config. `now` is the clock times are
 * checked by: the worker's own, so a simulation on a fake clock accepts what it replays.
 */
export function messageLimits(config: RevisitConfig, now: () => number = Date.now): MessageLimits {
  const sites = new Set(config.sites.map((s) => s.id));
  const retentionOf = siteRetentionOf(config);
  const { maxFutureSkewMs, maxPastDays } = config.limits;
  return {
    embeddingDim: config.matching.embeddingDim,
    maxMessageBytes: config.limits.maxMessageBytes,
    isKnownSite: (siteId) => sites.has(siteId),
    times: { now, maxFutureSkewMs, maxPastMsOf: (siteId) => (maxPastDays ?? retentionOf(siteId).sightingDays) * DAY_MS },
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
    limits: messageLimits(config, now),
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
    unidentified: new ClickHouseUnidentifiedSink(clickhouse, (siteId) => {
      const site = config.sites.find((s) => s.id === siteId)!;
      return { tenant: site.tenant, timeZone: site.timezone, retentionDays: retentionOf(siteId).sightingDays };
    }),
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
