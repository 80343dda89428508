/** Gives one observation an anonymous identity within its site's state, updating that state. */
import { randomUUID } from 'node:crypto';
import type { FaceObservation, Sighting } from '../../schemas/index.ts';
import type { Identity } from '../../identity-registry/index.ts';
import type { SiteState } from '../site-state.ts';
import { matchObservation, type MatchPolicy } from './match-observation.ts';
import { observationWeight, updateCentroid } from './update-centroid.ts';

export interface Assignment {
  sighting: Sighting;
  identity: Identity;
}

/** Neighbours fetched per search: the runner-up is what an ambiguity margin needs. */
const SEARCH_K = 2;

export function assignIdentity(state: SiteState, obs: FaceObservation, policy: MatchPolicy, mintId: () => string = randomUUID): Assignment {
  const decision = matchObservation(state.index.search(obs.embedding, SEARCH_K), policy);
  let identity: Identity;
  if (decision.kind === 'matched') {
    const prev = state.identities.get(decision.identityId)!;
    identity = {
      ...prev,
      centroid: updateCentroid(prev.centroid, prev.weight, obs.embedding, obs.quality),
      weight: prev.weight + observationWeight(obs.quality),
      sightings: prev.sightings + 1,
      firstSeenMs: Math.min(prev.firstSeenMs, obs.tStartMs),
      lastSeenMs: Math.max(prev.lastSeenMs, obs.tEndMs),
    };
  } else {
    identity = {
      siteId: obs.siteId,
      identityId: mintId(),
      centroid: obs.embedding,
      weight: observationWeight(obs.quality),
      sightings: 1,
      firstSeenMs: obs.tStartMs,
      lastSeenMs: obs.tEndMs,
    };
  }
  state.put(identity);
  return {
    identity,
    sighting: toSighting(obs, identity.identityId, decision.kind === 'matched' ? decision.similarity : 0, decision.kind === 'new'),
  };
}

export function toSighting(obs: FaceObservation, identityId: string, similarity: number, isNewIdentity: boolean): Sighting {
  return {
    observationId: obs.observationId,
    siteId: obs.siteId,
    cameraId: obs.cameraId,
    identityId,
    tStartMs: obs.tStartMs,
    tEndMs: obs.tEndMs,
    similarity,
    isNewIdentity,
    quality: obs.quality,
    modelId: obs.modelId,
    label: '',
  };
}
