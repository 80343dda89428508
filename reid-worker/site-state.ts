/** The worker's in-memory state of the sites it owns: identities, their windowed index and recent constraints. */
import type { Identity, IdentityStore } from '../identity-registry/index.ts';
import { cosine } from '../ingest/face/measure-eer.ts';
import type { FaceObservation } from '../schemas/index.ts';
import { DEFAULT_WINDOW, WindowedSiteIndex, type WindowOptions } from './index/windowed-site-index.ts';
import { mergeIdentities } from './match/merge-identities.ts';
import { resolvePolicy, shiftFor, type GalleryContext, type MatchPolicy } from './match/match-policy.ts';
import { planMerges, type CandidatePair, type MergeEvent } from './match/plan-merges.ts';
import type { Member } from './match/split-identity.ts';

/**
 * How long a track's identity is remembered for cannot-link checks. A cannot-link names tracks
 * seen in the same frame, which reach the worker within seconds of each other; 10 minutes of
 * stream time covers long tracks and slow batches.
 */
const RECENT_TRACK_MS = 10 * 60_000;
/** Neighbours a re-clustering pass looks at per changed identity (itself included). */
const RECLUSTER_K = 4;
/**
 * Recent sightings kept per identity for split repair (stream time, and at most this many each):
 * the two faces that reveal a wrong merge are seen within a visit of the sightings that must move.
 * Their embeddings stay in worker memory only, like the centroids.
 */
const MEMBER_WINDOW_MS = 24 * 3_600_000;
const MAX_MEMBERS = 32;
/**
 * Cannot-links are kept in the registry only between identities within reach of a merge: merges
 * need ≥ 0.5, so two identities further apart than 0.3 never meet again, and most faces sharing
 * a frame are strangers far apart (their constraint would only fill Redis).
 */
const PERSIST_CANNOT_LINK_MIN_COSINE = 0.3;

/** A merge event plus the surviving identity as it is now, for the registry to save. */
export interface AppliedMerge extends MergeEvent {
  identity: Identity;
}

export class SiteState {
  readonly identities = new Map<string, Identity>();
  readonly index: WindowedSiteIndex;
  private readonly recentTracks = new Map<string, { identityId: string; atMs: number }>();
  private readonly cannotLinks = new Map<string, Set<string>>();
  private readonly provisional = new Set<string>();
  private readonly dirty = new Set<string>();
  /** Identity → its recent members; insertion order is the order of their latest member. */
  private readonly members = new Map<string, Member[]>();
  private newCannotLinks: Array<[string, string]> = [];
  /** Identity → last seen, in the order they were last seen (roughly: a rebuild loads them sorted). */
  private readonly lastSeen = new Map<string, number>();
  private latestMs = 0;

  constructor(
    readonly siteId: string,
    dim: number,
    window: WindowOptions = DEFAULT_WINDOW,
  ) {
    this.index = new WindowedSiteIndex(dim, window);
  }

  /** Stores a new or changed identity; the next re-clustering pass looks at it. */
  put(identity: Identity): void {
    this.putMany([identity]);
  }

  /** Batch form, for rebuilding a site from the registry. */
  putMany(identities: Identity[]): void {
    for (const identity of identities) {
      this.identities.set(identity.identityId, identity);
      this.dirty.add(identity.identityId);
      this.lastSeen.delete(identity.identityId);
      this.lastSeen.set(identity.identityId, identity.lastSeenMs);
      this.latestMs = Math.max(this.latestMs, identity.lastSeenMs);
    }
    this.index.upsertMany(identities.map((i) => ({ identityId: i.identityId, centroid: i.centroid, lastSeenMs: i.lastSeenMs })));
  }

  /** Forgets an identity everywhere (merged away, expired or erased). */
  remove(identityId: string): void {
    this.identities.delete(identityId);
    this.index.remove(identityId);
    this.provisional.delete(identityId);
    this.dirty.delete(identityId);
    this.members.delete(identityId);
    this.lastSeen.delete(identityId);
    for (const other of this.cannotLinks.get(identityId) ?? []) this.cannotLinks.get(other)?.delete(identityId);
    this.cannotLinks.delete(identityId);
  }

