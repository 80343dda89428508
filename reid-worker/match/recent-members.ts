/** Each identity's recent sightings (embeddings in worker memory only): what split repair divides and moves. */
import type { Member } from './split-identity.ts';

/**
 * Recent sightings kept per identity (stream time, and at most this many each): the two faces
 * that reveal a wrong merge are seen within a visit of the sightings that must move.
 */
const MEMBER_WINDOW_MS = 24 * 3_600_000;
const MAX_MEMBERS = 32;

export class RecentMembers {
  /** Identity → its recent members, oldest first; insertion order is the order of their latest member. */
  private readonly byIdentity = new Map<string, Member[]>();

  /** The identity's sightings of the last day or so (at most MAX_MEMBERS), oldest first. */
  of(identityId: string): readonly Member[] {
    return this.byIdentity.get(identityId) ?? [];
  }

  /** Adds members to an identity (a new sighting, or those of a merged or split identity) and forgets what fell out of the window. */
  add(identityId: string, added: readonly Member[]): void {
    const atMs = Math.max(0, ...added.map((m) => m.tEndMs));
    const list = [...this.of(identityId), ...added].sort((x, y) => x.tStartMs - y.tStartMs).slice(-MAX_MEMBERS);
    this.byIdentity.delete(identityId);
    this.byIdentity.set(
      identityId,
      list.filter((m) => m.tEndMs > atMs - MEMBER_WINDOW_MS),
    );
    for (const [id, kept] of this.byIdentity) {
      if (kept.length > 0 && kept[kept.length - 1].tEndMs > atMs - MEMBER_WINDOW_MS) break;
      this.byIdentity.delete(id);
    }
  }

  /** Takes the members with these observation ids off an identity and returns them. */
  take(identityId: string, observationIds: Set<string>): Member[] {
    const list = this.of(identityId);
    this.byIdentity.set(
      identityId,
      list.filter((m) => !observationIds.has(m.observationId)),
    );
    return list.filter((m) => observationIds.has(m.observationId));
  }

  delete(identityId: string): void {
    this.byIdentity.delete(identityId);
  }
}
