/** The worker's in-memory state of the sites it owns: identities, their windowed index and recent constraints. */
import type { Identity, IdentityStore } from '../identity-registry/index.ts';
import type { FaceObservation } from '../schemas/index.ts';
import { DEFAULT_WINDOW, WindowedSiteIndex, type WindowOptions } from './index/windowed-site-index.ts';
import { mergeIdentities } from './match/merge-identities.ts';
import { resolvePolicy, type MatchPolicy } from './match/match-policy.ts';
import { planMerges, type CandidatePair, type MergeEvent } from './match/plan-merges.ts';

/**
 * How long a track's identity is remembered for cannot-link checks. A cannot-link names tracks
 * seen in the same frame, which reach the worker within seconds of each other; 10 minutes of
 * stream time covers long tracks and slow batches.
 */
const RECENT_TRACK_MS = 10 * 60_000;
/** Neighbours a re-clustering pass looks at per changed identity (itself included). */
const RECLUSTER_K = 4;

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
    }
    this.index.upsertMany(identities.map((i) => ({ identityId: i.identityId, centroid: i.centroid, lastSeenMs: i.lastSeenMs })));
  }

  /** Forgets an identity everywhere (merged away, expired or erased). */
  remove(identityId: string): void {
    this.identities.delete(identityId);
    this.index.remove(identityId);
    this.provisional.delete(identityId);
    this.dirty.delete(identityId);
    for (const other of this.cannotLinks.get(identityId) ?? []) this.cannotLinks.get(other)?.delete(identityId);
    this.cannotLinks.delete(identityId);
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

  /** Records which identity the observation's track got, and that it is not any of `others`. */
  rememberTrack(obs: FaceObservation, identityId: string, others: Iterable<string>): void {
    const key = trackKey(obs.cameraId, obs.trackId);
    this.recentTracks.delete(key);
    this.recentTracks.set(key, { identityId, atMs: obs.tEndMs });
    for (const [k, { atMs }] of this.recentTracks) {
      if (atMs > obs.tEndMs - RECENT_TRACK_MS) break;
      this.recentTracks.delete(k);
    }
    for (const other of others) this.addCannotLink(identityId, other);
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
    const events = planMerges(pairs, { weight: (id) => this.identities.get(id)!.weight, isProvisional: (id) => this.isProvisional(id), cannotLink: (a, b) => this.cannotLink(a, b) }, p);
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
    for (const other of this.cannotLinks.get(event.from) ?? []) this.addCannotLink(event.to, other);
    for (const recent of this.recentTracks.values()) if (recent.identityId === event.from) recent.identityId = event.to;
    this.remove(event.from);
    this.put(identity);
    this.setProvisional(event.to, stillProvisional);
    return { ...event, identity };
  }

  private addCannotLink(a: string, b: string): void {
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
    return state;
  }
}
