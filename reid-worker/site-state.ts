/** The worker's in-memory state of the sites it owns: identities, their index and recent constraints. */
import type { Identity, IdentitySnapshot } from '../identity-registry/index.ts';
import { cosine } from '../ingest/face/measure-eer.ts';
import type { FaceObservation } from '../schemas/index.ts';
import { DEFAULT_INDEX_OPTIONS, type IndexOptions } from './index/choose-index-layout.ts';
import type { CentroidCodec } from './index/code-ivf-binding.ts';
import { IdentityTable } from './index/identity-table.ts';
import { RecentRows } from './index/recent-rows.ts';
import type { Neighbour } from './index/neighbour.ts';
import { SiteVectorIndex } from './index/site-vector-index.ts';
import { mergeIdentities } from './match/merge-identities.ts';
import { resolvePolicy, shiftFor, type GalleryContext, type MatchPolicy } from './match/match-policy.ts';
import { planMerges, type CandidatePair, type MergeEvent } from './match/plan-merges.ts';
import type { Member } from './match/split-identity.ts';
import { RecentMembers } from './match/recent-members.ts';

/**
 * How long a track's identity is remembered for cannot-link checks. A cannot-link names tracks
 * seen in the same frame, which reach the worker within seconds of each other; 10 minutes of
 * stream time covers long tracks and slow batches.
 */
const RECENT_TRACK_MS = 10 * 60_000;
/** Neighbours a re-clustering pass looks at per changed identity (itself included). */
const RECLUSTER_K = 4;
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

/** The index layout rules plus how centroids are stored: int8 in production, float32 for the exact baseline. */
export interface SiteIndexOptions extends IndexOptions {
  codec: CentroidCodec;
}

export const DEFAULT_SITE_INDEX: SiteIndexOptions = { ...DEFAULT_INDEX_OPTIONS, codec: 'int8' };

/**
 * Identities live in two places: their counts and times in an IdentityTable, their centroids
 * only in the index, in stored form (no float copy per identity). Identities put since the last
 * `flush` wait in `pending` with their current centroid — the one a batch's later observations
 * must see — and reach the index together, in one FAISS call.
 */
export class SiteState {
  readonly index: SiteVectorIndex;
  private readonly table = new IdentityTable();
  private readonly pending = new Map<string, { identity: Identity; code: Uint8Array }>();
  private readonly recentTracks = new Map<string, { identityId: string; atMs: number }>();
  private readonly cannotLinks = new Map<string, Set<string>>();
  private readonly provisional = new Set<string>();
  private readonly dirty = new Set<string>();
  /** Each identity's recent sightings, for split repair (worker memory only, like the centroids). */
  private readonly members = new RecentMembers();
  private newCannotLinks: Array<[string, string]> = [];
  /** Rows by last sighting, in the order they were seen (roughly: a rebuild loads them sorted): the recent gallery. */
  private readonly recent = new RecentRows();
  private latestMs = 0;

  constructor(
    readonly siteId: string,
    readonly dim: number,
    options: SiteIndexOptions = DEFAULT_SITE_INDEX,
  ) {
    this.index = new SiteVectorIndex(dim, options.codec, options);
  }

  /** Live identities. */
  get size(): number {
    return this.table.size;
  }

  has(identityId: string): boolean {
    return this.table.row(identityId) !== undefined;
  }

  /** The identity as it is now, its centroid decoded from the stored form. */
  get(identityId: string): Identity | undefined {
    const waiting = this.pending.get(identityId);
    if (waiting) return waiting.identity;
    const row = this.table.row(identityId);
    if (row === undefined) return undefined;
    const centroid = this.index.decode(this.index.codesOf(Float64Array.of(row)));
    const t = this.table;
    return {
      siteId: this.siteId,
      identityId,
      centroid,
      weight: t.weight[row],
      sightings: t.sightings[row],
      firstSeenMs: t.firstSeenMs[row],
      lastSeenMs: t.lastSeenMs[row],
    };
  }

  /**
   * Stores a new or changed identity (the index takes it at the next flush) and returns it as
   * stored: its centroid is the decoded stored form, what the index and the registry will hold.
   * The next re-clustering pass looks at it.
   */
  put(identity: Identity): Identity {
    const code = this.index.encode(identity.centroid);
    const stored = { ...identity, centroid: this.index.decode(code) };
    const row = this.table.rowFor(identity.identityId);
    this.table.weight[row] = identity.weight;
    this.table.sightings[row] = identity.sightings;
    this.table.firstSeenMs[row] = identity.firstSeenMs;
    this.table.lastSeenMs[row] = identity.lastSeenMs;
    this.pending.set(identity.identityId, { identity: stored, code });
    this.dirty.add(identity.identityId);
    this.seen(row, identity.lastSeenMs);
    return stored;
  }

