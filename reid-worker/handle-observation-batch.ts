/** The Kafka-facing step: decode a batch, assign identities per site, then save, sessionise, publish and re-cluster, in that order. */
import type { DeliveredBatch, DeliveredMessage } from '../common/bus/bus.ts';
import { isRetriable } from '../common/is-retriable.ts';
import type { Logger } from '../common/logger.ts';
import { batchSeconds, observationsTotal } from '../common/metrics.ts';
import {
  ContractError,
  decodeFaceObservation,
  isUnidentified,
  type FaceObservation,
  type MessageLimits,
  type Sighting,
} from '../schemas/index.ts';
import type { Identity, IdentitySplit, IdentityStore, ProcessedObservation } from '../identity-registry/index.ts';
import { toSighting } from './match/assign-identity.ts';
import { BatchAssigner } from './match/batch-assigner.ts';
import type { MatchPolicy } from './match/match-observation.ts';
import type { SiteStateCache } from './site-state-cache.ts';
import type { DeadLetter, DeadLetterSink } from './sinks/dead-letter-sink.ts';
import { matchExclusion } from './exclusion/match-exclusion.ts';
import type { ExclusionTemplateCache } from './exclusion/exclusion-template-cache.ts';
import type { SiteRefresher } from './erasure/refresh-site-state.ts';
import type { RegistryLock } from './erasure/registry-lock.ts';
import type { SiteReclusterer } from './merges/site-reclusterer.ts';
import type { CalibrationCollector } from './calibration/collect-calibration-pairs.ts';
import { isolateFailures } from './isolate-failures.ts';

/**
 * What happens to a batch's sightings once they are assigned and the registry saved, in this
 * order (the unidentified observations before them). Each step must be idempotent by observation id: a redelivery, or the isolation of a bad
 * observation, runs parts of a batch again. The batch is committed only when all succeeded.
 */
export interface SightingSteps {
  /** 0. People seen but not identified into `unidentified_tracks`: they have no identity; only step 2 sees them again. */
  saveUnidentified(observations: FaceObservation[]): Promise<void>;
  /** 1. Into the `sightings` table: the visit maintainer re-reads them to continue a visit after a restart. */
  saveSightings(sightings: Sighting[]): Promise<void>;
  /** 2. Into visits (the visit maintainer), with the unidentified observations (an entrance or exit track can join a visit): after 0 and 1, so a visit restored from storage finds its sightings and tracks there. */
  updateVisits(sightings: Sighting[], unidentified: FaceObservation[]): Promise<void>;
  /** 3. Onto the sightings topic: last, so an integrating application only hears of what is stored. */
  publishSightings(sightings: Sighting[]): Promise<void>;
  /** 4. The label-free calibration pairs of these sightings (see CalibrationCollector): after 1, so each observation's pairs are written once it is stored. */
  recordCalibration?(sightings: Sighting[]): Promise<void>;
}

export interface BatchHandlerDeps {
  limits: MessageLimits;
  policy: MatchPolicy;
  /** A camera's own policy (per-camera thresholds); unset: `policy` everywhere. */
  policyFor?: (siteId: string, cameraId: string) => MatchPolicy;
  sites: SiteStateCache;
  store: IdentityStore;
  steps: SightingSteps;
  deadLetters: DeadLetterSink;
  /** The process's registry lock: held for each whole batch, so an erasure or a visit sweep never interleaves. */
  registryLock: RegistryLock;
  logger: Logger;
  /** Enrolled exclusion groups (staff): a face matching a template gets a labelled sighting and no identity. */
  exclusion?: { templates: ExclusionTemplateCache; minCosine: number };
  /** Retention sweeps and reloads after erasures/enrolments, run before each site's batch. */
  refresher?: SiteRefresher;
  /** The feature model this worker's identities come from: embeddings of another model never compare. */
  modelId?: string;
  /** 5. The periodic re-clustering pass, run per site after the steps: it re-keys the sightings they saved. */
  reclusterer?: Pick<SiteReclusterer, 'afterBatch'>;
  /** Label-free calibration: sees every newly assigned observation (step 4 writes its pairs). */
  calibration?: Pick<CalibrationCollector, 'observe'>;
}

/** A decoded observation with the message it came in: a failure dead-letters the original bytes. */
interface DeliveredObservation {
  observation: FaceObservation;
  message: DeliveredMessage;
}

