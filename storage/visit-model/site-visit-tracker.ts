/** Cuts one site's sightings into visits: the pure sessionisation core, with an explicit open → closed lifecycle. */
import type { Sighting } from '../../schemas/index.ts';
import { type FaceOf, TrackAttacher, type UnidentifiedTrack } from './attach-unidentified-tracks.ts';
import { DeadlineQueue } from './deadline-queue.ts';
import { localDate, nextLocalMidnightMs } from './local-day.ts';
import { rulesVersion, type VisitRules } from './visit-rules.ts';
import { visitIdOf, type VisitRow, type VisitStatus } from './visit-row.ts';
import { countsAsVisit, insertSorted, type TrackedVisit, type VisitMember, visitRowOf } from './tracked-visit.ts';

/** The latest stored visit of an identity, to continue it after a restart. */
export interface StoredVisit {
  visitId: string;
  startMs: number;
  endMs: number;
  returning: boolean;
  status: VisitStatus;
  /** Its sightings, re-read from the sightings table: they make redeliveries idempotent. */
  members: VisitMember[];
  /** The unidentified tracks it began and ended with. */
  entry?: UnidentifiedTrack | null;
  exit?: UnidentifiedTrack | null;
}

interface TrackedIdentity {
  visit: TrackedVisit | null;
  /** The visit before, kept so a retried batch rewrites it too. */
  previous: TrackedVisit | null;
  /** Whether a visit before the current one counted: the next visit is then returning. */
  hadCountedVisit: boolean;
}

/**
 * Sessionisation for one site. A visit is a run of an identity's sightings with gaps at most
 * `visitGapMs` that stays within one local day (when `endAtLocalMidnight`). Visit boundaries
 * depend only on sighting times, never on when `sweep` runs: a sweep closes idle visits, and a
 * late sighting within the gap reopens the same visit (same id). Labelled sightings (staff and
 * other exclusion groups) never make visits. Unidentified tracks at an entrance or exit join the
 * visit they begin or end (TrackAttacher): its start, end, dwell and path then include them.
 *
 * Work is proportional to the sightings applied and the visits that end: open visits wait in a
 * queue by the time they end, closed ones by the watermark at which they are forgotten, so a
 * sweep never walks every identity held (a flood of distinct faces once made each batch do so).
 */
export class SiteVisitTracker {
  readonly rulesVersion: string;
  private readonly identities = new Map<string, TrackedIdentity>();
  /** The latest sighting end seen: event time, so evicting never depends on the wall clock. */
  private watermarkMs = 0;
  /** Identities by when their open visit ends (sweep clock); stale entries are skipped when due. */
  private readonly closing = new DeadlineQueue<string>();
  /** Identities by the watermark past which their closed visit is forgotten. */
  private readonly forgetting = new DeadlineQueue<string>();
  private examined = 0;
  private readonly attacher: TrackAttacher;

  constructor(
    private readonly site: { siteId: string; tenant: string },
    private readonly rules: VisitRules,
    /** How close a too-small face is to an identity's (the worker's centroids): lets its track choose its visit. */
    faceOf?: FaceOf,
  ) {
    this.rulesVersion = rulesVersion(rules);
    this.attacher = new TrackAttacher(rules, faceOf);
  }

  /** Whether the identity's state is in memory (otherwise restore it from storage first). */
  knows(identityId: string): boolean {
    return this.identities.has(identityId);
  }

  /** Loads an identity's latest stored visit (null: never visited) so sightings and exit tracks continue it. */
  restore(identityId: string, stored: StoredVisit | null): void {
    if (!stored) {
      this.identities.set(identityId, { visit: null, previous: null, hadCountedVisit: false });
      return;
    }
    const day = localDate(stored.startMs, this.rules.timeZone);
    // The previous day's last sightings can lie within the gap before a visit cut at midnight.
    const members = stored.members
      .filter((m) => !this.rules.endAtLocalMidnight || localDate(m.tStartMs, this.rules.timeZone) === day)
      .sort((a, b) => a.tStartMs - b.tStartMs);
    const exit = stored.exit ?? null;
    const visit: TrackedVisit = {
      visitId: stored.visitId,
      startMs: stored.startMs,
      // The stored end includes an exit track; the identified end is its last sighting's.
      endMs: exit
        ? Math.max(...members.map((m) => m.tEndMs), Math.min(stored.endMs, exit.tStartMs))
        : Math.max(stored.endMs, ...members.map((m) => m.tEndMs)),
      localDate: day,
      returning: stored.returning,
      status: stored.status,
      members,
      ids: new Set(members.map((m) => m.observationId)),
      entry: stored.entry ?? null,
      exit,
      minted: false,
      counted: false,
    };
    this.identities.set(identityId, { visit, previous: null, hadCountedVisit: stored.returning });
    this.schedule(identityId, visit);
    // Its last sighting may have come just before: a checkout track can still end it.
    this.attacher.watch(visit, identityId);
  }

