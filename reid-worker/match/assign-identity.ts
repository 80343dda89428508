/** Gives one observation an anonymous identity within its site's state, updating that state. */
import { randomUUID } from 'node:crypto';
import type { FaceObservation, Sighting } from '../../schemas/index.ts';
import type { Identity } from '../../identity-registry/index.ts';
import type { SiteState } from '../site-state.ts';
import type { Neighbour } from '../index/faiss-site-index.ts';
import { matchObservation, type MatchDecision } from './match-observation.ts';
import { resolvePolicy, type MatchPolicy } from './match-policy.ts';
import { repairSplit, type AppliedSplit } from './repair-split.ts';
import { observationWeight, updateCentroid } from './update-centroid.ts';

export interface Assignment {
  sighting: Sighting;
  identity: Identity;
  /** How it was decided (a deferred decision is re-checked by SiteState.recluster). */
  decision: MatchDecision;
  /** The identity this face was kept from held its person too: those sightings moved here (see repairSplit). */
  split?: AppliedSplit;
}

/** The `k` identities nearest an embedding, most similar first (the site's index unless a caller prefetched them). */
export type NeighbourSearch = (embedding: Float32Array, k: number) => Neighbour[];

/**
 * Neighbours fetched per search: the runner-up is what an ambiguity margin needs, and a recent
 * identity (MatchPolicy.recentWindowMs) may rank below a few strangers of a large gallery.
 */
const SEARCH_K = 8;

/**
 * Matches the observation against the site's identities, never joining one that a face seen in
 * the same frame already has (cannot-link), and folds it in: a matched face moves the centroid
 * (drift-capped); a deferred one joins provisionally without moving it, or mints a provisional
 * identity for the next re-clustering pass to re-check.
 */
export function assignIdentity(state: SiteState, obs: FaceObservation, policy: MatchPolicy, mintId: () => string = randomUUID, search: NeighbourSearch = (e, k) => state.index.search(e, k)): Assignment {
  const p = resolvePolicy(policy);
  const forbidden = state.cannotLinkIdentities(obs);
  const found = search(obs.embedding, SEARCH_K + forbidden.size);
  const neighbours = found.filter((n) => !forbidden.has(n.identityId)).slice(0, SEARCH_K);
  const gallery = state.gallery(obs.tStartMs, p.recentWindowMs);
  const decision = matchObservation(neighbours, p, obs.quality, gallery);
  const joinId = decision.kind === 'matched' ? decision.identityId : decision.kind === 'deferred' ? decision.identityId : null;
  let identity: Identity;
  if (joinId !== null) {
    const prev = state.identities.get(joinId)!;
    const moves = decision.kind === 'matched';
    identity = {
      ...prev,
      centroid: moves ? updateCentroid(prev.centroid, prev.weight, obs.embedding, obs.quality, p.maxDriftCosine) : prev.centroid,
      weight: moves ? prev.weight + observationWeight(obs.quality) : prev.weight,
      sightings: prev.sightings + 1,
      firstSeenMs: Math.min(prev.firstSeenMs, obs.tStartMs),
      lastSeenMs: Math.max(prev.lastSeenMs, obs.tEndMs),
    };
    if (moves) state.setProvisional(joinId, false);
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
    state.setProvisional(identity.identityId, decision.kind === 'deferred');
  }
  state.put(identity);
  state.rememberTrack(obs, identity.identityId, forbidden);
  const split = repairSplit(state, obs, found, forbidden, identity, p, gallery) ?? undefined;
  const similarity = decision.kind === 'new' ? 0 : decision.similarity;
  const sighting = toSighting(obs, identity.identityId, joinId === null ? 0 : similarity, joinId === null);
  return { identity: state.identities.get(identity.identityId)!, decision, sighting, ...(split ? { split } : {}) };
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