  /** The gallery a face seen at `atMs` is compared with: every live identity, and those seen within `recentWindowMs` before it. */
  gallery(atMs: number, recentWindowMs: number): GalleryContext {
    const since = atMs - recentWindowMs;
    if (recentWindowMs > 0) {
      for (const [id, seenMs] of this.lastSeen) {
        if (seenMs >= since) break;
        this.lastSeen.delete(id);
      }
    }
    return {
      size: this.index.size,
      recentSize: recentWindowMs > 0 ? this.lastSeen.size : 0,
      isRecent: (id) => recentWindowMs > 0 && (this.identities.get(id)?.lastSeenMs ?? -Infinity) >= since,
    };
  }

  /** Marks an identity as minted by a deferred observation (or confirms it with `false`). */
  setProvisional(identityId: string, provisional: boolean): void {
    if (provisional) this.provisional.add(identityId);
    else this.provisional.delete(identityId);
  }

  isProvisional(identityId: string): boolean {
    return this.provisional.has(identityId);
  }

  /** Identities this observation must not join: those given to the tracks it cannot link with. */
  cannotLinkIdentities(obs: FaceObservation): Set<string> {
    const out = new Set<string>();
    for (const track of obs.cannotLinkTrackIds) {
      const recent = this.recentTracks.get(trackKey(obs.cameraId, track));
      if (recent && this.identities.has(recent.identityId)) out.add(recent.identityId);
    }
    return out;
  }

  /** Records which identity the observation's track got (and keeps it as a member), and that it is not any of `others`. */
  rememberTrack(obs: FaceObservation, identityId: string, others: Iterable<string>): void {
    const key = trackKey(obs.cameraId, obs.trackId);
    this.recentTracks.delete(key);
    this.recentTracks.set(key, { identityId, atMs: obs.tEndMs });
    for (const [k, { atMs }] of this.recentTracks) {
      if (atMs > obs.tEndMs - RECENT_TRACK_MS) break;
      this.recentTracks.delete(k);
    }
    this.addMembers(identityId, [{ observationId: obs.observationId, cameraId: obs.cameraId, trackId: obs.trackId, embedding: obs.embedding, quality: obs.quality, tStartMs: obs.tStartMs, tEndMs: obs.tEndMs }], obs.tEndMs);
    for (const other of others) this.addCannotLink(identityId, other);
  }

  /** The identity's sightings of the last day or so (at most MAX_MEMBERS), oldest first. */
  membersOf(identityId: string): readonly Member[] {
    return this.members.get(identityId) ?? [];
  }

  /** The member a camera's track became, while its identity remembers it. */
  memberOfTrack(cameraId: string, trackId: string): { identityId: string; member: Member } | null {
    const recent = this.recentTracks.get(trackKey(cameraId, trackId));
    const member = recent && this.membersOf(recent.identityId).find((m) => m.cameraId === cameraId && m.trackId === trackId);
    return recent && member ? { identityId: recent.identityId, member } : null;
  }

  /** Moves members (after a split) from one identity to another, and records that the two are different people. */
  moveMembers(from: string, to: string, observationIds: Set<string>): void {
    const moving = this.membersOf(from).filter((m) => observationIds.has(m.observationId));
    this.members.set(from, this.membersOf(from).filter((m) => !observationIds.has(m.observationId)));
    this.addMembers(to, moving, Math.max(0, ...moving.map((m) => m.tEndMs)));
    for (const m of moving) {
      const recent = this.recentTracks.get(trackKey(m.cameraId, m.trackId));
      if (recent?.identityId === from) recent.identityId = to;
    }
    this.addCannotLink(from, to);
  }

  /** Cannot-links loaded from the registry (not queued to be saved again). */
  loadCannotLinks(pairs: Array<[string, string]>): void {
    for (const [a, b] of pairs) if (this.identities.has(a) && this.identities.has(b)) this.link(a, b);
  }

  /** Cannot-links made since the last call that the registry should keep (see PERSIST_CANNOT_LINK_MIN_COSINE). */
  takeNewCannotLinks(): Array<[string, string]> {
    const out = this.newCannotLinks.filter(([a, b]) => this.identities.has(a) && this.identities.has(b));
    this.newCannotLinks = [];
    return out;
  }

  /** Whether two identities were ever seen together (so can never be one person). */
  cannotLink(a: string, b: string): boolean {
    return this.cannotLinks.get(a)?.has(b) ?? false;
  }