  /**
   * Folds sightings and unidentified tracks in, in time order (unknown identities start with no
   * history), and returns every visit they touched, changed or not, so that a sink retrying a
   * failed write writes them all again. An entrance track waits for the visit it begins; an exit
   * track joins a visit at once or never (it stays unidentified).
   */
  apply(sightings: Sighting[], tracks: UnidentifiedTrack[] = []): VisitRow[] {
    const rows = new Map<string, VisitRow>();
    const events: Array<{ t: number; s: Sighting } | { t: number; track: UnidentifiedTrack }> = [
      ...sightings.filter((s) => s.label === '').map((s) => ({ t: s.tStartMs, s })),
      ...tracks.map((track) => ({ t: track.tStartMs, track })),
    ].sort((a, b) => a.t - b.t);
    const touched = new Set<string>();
    for (const event of events) {
      if ('track' in event) {
        this.attacher.offerEntry(event.track);
        const id = this.attacher.attachExit(event.track);
        if (id) touched.add(id);
        continue;
      }
      const { s } = event;
      touched.add(s.identityId);
      this.watermarkMs = Math.max(this.watermarkMs, s.tEndMs);
      let identity = this.identities.get(s.identityId);
      if (!identity) {
        identity = { visit: null, previous: null, hadCountedVisit: false };
        this.identities.set(s.identityId, identity);
      }
      const previousBefore = identity.previous;
      const visit = this.place(identity, s);
      if (visit) {
        const other = this.attacher.giveBackExit(visit, s.tStartMs);
        if (other) touched.add(other);
        this.attacher.watch(visit, s.identityId);
        rows.set(visit.visitId, this.row(s.identityId, visit));
      }
      // A visit this sighting ended is written closed.
      if (identity.previous && identity.previous !== previousBefore)
        rows.set(identity.previous.visitId, this.row(s.identityId, identity.previous));
    }
    // Rows were snapshotted as they went; refresh the still-current ones to their final state.
    for (const id of touched) {
      this.examined++;
      const visit = this.identities.get(id)?.visit;
      if (!visit) continue;
      if (rows.has(visit.visitId) || visit.exit) rows.set(visit.visitId, this.row(id, visit));
      this.schedule(id, visit);
    }
    return [...rows.values()];
  }

  /** Closes visits idle for the visit gap or past their local midnight at `nowMs`; returns them. */
  sweep(nowMs: number): VisitRow[] {
    const closed: VisitRow[] = [];
    for (const identityId of this.closing.takeDue(nowMs)) {
      this.examined++;
      const visit = this.identities.get(identityId)?.visit;
      // Skipped when a later sighting moved the end (its own entry waits) or the visit is closed already.
      if (visit?.status !== 'open' || nowMs < this.endOf(visit)) continue;
      visit.status = 'closed';
      closed.push(this.row(identityId, visit));
      this.schedule(identityId, visit);
    }
    const gone = new Set<string>();
    for (const identityId of this.forgetting.takeDue(this.watermarkMs)) {
      this.examined++;
      const visit = this.identities.get(identityId)?.visit;
      // Once the stream itself is past the gap, no sighting can continue the visit: forget it
      // (a returning identity is restored from storage).
      if (visit?.status === 'closed' && this.watermarkMs > visit.endMs + this.rules.visitGapMs) gone.add(identityId);
    }
    // Once per sweep: the attacher walks its watched visits for each call.
    if (gone.size > 0) this.forget(gone);
    return closed;
  }