function groupBySite(observations: FaceObservation[]): Map<string, FaceObservation[]> {
  const out = new Map<string, FaceObservation[]>();
  for (const obs of observations) {
    const list = out.get(obs.siteId) ?? [];
    list.push(obs);
    out.set(obs.siteId, list);
  }
  return out;
}

/** Assigns one site's observations; a redelivered observation reuses its first assignment. */
async function assignSite(
  deps: BatchHandlerDeps,
  siteId: string,
  observations: FaceObservation[],
): Promise<Sighting[]> {
  await deps.refresher?.refresh(siteId);
  const state = await deps.sites.get(siteId);
  const templates = deps.exclusion ? await deps.exclusion.templates.get(siteId) : [];
  const earlier = await deps.store.findProcessed(
    siteId,
    observations.map((o) => o.observationId),
  );
  const changed = new Map<string, Identity>();
  const processed = new Map<string, ProcessedObservation>();
  const sightings: Sighting[] = [];
  const splits: IdentitySplit[] = [];
  try {
    // One index search for the batch; decisions stay in order (see BatchAssigner).
    const assigner = new BatchAssigner(
      state,
      observations.filter((_, i) => !earlier[i]),
      deps.policy,
    );
    observations.forEach((obs, i) => {
      const before = earlier[i] ?? processed.get(obs.observationId);
      if (before) {
        observationsTotal.inc({ outcome: 'redelivered' });
        sightings.push({
          ...toSighting(obs, before.identityId, before.similarity, before.isNewIdentity),
          label: before.label ?? '',
        });
        return;
      }
      const excluded = deps.exclusion && matchExclusion(obs.embedding, templates, deps.exclusion.minCosine);
      if (excluded) {
        // Staff keep no identity of their own: the template is who they are, and the label keeps them out of footfall.
        observationsTotal.inc({ outcome: 'excluded' });
        const p = {
          observationId: obs.observationId,
          identityId: excluded.templateId,
          similarity: excluded.similarity,
          isNewIdentity: false,
          label: excluded.label,
        };
        processed.set(obs.observationId, p);
        sightings.push({ ...toSighting(obs, p.identityId, p.similarity, false), label: p.label });
        return;
      }
      const { identity, sighting, split, minted } = assigner.assign(obs, deps.policyFor?.(obs.siteId, obs.cameraId));
      deps.calibration?.observe(state, obs, identity.identityId, minted);
      observationsTotal.inc({ outcome: sighting.isNewIdentity ? 'new_identity' : 'matched' });
      if (split) {
        changed.set(split.from, split.fromIdentity);
        const { from, to, observationIds, firstMovedMs, similarity } = split;
        splits.push({ from, to, observationIds, firstMovedMs, similarity, splitAtMs: obs.tEndMs });
      }
      changed.set(identity.identityId, identity);
      processed.set(obs.observationId, {
        observationId: obs.observationId,
        identityId: identity.identityId,
        similarity: sighting.similarity,
        isNewIdentity: sighting.isNewIdentity,
      });
      sightings.push(sighting);
    });
    assigner.finish();
    // A split in this batch may move sightings this batch already assigned, and change identities it saved earlier.
    for (const split of splits) {
      const moved = new Set(split.observationIds);
      for (const s of sightings) if (moved.has(s.observationId)) s.identityId = split.to;
      for (const p of processed.values()) if (moved.has(p.observationId)) p.identityId = split.to;
    }
    for (const id of changed.keys()) changed.set(id, state.get(id) ?? changed.get(id)!);
    await deps.store.save(siteId, [...changed.values()], [...processed.values()], {
      cannotLinks: state.takeNewCannotLinks(),
      splits,
    });
  } catch (err) {
    // The in-memory state may hold part of this batch that the registry does not: the next attempt starts from the registry.
    deps.sites.invalidate(siteId);
    throw err;
  }
  return sightings;
}

/**
 * Builds the bus handler. It throws only when a store is unavailable (`isRetriable`), so the bus
 * redelivers the batch after a backoff; an observation that fails for any other reason (a bad
 * message, a row ClickHouse rejects, a bug) is isolated and dead-lettered, and the rest lands.
 */