  /**
   * The periodic re-clustering pass: looks at identities changed since the last pass, merges
   * those whose centroids converged (planMerges) and returns what changed, so the registry and
   * the sightings can follow each `from → to`.
   */
  recluster(policy: MatchPolicy): AppliedMerge[] {
    const p = resolvePolicy(policy);
    const changed = [...this.dirty].filter((id) => this.identities.has(id));
    this.dirty.clear();
    if (changed.length === 0 || this.index.size < 2) return [];
    const found = this.index.searchMany(changed.map((id) => this.identities.get(id)!.centroid), RECLUSTER_K);
    const pairs: CandidatePair[] = changed.flatMap((a, i) => found[i].filter((n) => n.identityId !== a).map((n) => ({ a, b: n.identityId, similarity: n.similarity })));
    const gallery = this.gallery(this.latestMs, p.recentWindowMs);
    const facts = { weight: (id: string) => this.identities.get(id)!.weight, isProvisional: (id: string) => this.isProvisional(id), cannotLink: (a: string, b: string) => this.cannotLink(a, b) };
    const events = planMerges(pairs, facts, p, (a, b) => Math.max(shiftFor(p, gallery, a), shiftFor(p, gallery, b)));
    return events.map((event) => this.applyMerge(event));
  }

  /** Drops the index shards older than `cutoffMs` and their identities; returns their ids. */
  expireBefore(cutoffMs: number): string[] {
    const dropped = this.index.expireBefore(cutoffMs);
    for (const id of dropped) this.remove(id);
    return dropped;
  }

  private applyMerge(event: MergeEvent): AppliedMerge {
    const identity = mergeIdentities(this.identities.get(event.to)!, this.identities.get(event.from)!);
    const stillProvisional = this.isProvisional(event.to) && this.isProvisional(event.from);
    for (const other of this.cannotLinks.get(event.from) ?? []) this.link(event.to, other);
    for (const recent of this.recentTracks.values()) if (recent.identityId === event.from) recent.identityId = event.to;
    const members = this.membersOf(event.from);
    this.remove(event.from);
    this.addMembers(event.to, members, Math.max(0, ...members.map((m) => m.tEndMs)));
    this.put(identity);
    this.setProvisional(event.to, stillProvisional);
    return { ...event, identity };
  }

  private addCannotLink(a: string, b: string): void {
    if (a === b || this.cannotLink(a, b)) return;
    this.link(a, b);
    const [ia, ib] = [this.identities.get(a), this.identities.get(b)];
    if (ia && ib && cosine(ia.centroid, ib.centroid) >= PERSIST_CANNOT_LINK_MIN_COSINE) this.newCannotLinks.push([a, b]);
  }

  private addMembers(identityId: string, added: readonly Member[], atMs: number): void {
    const list = [...this.membersOf(identityId), ...added].sort((x, y) => x.tStartMs - y.tStartMs).slice(-MAX_MEMBERS);
    this.members.delete(identityId);
    this.members.set(identityId, list.filter((m) => m.tEndMs > atMs - MEMBER_WINDOW_MS));
    for (const [id, kept] of this.members) {
      if (kept.length > 0 && kept[kept.length - 1].tEndMs > atMs - MEMBER_WINDOW_MS) break;
      this.members.delete(id);
    }
  }

  private link(a: string, b: string): void {
    if (a === b) return;
    for (const [x, y] of [[a, b], [b, a]]) {
      const set = this.cannotLinks.get(x) ?? new Set<string>();
      set.add(y);
      this.cannotLinks.set(x, set);
    }
  }
}

function trackKey(cameraId: string, trackId: string): string {
  return `${cameraId}\u0000${trackId}`;
}

/**
 * Loads a site's state on first use. After a partition move or a failed batch the state may be
 * stale, so it is dropped and rebuilt from the registry, the single source of truth.
 */
export class SiteStateCache {
  private readonly states = new Map<string, Promise<SiteState>>();

  constructor(
    private readonly store: IdentityStore,
    private readonly dim: number,
    private readonly window: WindowOptions = DEFAULT_WINDOW,
  ) {}

  get(siteId: string): Promise<SiteState> {
    let state = this.states.get(siteId);
    if (!state) {
      state = this.load(siteId);
      this.states.set(siteId, state);
      state.catch(() => this.states.delete(siteId));
    }
    return state;
  }

  invalidate(siteId?: string): void {
    if (siteId === undefined) this.states.clear();
    else this.states.delete(siteId);
  }

  private async load(siteId: string): Promise<SiteState> {
    const state = new SiteState(siteId, this.dim, this.window);
    state.putMany(await this.store.loadSite(siteId));
    state.loadCannotLinks(await this.store.loadCannotLinks(siteId));
    return state;
  }
}
