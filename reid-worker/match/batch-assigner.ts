/** Assigns a batch of observations in order with one index search for the whole batch. */
import { randomUUID } from 'node:crypto';
import type { Identity } from '../../identity-registry/index.ts';
import type { FaceObservation, Sighting } from '../../schemas/index.ts';
import { innerProducts } from '../index/code-ivf-binding.ts';
import type { Neighbour } from '../index/neighbour.ts';
import type { SiteState } from '../site-state.ts';
import { matchObservation, type MatchDecision } from './match-observation.ts';
import {
  effectiveThreshold,
  galleryShift,
  resolvePolicy,
  type MatchPolicy,
  type ResolvedPolicy,
} from './match-policy.ts';
import { repairSplit, type AppliedSplit } from './repair-split.ts';
import { toSighting } from './to-sighting.ts';
import { observationWeight, updateCentroid } from './update-centroid.ts';

export interface Assignment {
  sighting: Sighting;
  identity: Identity;
  /** How it was decided (a deferred decision is re-checked by SiteState.recluster). */
  decision: MatchDecision;
  /** The identity this face was kept from held its person too: those sightings moved here (see repairSplit). */
  split?: AppliedSplit;
  /** A new identity: what it failed to match (the label-free split estimate reads it, see estimateSplitRate). */
  minted?: MintedAgainst;
}

/** The best score of a face that became a new identity, the gallery it was compared with and the threshold of that gallery. */
export interface MintedAgainst {
  bestScore: number;
  gallerySize: number;
  threshold: number;
}

/**
 * Neighbours a decision looks at: the runner-up is what an ambiguity margin needs, and a recent
 * identity (MatchPolicy.recentWindowMs, compared at its small gallery's threshold) may rank
 * below a few strangers of a large gallery.
 */
const SEARCH_K = 8;
/** Extra neighbours fetched per observation, so identities changed earlier in the batch can be skipped without searching again. */
const SPARE_K = 6;

/**
 * The batch is searched once, up front, against the index as it was when the batch began. Then
 * each observation is decided in order, exactly as if it had searched after the ones before it:
 * hits on identities the batch already changed are dropped (stale), and every identity the
 * batch changed or minted so far is scored against it directly (their current centroids are kept
 * packed, for one SIMD call). So an observation that mints an identity is matchable by the next
 * one, whatever lists the index would probe. If too many up-front hits were stale, that
 * observation searches again alone. `finish` hands the batch's changes to the index in one call.
 */
export class BatchAssigner {
  private readonly policy: ResolvedPolicy;
  private readonly upFront = new Map<FaceObservation, { found: Neighbour[]; k: number }>();
  /** Identities this batch changed or minted → their slot in `overlay`, which holds their current centroids packed. */
  private readonly touched = new Map<string, number>();
  private readonly touchedIds: string[] = [];
  private overlay: Float32Array;

  constructor(
    private readonly state: SiteState,
    observations: FaceObservation[],
    policy: MatchPolicy,
    private readonly mintId: () => string = randomUUID,
  ) {
    this.policy = resolvePolicy(policy);
    this.overlay = new Float32Array(Math.max(1, observations.length) * state.dim);
    if (observations.length === 0) return;
    state.flush();
    const k = SEARCH_K + SPARE_K + Math.max(0, ...observations.map((o) => state.cannotLinkIdentities(o).size));
    const found = state.searchIndex(
      observations.map((o) => o.embedding),
      k,
    );
    observations.forEach((o, i) => this.upFront.set(o, { found: found[i], k }));
  }

