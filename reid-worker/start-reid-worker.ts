/** Wires the re-id worker from config: consume face observations, assign identities, save to Redis and ClickHouse through storage. */
import type { ClickHouseClient } from '../storage/clickhouse/create-clickhouse-client.ts';
import type { Bus, Subscription } from '../common/bus/bus.ts';
import type { RevisitConfig } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { DEFAULT_WORKER_GROUP, encodeIdentityMerge, messageLimits, siteRetentionOf } from '../schemas/index.ts';
import type { IdentityMerge, IdentityStore } from '../identity-registry/index.ts';
import { createObservationBatchHandler } from './handle-observation-batch.ts';
import { SiteStateCache } from './site-state-cache.ts';
import { insertSightings } from '../storage/sightings-table.ts';
import { insertUnidentifiedTracks } from '../storage/unidentified-tracks-table.ts';
import { DeadLetterSink } from './sinks/dead-letter-sink.ts';
import { SightingTopicSink } from './sinks/sighting-topic-sink.ts';
import { consumeHeartbeats } from './sinks/heartbeat-sink.ts';
import { VisitMaintainer } from './visits/visit-maintainer.ts';
import type { RegistryLock } from './erasure/registry-lock.ts';
import { MODEL_ID } from '../models/index.ts';
import { ExclusionTemplateCache } from './exclusion/exclusion-template-cache.ts';
import { SiteRefresher } from './erasure/refresh-site-state.ts';
import { matchPolicyFor, matchPolicyFromConfig } from './match/match-policy.ts';
import { CalibrationCollector } from './calibration/collect-calibration-pairs.ts';
import { CalibrationRecorder } from './calibration/record-calibration-pairs.ts';
import { SiteReclusterer } from './merges/site-reclusterer.ts';
import { cosine } from '../ingest/face/measure-eer.ts';

export interface ReidWorkerDeps {
  config: RevisitConfig;
  bus: Bus;
  store: IdentityStore;
  clickhouse: ClickHouseClient;
  /** The process's registry lock, shared with in-process erasures (the runtime makes one). */
  registryLock: RegistryLock;
  /** The worker's clock: retention, visit sweeps and the time window of observations (tests inject a fake one). */
  now?: () => number;
}

/** Starts consuming (visits left open are recovered as partitions are assigned); the returned subscription drains and stops the worker. */
export async function startReidWorker({
  config,
  bus,
  store,
  clickhouse,
  registryLock,
  now,
}: ReidWorkerDeps): Promise<Subscription> {
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
  const policyFor = (siteId: string, cameraId: string) => matchPolicyFor(config, siteId, cameraId);
  const calibration = new CalibrationCollector();
  const calibrationRecorder = new CalibrationRecorder(
    clickhouse,
    calibration,
    (site, camera) => policyFor(site, camera).matchMinCosine,
  );
  const visits = new VisitMaintainer(clickhouse, config, {
    now,
    // Read when a small face's track joins a visit: the candidates' identities are in the state
    // the batch was just matched against. Memory only: the embedding is compared, never kept.
    facesOf: (siteId) => (identityId) => {
      const centroid = sites.peek(siteId)?.get(identityId)?.centroid;
      return centroid && ((pairing) => cosine(centroid, pairing));
    },
  });
  const announce = (siteId: string, merges: IdentityMerge[]) =>
    bus.publish(
      config.topics.merges,
      merges.map((m) => ({
        key: siteId,
        value: encodeIdentityMerge({
          siteId,
          fromIdentityId: m.from,
          intoIdentityId: m.to,
          similarity: m.similarity,
          mergedAtMs: m.mergedAtMs,
        }),
      })),
    );
  const reclusterer = new SiteReclusterer({
    store,
    sites,
    clickhouse,
    policy,
    everyMs: config.matching.reclusterEveryMs,
    visits,
    announce,
    logger,
    now,
  });
  const unidentifiedSiteOf = (siteId: string) => {
    const site = config.sites.find((s) => s.id === siteId)!;
    return { tenant: site.tenant, timeZone: site.timezone, retentionDays: retentionOf(siteId).sightingDays };
  };
  const topic = new SightingTopicSink(bus, config.topics.sightings);
  const deadLetters = new DeadLetterSink(bus, config.topics.deadLetters, clickhouse, logger);
  const handler = createObservationBatchHandler({
    limits: messageLimits(config, now),
    policy,
    policyFor,
    sites,
    store,
    steps: {
      saveUnidentified: (observations) => insertUnidentifiedTracks(clickhouse, observations, unidentifiedSiteOf),
      saveSightings: (sightings) => insertSightings(clickhouse, sightings, (site) => retentionOf(site).sightingDays),
      updateVisits: (sightings, unidentified) => visits.update(sightings, unidentified),
      publishSightings: (sightings) => topic.write(sightings),
      recordCalibration: (sightings) => calibrationRecorder.record(sightings),
    },
    deadLetters,
    registryLock,
    logger,
    exclusion: { templates, minCosine: config.privacy.exclusionMinCosine },
    refresher,
    modelId: MODEL_ID,
    reclusterer,
    calibration,
  });
  const subscription = await bus.subscribe(
    {
      topic: config.topics.observations,
      groupId: config.kafka?.groupId ?? DEFAULT_WORKER_GROUP,
      // Another worker may have changed these sites meanwhile: rebuild from the registry, recover open visits.
      onAssigned: () => {
        sites.invalidate();
        templates.invalidate();
        refresher.reset();
        calibration.forgetSites();
        return registryLock.run(() => visits.takeOverSites());
      },
    },
    handler,
  );
  const heartbeats = await consumeHeartbeats({ config, bus, clickhouse, deadLetters, now });
  visits.start(registryLock);
  return {
    drain: async () => {
      await subscription.drain();
      await heartbeats.drain();
    },
    stop: async () => {
      visits.stop();
      await heartbeats.stop();
      await subscription.stop();
    },
  };
}