export function createObservationBatchHandler(deps: BatchHandlerDeps) {
  return (batch: DeliveredBatch): Promise<void> => deps.registryLock.run(() => handleBatch(deps, batch));
}

async function handleBatch(deps: BatchHandlerDeps, batch: DeliveredBatch): Promise<void> {
  const stopTimer = batchSeconds.startTimer();
  const { valid, rejected } = decodeBatch(deps, batch);
  const failed = await isolateFailures(
    valid,
    (part) =>
      processObservations(
        deps,
        part.map((d) => d.observation),
      ),
    {
      isRetriable,
      groupOf: (d) => d.observation.siteId,
    },
  );
  for (const { item, error } of failed)
    rejected.push({ topic: batch.topic, message: item.message, ...reasonOf(error), error });
  for (const siteId of new Set(valid.map((d) => d.observation.siteId))) await recluster(deps, siteId);
  await deps.deadLetters.write(rejected);
  observationsTotal.inc({ outcome: 'rejected' }, rejected.length);
  stopTimer();
}

function decodeBatch(
  deps: BatchHandlerDeps,
  batch: DeliveredBatch,
): { valid: DeliveredObservation[]; rejected: DeadLetter[] } {
  const valid: DeliveredObservation[] = [];
  const rejected: DeadLetter[] = [];
  for (const message of batch.messages) {
    try {
      const observation = decodeFaceObservation(message.value, deps.limits);
      if (deps.modelId && observation.modelId !== deps.modelId) {
        throw new ContractError(
          'wrong_model',
          `embedding from model "${observation.modelId}", this worker matches "${deps.modelId}" embeddings`,
        );
      }
      valid.push({ observation, message });
    } catch (err) {
      // Decoding touches no store: whatever it throws (a bug included) would throw again.
      rejected.push({
        topic: batch.topic,
        message,
        ...reasonOf(err),
        ...(err instanceof ContractError ? {} : { error: err }),
      });
    }
  }
  return { valid, rejected };
}

/**
 * The work isolation repeats on parts of a batch: people seen but not identified (no embedding,
 * never matched) saved, then assign per site (registry saved), then the steps in their order.
 */
async function processObservations(deps: BatchHandlerDeps, all: FaceObservation[]): Promise<void> {
  const observations = all.filter((o) => !isUnidentified(o));
  const unidentified = all.filter(isUnidentified);
  await deps.steps.saveUnidentified(unidentified);
  observationsTotal.inc({ outcome: 'unidentified' }, unidentified.length);
  const sightings: Sighting[] = [];
  for (const [siteId, list] of groupBySite(observations)) sightings.push(...(await assignSite(deps, siteId, list)));
  await deps.steps.saveSightings(sightings);
  await deps.steps.updateVisits(sightings, unidentified);
  await deps.steps.publishSightings(sightings);
  await deps.steps.recordCalibration?.(sightings);
}

/**
 * Re-clustering works on a site, not on the batch's observations, so it stays out of isolation:
 * a failure that is not an outage is logged, the sightings stay, and merges it left pending are
 * finished after the site's next batch.
 */
async function recluster(deps: BatchHandlerDeps, siteId: string): Promise<void> {
  try {
    await deps.reclusterer?.afterBatch(siteId);
  } catch (err) {
    if (isRetriable(err)) throw err;
    deps.logger.error(
      { err, siteId },
      "re-clustering failed: the batch's sightings are saved; pending merges are retried after the site's next batch",
    );
  }
}

/**
 * A contract error keeps its own code (a sink may validate too); anything else is a processing
 * error, described by its class, ClickHouse's error type when there is one, and its message.
 */
function reasonOf(error: unknown): Pick<DeadLetter, 'reasonCode' | 'reason'> {
  if (error instanceof ContractError) return { reasonCode: error.code, reason: error.message };
  if (!(error instanceof Error)) return { reasonCode: 'processing_error', reason: String(error) };
  // ClickHouseError keeps the name 'Error'; its class and `type` (e.g. VIOLATED_CONSTRAINT) say more.
  const name = error.name === 'Error' ? error.constructor.name : error.name;
  const type = (error as { type?: unknown }).type;
  return {
    reasonCode: 'processing_error',
    reason: `${name}${typeof type === 'string' ? ` ${type}` : ''}: ${error.message}`,
  };
}