  /** Puts each identity and flushes them into the index. */
  putMany(identities: Identity[]): void {
    for (const identity of identities) this.put(identity);
    this.flush();
  }

  /** Hands the pending identities to the index in one call. */
  flush(): void {
    if (this.pending.size === 0) return;
    const rows = new Float64Array(this.pending.size);
    const codes = new Uint8Array(this.pending.size * this.index.codeBytes);
    let i = 0;
    for (const [id, { code }] of this.pending) {
      rows[i] = this.table.row(id)!;
      codes.set(code, i++ * this.index.codeBytes);
    }
    this.pending.clear();
    this.index.upsert(rows, codes);
  }

  /**
   * Replaces everything with a registry snapshot (a hand-over): the index is built in one go,
   * off the JavaScript thread. Loaded identities are not re-clustered: they were when saved.
   */
  async load(snapshot: IdentitySnapshot): Promise<void> {
    if (this.size > 0) throw new Error('load needs an empty site state');
    const n = snapshot.identityIds.length;
    if (n > 0 && snapshot.dim !== this.dim)
      throw new Error(
        `site ${this.siteId} holds ${snapshot.dim}-d centroids, this worker matches ${this.dim}-d embeddings`,
      );
    const rows = new Float64Array(n);
    snapshot.identityIds.forEach((id, i) => {
      const row = this.table.rowFor(id);
      rows[i] = row;
      this.table.weight[row] = snapshot.weight[i];
      this.table.sightings[row] = snapshot.sightings[i];
      this.table.firstSeenMs[row] = snapshot.firstSeenMs[i];
      this.table.lastSeenMs[row] = snapshot.lastSeenMs[i];
    });
    const byLastSeen = snapshot.identityIds
      .map((_, i) => i)
      .sort((a, b) => snapshot.lastSeenMs[a] - snapshot.lastSeenMs[b]);
    for (const i of byLastSeen) this.seen(rows[i], snapshot.lastSeenMs[i]);
    await this.index.load(snapshot.codes, rows);
  }

  /** Forgets identities everywhere (merged away, expired or erased). */
  removeMany(identityIds: Iterable<string>): void {
    const rows: number[] = [];
    for (const id of identityIds) {
      const row = this.table.remove(id);
      if (row === undefined) continue;
      rows.push(row);
      this.pending.delete(id);
      this.provisional.delete(id);
      this.dirty.delete(id);
      this.members.delete(id);
      this.recent.forget(row);
      for (const other of this.cannotLinks.get(id) ?? []) this.cannotLinks.get(other)?.delete(id);
      this.cannotLinks.delete(id);
    }
    this.index.remove(Float64Array.from(rows));
  }

  remove(identityId: string): void {
    this.removeMany([identityId]);
  }

  /**
   * The k nearest identities of each query as the index holds them, in one FAISS call: identities
   * put since the last flush are missing or stale here (BatchAssigner scores those itself).
   */
  searchIndex(queries: Float32Array[], k: number): Neighbour[][] {
    const packed = new Float32Array(queries.length * this.dim);
    queries.forEach((q, i) => packed.set(q, i * this.dim));
    const want = Math.min(k, this.index.size);
    if (want === 0) return queries.map(() => []);
    const { distances, labels } = this.index.search(packed, want);
    return queries.map((_, q) => {
      const found: Neighbour[] = [];
      for (let j = q * want; j < (q + 1) * want; j++) {
        const identityId = labels[j] >= 0 ? this.table.identityAt(labels[j]) : undefined;
        if (identityId !== undefined) found.push({ identityId, similarity: distances[j] });
      }
      return found;
    });
  }

  /** The k nearest identities of each query, pending ones included. */
  searchMany(queries: Float32Array[], k: number): Neighbour[][] {
    this.flush();
    return this.searchIndex(queries, k);
  }