  /**
   * Matches the observation, never joining an identity that a face seen in the same frame already
   * has (cannot-link), and folds it in: a matched face moves the centroid (drift-capped); a
   * deferred one joins provisionally without moving it, or mints a provisional identity for the
   * next re-clustering pass to re-check. `policy` overrides the batch's (a camera's own
   * threshold). Then split repair: if the nearest identity was kept from it only by the
   * cannot-link, that identity may hold both people (repairSplit).
   */
  assign(obs: FaceObservation, policy?: MatchPolicy): Assignment {
    const { state } = this;
    const p = policy ? resolvePolicy(policy) : this.policy;
    const forbidden = state.cannotLinkIdentities(obs);
    const found = this.nearest(obs, forbidden.size);
    const neighbours = found.filter((n) => !forbidden.has(n.identityId)).slice(0, SEARCH_K);
    const gallery = state.gallery(obs.tStartMs, p.recentWindowMs);
    const decision = matchObservation(neighbours, p, obs.quality, gallery);
    const joinId = decision.kind === 'new' ? null : decision.identityId;
    let identity: Identity;
    if (joinId !== null) {
      const prev = state.get(joinId)!;
      const moves = decision.kind === 'matched';
      identity = state.put({
        ...prev,
        centroid: moves
          ? updateCentroid(prev.centroid, prev.weight, obs.embedding, obs.quality, p.maxDriftCosine)
          : prev.centroid,
        weight: moves ? prev.weight + observationWeight(obs.quality) : prev.weight,
        sightings: prev.sightings + 1,
        firstSeenMs: Math.min(prev.firstSeenMs, obs.tStartMs),
        lastSeenMs: Math.max(prev.lastSeenMs, obs.tEndMs),
      });
      if (moves) state.setProvisional(joinId, false);
    } else {
      identity = state.put({
        siteId: obs.siteId,
        identityId: this.mintId(),
        centroid: obs.embedding,
        weight: observationWeight(obs.quality),
        sightings: 1,
        firstSeenMs: obs.tStartMs,
        lastSeenMs: obs.tEndMs,
      });
      state.setProvisional(identity.identityId, decision.kind === 'deferred');
    }
    state.rememberTrack(obs, identity.identityId, forbidden);
    const split = repairSplit(state, obs, found, forbidden, identity, p, gallery) ?? undefined;
    if (split) {
      identity = state.get(identity.identityId)!;
      this.touch(split.fromIdentity);
    }
    this.touch(identity);
    const similarity = decision.kind === 'new' || joinId === null ? 0 : decision.similarity;
    const minted: MintedAgainst | null =
      decision.kind === 'new'
        ? {
            bestScore: neighbours[0]?.similarity ?? -1,
            gallerySize: gallery.size,
            threshold: effectiveThreshold(p, obs.quality) + galleryShift(p, gallery.size),
          }
        : null;
    return {
      identity,
      decision,
      sighting: toSighting(obs, identity.identityId, similarity, joinId === null),
      ...(split ? { split } : {}),
      ...(minted ? { minted } : {}),
    };
  }

  /** Hands every identity the batch changed to the index, in one call. */
  finish(): void {
    this.state.flush();
  }

  /** The nearest identities as of now, SEARCH_K plus one per cannot-link (the caller drops those). */
  private nearest(obs: FaceObservation, forbiddenCount: number): Neighbour[] {
    const { state, touched } = this;
    const want = SEARCH_K + forbiddenCount;
    const usable = (n: Neighbour) => !touched.has(n.identityId) && state.has(n.identityId);
    const spare = want + SPARE_K;
    let searched = this.upFront.get(obs) ?? { found: state.searchIndex([obs.embedding], spare)[0], k: spare };
    let fromIndex = searched.found.filter(usable);
    // Stale hits crowded the list: the index may hold more usable ones further down.
    while (fromIndex.length < want && searched.found.length === searched.k && searched.k < state.index.size) {
      const k = Math.min(state.index.size, searched.k * 4);
      searched = { found: state.searchIndex([obs.embedding], k)[0], k };
      fromIndex = searched.found.filter(usable);
    }
    const candidates = fromIndex.slice(0, want);
    if (this.touchedIds.length > 0) {
      const scores = innerProducts(obs.embedding, this.overlay.subarray(0, this.touchedIds.length * state.dim));
      // Most of a batch's identities are strangers to this face: one below the want-th hit from
      // the index (the hits are sorted) cannot make the list, so it is not looked up nor sorted.
      const floor = candidates.length < want ? -Infinity : candidates[want - 1].similarity;
      for (let slot = 0; slot < scores.length; slot++) {
        const identityId = this.touchedIds[slot];
        if (scores[slot] >= floor && state.has(identityId)) candidates.push({ identityId, similarity: scores[slot] });
      }
    }
    return candidates.sort((a, b) => b.similarity - a.similarity).slice(0, want);
  }

  /** Records the identity's current centroid in the overlay. */
  private touch(identity: Identity): void {
    let slot = this.touched.get(identity.identityId);
    if (slot === undefined) {
      slot = this.touchedIds.push(identity.identityId) - 1;
      this.touched.set(identity.identityId, slot);
      if ((slot + 1) * this.state.dim > this.overlay.length) {
        const grown = new Float32Array(this.overlay.length * 2);
        grown.set(this.overlay);
        this.overlay = grown;
      }
    }
    this.overlay.set(identity.centroid, slot * this.state.dim);
  }
}
