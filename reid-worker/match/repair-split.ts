/** Decides, right after a face is assigned, whether the identity it was kept from is two people, and splits it in the site's state. */
import type { Identity } from '../../identity-registry/index.ts';
import type { FaceObservation } from '../../schemas/index.ts';
import type { Neighbour } from '../index/neighbour.ts';
import type { SiteState } from '../site-state.ts';
import { effectiveThreshold, shiftFor, type GalleryContext, type ResolvedPolicy } from './match-policy.ts';
import { divideMembers, moveMembers, type SplitEvent } from './split-identity.ts';

/** A split applied to the site's state: the identity that lost members, as it is now. */
export interface AppliedSplit extends SplitEvent {
  fromIdentity: Identity;
}

/**
 * `found` are the face's nearest identities before the cannot-link filter. When the nearest one
 * matched but a face of the same frame already has it, that identity may hold both people (a
 * wrong match or merge made earlier): its recent members are divided between the two faces
 * (divideMembers), and when the halves are further apart than a merge would join, the other
 * face's half moves to `into` (the identity this face got) and the two are cannot-linked.
 */
export function repairSplit(
  state: SiteState,
  obs: FaceObservation,
  found: Neighbour[],
  forbidden: Set<string>,
  into: Identity,
  policy: ResolvedPolicy,
  gallery: GalleryContext,
): AppliedSplit | null {
  const [nearest] = found;
  if (!nearest || !forbidden.has(nearest.identityId)) return null;
  const suspect = nearest.identityId;
  if (nearest.similarity < effectiveThreshold(policy, obs.quality) + shiftFor(policy, gallery, suspect)) return null;
  const keep = obs.cannotLinkTrackIds
    .map((track) => state.memberOfTrack(obs.cameraId, track))
    .find((m) => m?.identityId === suspect)?.member;
  const from = state.get(suspect);
  if (!keep || !from) return null;
  const { moved, similarity } = divideMembers([...state.membersOf(suspect)], keep, obs.embedding);
  if (moved.length === 0 || similarity >= policy.mergeMinCosine + shiftFor(policy, gallery, suspect)) return null;
  const updated = moveMembers(from, into, moved, state.membersOf(suspect), state.membersOf(into.identityId));
  state.put(updated.from);
  state.put(updated.to);
  const observationIds = moved.map((m) => m.observationId);
  state.moveMembers(suspect, into.identityId, new Set(observationIds));
  return {
    from: suspect,
    to: into.identityId,
    observationIds,
    firstMovedMs: Math.min(...moved.map((m) => m.tStartMs)),
    similarity,
    fromIdentity: updated.from,
  };
}