  /**
   * Identities looked at by `apply` and `sweep` so far: the sightings applied plus the visits
   * that came due, never every identity held (tests assert it).
   */
  get identitiesExamined(): number {
    return this.examined;
  }

  /** Drops identities from memory (merged away, or rebuilt elsewhere): they are restored from storage when seen again. */
  forget(identityIds: Iterable<string>): void {
    const ids = new Set(identityIds);
    for (const id of ids) this.identities.delete(id);
    this.attacher.forget(ids);
  }

  /** Every open visit, e.g. for occupancy. */
  openVisits(): VisitRow[] {
    return [...this.identities].flatMap(([id, t]) => (t.visit?.status === 'open' ? [this.row(id, t.visit)] : []));
  }

  /** Identities held in memory. */
  get size(): number {
    return this.identities.size;
  }

  /** Adds the sighting to the current visit or starts a new one; returns the visit it touched (null: too late to place). */
  private place(identity: TrackedIdentity, s: Sighting): TrackedVisit | null {
    const visit = identity.visit;
    if (visit?.ids.has(s.observationId)) return visit; // redelivered: already counted
    if (identity.previous?.ids.has(s.observationId)) return identity.previous;
    if (visit && this.continues(visit, s.tStartMs)) {
      insertSorted(visit, {
        observationId: s.observationId,
        cameraId: s.cameraId,
        tStartMs: s.tStartMs,
        tEndMs: s.tEndMs,
      });
      visit.endMs = Math.max(visit.endMs, s.tEndMs);
      visit.status = 'open';
      return visit;
    }
    // A sighting from before the current visit's reach belongs to a visit already cut: too late.
    if (visit && s.tStartMs < visit.startMs) return null;
    if (visit) {
      identity.hadCountedVisit ||= countsAsVisit(visit, this.rules.minVisitMs);
      visit.status = 'closed';
      identity.previous = visit;
    }
    const entry = this.attacher.takeEntry(s, s.identityId);
    identity.visit = {
      visitId: visitIdOf(this.site.siteId, s.identityId, s.tStartMs),
      startMs: Math.min(s.tStartMs, entry?.tStartMs ?? Infinity),
      endMs: Math.max(s.tStartMs, s.tEndMs),
      localDate: localDate(s.tStartMs, this.rules.timeZone),
      returning: identity.hadCountedVisit,
      status: 'open',
      members: [{ observationId: s.observationId, cameraId: s.cameraId, tStartMs: s.tStartMs, tEndMs: s.tEndMs }],
      ids: new Set([s.observationId]),
      entry,
      exit: null,
      minted: s.isNewIdentity,
      counted: false,
    };
    return identity.visit;
  }

  private continues(visit: TrackedVisit, tMs: number): boolean {
    const gap = this.rules.visitGapMs;
    if (tMs > visit.endMs + gap || tMs < visit.startMs - gap) return false;
    return !this.rules.endAtLocalMidnight || localDate(tMs, this.rules.timeZone) === visit.localDate;
  }

  /** When an open visit ends unless a sighting continues it: the visit gap after its last sighting, or its local midnight. */
  private endOf(visit: TrackedVisit): number {
    const idle = visit.endMs + this.rules.visitGapMs;
    return this.rules.endAtLocalMidnight
      ? Math.min(idle, nextLocalMidnightMs(visit.startMs, this.rules.timeZone))
      : idle;
  }

  /** Queues the identity for what comes next to its current visit: its end if open, being forgotten if closed. */
  private schedule(identityId: string, visit: TrackedVisit): void {
    // `watermark > end + gap` is `watermark >= end + gap + 1` in whole milliseconds.
    if (visit.status === 'open') this.closing.add(this.endOf(visit), identityId);
    else this.forgetting.add(visit.endMs + this.rules.visitGapMs + 1, identityId);
  }

  /** The visit's row, with what the tracker knows of its site and rules. */
  private row(identityId: string, visit: TrackedVisit): VisitRow {
    return visitRowOf(visit, {
      ...this.site,
      identityId,
      timeZone: this.rules.timeZone,
      minVisitMs: this.rules.minVisitMs,
      rulesVersion: this.rulesVersion,
    });
  }
}
