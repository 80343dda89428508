/** The Kafka-facing step: decode a batch, assign identities per site, then save to the registry and the sinks. */
import type { DeliveredBatch } from '../common/bus/bus.ts';
import type { Logger } from '../common/logger.ts';
import { batchSeconds, observationsTotal } from '../common/metrics.ts';
import { ContractError, decodeFaceObservation, type FaceObservation, type MessageLimits, type Sighting } from '../schemas/index.ts';
import type { Identity, IdentityStore, ProcessedObservation } from '../identity-registry/index.ts';
import { toSighting } from './match/assign-identity.ts';
import { BatchAssigner } from './match/batch-assigner.ts';
import type { MatchPolicy } from './match/match-observation.ts';
import type { SiteStateCache } from './site-state.ts';
import type { DeadLetter, DeadLetterSink } from './sinks/dead-letter-sink.ts';
import type { SightingSink } from './sinks/clickhouse-sighting-sink.ts';
import { matchExclusion } from './exclusion/match-exclusion.ts';
import type { ExclusionTemplateCache } from './exclusion/exclusion-template-cache.ts';
import type { SiteRefresher } from './erasure/refresh-site-state.ts';
import { runExclusive } from './erasure/registry-lock.ts';
import type { SiteReclusterer } from './merges/site-reclusterer.ts';

export interface BatchHandlerDeps {
  limits: MessageLimits;
  policy: MatchPolicy;
  sites: SiteStateCache;
  store: IdentityStore;
  /** Written in order after the registry; the batch is committed only when all succeeded. */
  sinks: SightingSink[];
  deadLetters: DeadLetterSink;
  logger: Logger;
  /** Enrolled exclusion groups (staff): a face matching a template gets a labelled sighting and no identity. */
  exclusion?: { templates: ExclusionTemplateCache; minCosine: number };
  /** Retention sweeps and reloads after erasures/enrolments, run before each site's batch. */
  refresher?: SiteRefresher;
  /** The feature model this worker's identities come from: embeddings of another model never compare. */
  modelId?: string;
  /** The periodic re-clustering pass, run per site once the batch's sightings are written. */
  reclusterer?: Pick<SiteReclusterer, 'afterBatch'>;
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
async function assignSite(deps: BatchHandlerDeps, siteId: string, observations: FaceObservation[]): Promise<Sighting[]> {
  await deps.refresher?.refresh(siteId);
  const state = await deps.sites.get(siteId);
  const templates = deps.exclusion ? await deps.exclusion.templates.get(siteId) : [];
  const earlier = await deps.store.findProcessed(siteId, observations.map((o) => o.observationId));
  const changed = new Map<string, Identity>();
  const processed = new Map<string, ProcessedObservation>();
  const sightings: Sighting[] = [];
  // One index search for the batch; decisions stay in order (see BatchAssigner).
  const assigner = new BatchAssigner(state, observations.filter((_, i) => !earlier[i]), deps.policy);
  observations.forEach((obs, i) => {
    const before = earlier[i] ?? processed.get(obs.observationId);
    if (before) {
      observationsTotal.inc({ outcome: 'redelivered' });
      sightings.push({ ...toSighting(obs, before.identityId, before.similarity, before.isNewIdentity), label: before.label ?? '' });
      return;
    }
    const excluded = deps.exclusion && matchExclusion(obs.embedding, templates, deps.exclusion.minCosine);
    if (excluded) {
      // Staff keep no identity of their own: the template is who they are, and the label keeps them out of footfall.
      observationsTotal.inc({ outcome: 'excluded' });
      const p = { observationId: obs.observationId, identityId: excluded.templateId, similarity: excluded.similarity, isNewIdentity: false, label: excluded.label };
      processed.set(obs.observationId, p);
      sightings.push({ ...toSighting(obs, p.identityId, p.similarity, false), label: p.label });
      return;
    }
    const { identity, sighting } = assigner.assign(obs);
    observationsTotal.inc({ outcome: sighting.isNewIdentity ? 'new_identity' : 'matched' });
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
  try {
    await deps.store.save(siteId, [...changed.values()], [...processed.values()]);
  } catch (err) {
    // The in-memory state already holds this batch; the redelivery must start from the registry.
    deps.sites.invalidate(siteId);
    throw err;
  }
  return sightings;
}

/** Builds the bus handler. It throws on sink failures so the bus redelivers; bad messages never throw. */
export function createObservationBatchHandler(deps: BatchHandlerDeps) {
  return (batch: DeliveredBatch): Promise<void> => runExclusive(() => handleBatch(deps, batch));
}

async function handleBatch(deps: BatchHandlerDeps, batch: DeliveredBatch): Promise<void> {
  const stopTimer = batchSeconds.startTimer();
  const valid: FaceObservation[] = [];
  const rejected: DeadLetter[] = [];
  for (const message of batch.messages) {
    try {
      const obs = decodeFaceObservation(message.value, deps.limits);
      if (deps.modelId && obs.modelId !== deps.modelId) {
        throw new ContractError('wrong_model', `embedding from model "${obs.modelId}", this worker matches "${deps.modelId}" embeddings`);
      }
      valid.push(obs);
    } catch (err) {
      if (!(err instanceof ContractError)) throw err;
      rejected.push({ topic: batch.topic, message, reasonCode: err.code, reason: err.message });
    }
  }
  const sightings: Sighting[] = [];
  const bySite = groupBySite(valid);
  for (const [siteId, observations] of bySite) {
    sightings.push(...(await assignSite(deps, siteId, observations)));
  }
  for (const sink of deps.sinks) await sink.write(sightings);
  for (const siteId of bySite.keys()) await deps.reclusterer?.afterBatch(siteId);
  await deps.deadLetters.write(rejected);
  observationsTotal.inc({ outcome: 'rejected' }, rejected.length);
  stopTimer();
}