  /** The gallery a face seen at `atMs` is compared with: every live identity, and those seen within `recentWindowMs` before it. */
  gallery(atMs: number, recentWindowMs: number): GalleryContext {
    const since = atMs - recentWindowMs;
    if (recentWindowMs > 0) this.recent.expireBefore(since);
    return {
      size: this.size,
      recentSize: recentWindowMs > 0 ? this.recent.size : 0,
      isRecent: (id) => {
        const row = this.table.row(id);
        return recentWindowMs > 0 && row !== undefined && this.table.lastSeenMs[row] >= since;
      },
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
      if (recent && this.has(recent.identityId)) out.add(recent.identityId);
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
    this.members.add(identityId, [
      {
        observationId: obs.observationId,
        cameraId: obs.cameraId,
        trackId: obs.trackId,
        embedding: obs.embedding,
        quality: obs.quality,
        tStartMs: obs.tStartMs,
        tEndMs: obs.tEndMs,
      },
    ]);
    for (const other of others) this.addCannotLink(identityId, other);
  }

  /** The identity's sightings of the last day or so, oldest first. */
  membersOf(identityId: string): readonly Member[] {
    return this.members.of(identityId);
  }

  /** The member a camera's track became, while its identity remembers it. */
  memberOfTrack(cameraId: string, trackId: string): { identityId: string; member: Member } | null {
    const recent = this.recentTracks.get(trackKey(cameraId, trackId));
    const member =
      recent && this.membersOf(recent.identityId).find((m) => m.cameraId === cameraId && m.trackId === trackId);
    return recent && member ? { identityId: recent.identityId, member } : null;
  }

  /** Moves members (after a split) from one identity to another, and records that the two are different people. */
  moveMembers(from: string, to: string, observationIds: Set<string>): void {
    const moving = this.members.take(from, observationIds);
    this.members.add(to, moving);
    for (const m of moving) {
      const recent = this.recentTracks.get(trackKey(m.cameraId, m.trackId));
      if (recent?.identityId === from) recent.identityId = to;
    }
    this.addCannotLink(from, to);
  }

  /** Cannot-links loaded from the registry (not queued to be saved again). */
  loadCannotLinks(pairs: Array<[string, string]>): void {
    for (const [a, b] of pairs) if (this.has(a) && this.has(b)) this.link(a, b);
  }

  /** Cannot-links made since the last call that the registry should keep (see PERSIST_CANNOT_LINK_MIN_COSINE). */
  takeNewCannotLinks(): Array<[string, string]> {
    const out = this.newCannotLinks.filter(([a, b]) => this.has(a) && this.has(b));
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
    const changed = [...this.dirty].filter((id) => this.has(id));
    this.dirty.clear();
    if (changed.length === 0 || this.size < 2) return [];
    const found = this.searchMany(
      changed.map((id) => this.get(id)!.centroid),
      RECLUSTER_K,
    );
    const pairs: CandidatePair[] = changed.flatMap((a, i) =>
      found[i].filter((n) => n.identityId !== a).map((n) => ({ a, b: n.identityId, similarity: n.similarity })),
    );
    const gallery = this.gallery(this.latestMs, p.recentWindowMs);
    const facts = {
      weight: (id: string) => this.weightOf(id),
      isProvisional: (id: string) => this.isProvisional(id),
      cannotLink: (a: string, b: string) => this.cannotLink(a, b),
    };
    const events = planMerges(pairs, facts, p, (a, b) => Math.max(shiftFor(p, gallery, a), shiftFor(p, gallery, b)));
    const applied = events.map((event) => this.applyMerge(event));
    this.flush();
    return applied;
  }

  /** Forgets the identities last seen before `cutoffMs` (retention): a scan of one column, O(1) index removals. */
  expireBefore(cutoffMs: number): string[] {
    const dropped: string[] = [];
    for (const [id, row] of this.table.entries()) if (this.table.lastSeenMs[row] < cutoffMs) dropped.push(id);
    this.removeMany(dropped);
    return dropped;
  }

  private applyMerge(event: MergeEvent): AppliedMerge {
    const merged = mergeIdentities(this.get(event.to)!, this.get(event.from)!);
    const stillProvisional = this.isProvisional(event.to) && this.isProvisional(event.from);
    for (const other of this.cannotLinks.get(event.from) ?? []) this.link(event.to, other);
    for (const recent of this.recentTracks.values()) if (recent.identityId === event.from) recent.identityId = event.to;
    const members = this.membersOf(event.from);
    this.remove(event.from);
    this.members.add(event.to, members);
    const identity = this.put(merged);
    this.setProvisional(event.to, stillProvisional);
    return { ...event, identity };
  }

  private addCannotLink(a: string, b: string): void {
    if (a === b || this.cannotLink(a, b)) return;
    this.link(a, b);
    const [ia, ib] = [this.get(a), this.get(b)];
    if (ia && ib && cosine(ia.centroid, ib.centroid) >= PERSIST_CANNOT_LINK_MIN_COSINE)
      this.newCannotLinks.push([a, b]);
  }

  private weightOf(identityId: string): number {
    return this.table.weight[this.table.row(identityId)!];
  }

  private seen(row: number, lastSeenMs: number): void {
    this.recent.seen(row, lastSeenMs);
    this.latestMs = Math.max(this.latestMs, lastSeenMs);
  }

  private link(a: string, b: string): void {
    if (a === b) return;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const set = this.cannotLinks.get(x) ?? new Set<string>();
      set.add(y);
      this.cannotLinks.set(x, set);
    }
  }
}

function trackKey(cameraId: string, trackId: string): string {
  return `${cameraId}\u0000${trackId}`;
}
