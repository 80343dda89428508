/** Joins unidentified entrance and exit tracks to the visits they begin and end: pure, one track to one visit, by the closest small face, else by time. */
import { localDate } from './local-day.ts';
import type { VisitRules } from './visit-rules.ts';

/** A face track seen but not identified (no embedding): an entrance or exit camera's track joins a visit by time. */
export interface UnidentifiedTrack {
  observationId: string;
  cameraId: string;
  tStartMs: number;
  tEndMs: number;
  /**
   * A too-small face's weak embedding (FaceObservation.pairingEmbedding): in memory only, to
   * choose among the candidates; a track keeps it until it joins a visit or its window passes.
   */
  pairing?: Float32Array;
  /** Once it joined a visit by face: the cosine of its small face to the visit's identity. */
  faceCosine?: number;
}

/**
 * An identity's face as the tracker uses it: a scorer of small faces' pairing embeddings (their
 * cosine to the re-id worker's centroid), or undefined when the face is not at hand. Looked up
 * once per identity and decision: a busy door holds hundreds of waiting tracks.
 */
export type FaceOf = (identityId: string) => ((pairing: Float32Array) => number) | undefined;

/** What the attacher reads and sets on a visit. */
export interface AttachableVisit {
  /** The last identified sighting's end. */
  endMs: number;
  localDate: string;
  /** Its identified sightings in time order. */
  members: Array<{ cameraId: string; tStartMs: number }>;
  entry: UnidentifiedTrack | null;
  exit: UnidentifiedTrack | null;
}

/**
 * Bounds the entrance tracks waiting for a visit: at ~1 track a second (a busy mall's door) the
 * 9-minute window and 30-minute gap they are kept hold 2,340; beyond this many the oldest go.
 */
const MAX_WAITING = 10_000;

/**
 * A door track whose small face is this close to an identity's is that person's own: a stranger's
 * face reaches it 0.8 % of the time (lfw_dev impostor pairs), the small faces' own median is 0.31
 * (docs/calibration.md, degraded 32 px).
 */
export const OWN_FACE_MIN_COSINE = 0.25;

/**
 * Holds, for one site, the recent entrance tracks no visit took yet and the visits that may still
 * take an exit track. A person seen too small at the entrance and identified at the next camera
 * begins their visit at the entrance track that ended within `attachWindowMs` before that first
 * sighting; one seen too small at the checkout ends the visit whose last sighting came within the
 * window before that track began. Each track joins at most one visit, each visit at most one entry
 * and one exit track, and only when its identified path does not already begin (end) there.
 *
 * Among several candidates the one waiting longest wins (first in, first out): the entrance track
 * that ended first within the window, the visit whose last sighting came first. Measured in the
 * simulated store with every face identifiable but the small ones (docs/calibration.md, seeds 1–5
 * and 7, 9-minute window): first-in-first-out gives a median dwell within +1.3…+2.3 % of the
 * truth, the nearest in time −9…−12 %. The nearest entrance track before a first sighting is often
 * the person's own second one (people linger in the doorway), and the nearest visit before an exit
 * track the one just seen in a zone, still shopping: both cut visits short. Which candidate owns
 * a track the times cannot tell in that store (a quarter of the joined checkout tracks are the
 * owner's, as by chance): deciding once the window has passed, or by the learned walk time to the
 * checkout, pairs no better (docs/calibration.md, "Pairing checkout tracks").
 *
 * A track that carries a pairing embedding (a too-small face, embedded anyway) picks by face
 * instead: the candidate whose identity's face is closest (one not at hand counts as a stranger's,
 * cosine 0). Always the closest, however narrow its lead: first in, first out is right a quarter of
 * the time, the closest of five real faces shrunk to 16–40 px 90–100 % (clean) or 40–98 % (blurred
 * and compressed; docs/calibration.md). In the simulated store with every identity known, waiting
 * for a margin of 0.10 and taking the rest first in, first out paired 80 % of checkout tracks to
 * their owner, the closest face always 92 %.
 */
export class TrackAttacher {
  /** Unattached entrance tracks in the order they arrived. */
  private readonly waiting: UnidentifiedTrack[] = [];
  /** Visits that may still take an exit track, with their identity. */
  private readonly open = new Map<AttachableVisit, string>();
  private latestStartMs = 0;
  /** When the watched visits were last pruned: once a window, not at every event. */
  private prunedMs = 0;

  constructor(
    private readonly rules: Pick<
      VisitRules,
      'attachWindowMs' | 'entranceCameras' | 'exitCameras' | 'timeZone' | 'endAtLocalMidnight' | 'visitGapMs'
    >,
    private readonly faceOf?: FaceOf,
  ) {}

  /** An entrance track waits for the visit it begins; any other track is not an entry. */
  offerEntry(track: UnidentifiedTrack): void {
    if (this.rules.attachWindowMs <= 0 || !this.rules.entranceCameras.includes(track.cameraId)) return;
    this.advance(track.tStartMs);
    this.waiting.push(track);
    if (this.waiting.length > MAX_WAITING) this.waiting.shift();
  }

  /**
   * A visit of `identityId` opens at `first` (its first identified sighting): the waiting entrance
   * track within the window before it whose face is closest to the identity's, else the one that
   * ended first (first in, first out), taken out of waiting (null: none, or the visit begins at an
   * entrance itself).
   */
  takeEntry(first: { cameraId: string; tStartMs: number }, identityId: string): UnidentifiedTrack | null {
    this.advance(first.tStartMs);
    if (this.rules.entranceCameras.includes(first.cameraId)) return null;
    const day = this.dayOf(first.tStartMs);
    const candidates = this.waiting.filter(
      (t) =>
        t.tEndMs <= first.tStartMs &&
        t.tEndMs >= first.tStartMs - this.rules.attachWindowMs &&
        this.dayOf(t.tStartMs) === day,
    );
    const face = this.faceOf?.(identityId);
    const byFace = face ? this.pickByFace(candidates, (t) => (t.pairing ? face(t.pairing) : undefined)) : null;
    if (face && byFace) return this.takeLingering(byFace.candidate, byFace.cosine, face, day);
    const chosen = firstOf(candidates, (t) => t.tEndMs);
    if (!chosen) return null;
    this.waiting.splice(this.waiting.indexOf(chosen), 1);
    return joined(chosen, undefined);
  }

  /**
   * Takes `track` out of waiting, with the person's earlier tracks at the door: a waiting track
   * that ended within the window before it, whose face is clearly the identity's, is theirs too
   * (people linger in the doorway), and so on back; the visit begins at the earliest. The later
   * ones are used up: they are this person, not someone still to come. Replayed with every
   * identity known (seed 7), a visit's own first track lay beyond the window before its first
   * sighting in a third of the joined visits; following the chain brings the median dwell from
   * −2.9 % to −0.3 % of the truth.
   */
  private takeLingering(
    track: UnidentifiedTrack,
    cosine: number,
    face: (pairing: Float32Array) => number,
    day: string,
  ): UnidentifiedTrack {
    let [earliest, earliestCosine] = [track, cosine];
    for (;;) {
      this.waiting.splice(this.waiting.indexOf(earliest), 1);
      const from = earliest;
      let next: { track: UnidentifiedTrack; cosine: number } | null = null;
      for (const t of this.waiting) {
        if (t.tEndMs > from.tStartMs || t.tEndMs < from.tStartMs - this.rules.attachWindowMs) continue;
        if (!t.pairing || this.dayOf(t.tStartMs) !== day || (next && next.track.tEndMs <= t.tEndMs)) continue;
        const c = face(t.pairing);
        if (c >= OWN_FACE_MIN_COSINE) next = { track: t, cosine: c };
      }
      if (!next) return joined(earliest, earliestCosine);
      [earliest, earliestCosine] = [next.track, next.cosine];
    }
  }

  /** The visit took a sighting: it may take an exit track after it, unless it was seen at an exit last. */
  watch(visit: AttachableVisit, identityId: string): void {
    if (this.rules.attachWindowMs <= 0 || this.rules.exitCameras.length === 0) return;
    this.advance(visit.members[visit.members.length - 1]?.tStartMs ?? 0);
    if (visit.exit) this.open.delete(visit);
    else this.open.set(visit, identityId);
  }

  /**
   * An exit track joins, among the visits whose last sighting ended within the window before it
   * began on the same local day, the one whose identity's face is closest to the track's, else the
   * one whose last sighting came first (first in, first out); returns that visit's identity (null:
   * none, the track stays unidentified). A visit already seen last at an exit takes none.
   */
  attachExit(track: UnidentifiedTrack): string | null {
    if (this.rules.attachWindowMs <= 0 || !this.rules.exitCameras.includes(track.cameraId)) return null;
    this.advance(track.tStartMs);
    const day = localDate(track.tStartMs, this.rules.timeZone);
    const candidates: AttachableVisit[] = [];
    for (const visit of this.open.keys()) {
      const last = visit.members[visit.members.length - 1];
      if (visit.exit || !last || this.rules.exitCameras.includes(last.cameraId) || !this.seenInside(visit)) continue;
      if (visit.endMs > track.tStartMs || visit.endMs < track.tStartMs - this.rules.attachWindowMs) continue;
      if (this.rules.endAtLocalMidnight && visit.localDate !== day) continue;
      candidates.push(visit);
    }
    const { pairing } = track;
    const byFace = pairing ? this.pickByFace(candidates, (v) => this.faceOf?.(this.open.get(v)!)?.(pairing)) : null;
    const best = byFace?.candidate ?? firstOf(candidates, (v) => v.endMs);
    if (!best) return null;
    best.exit = joined(track, byFace?.cosine);
    const identityId = this.open.get(best)!;
    this.open.delete(best);
    return identityId;
  }

  /**
   * The visit was seen at `tMs`, after its exit track began: the person was still inside, so the
   * track was someone else's leaving. It goes to another visit it may end (that one's identity is
   * returned) or stays unidentified.
   */
  giveBackExit(visit: AttachableVisit, tMs: number): string | null {
    const exit = visit.exit;
    if (!exit || tMs < exit.tStartMs) return null;
    visit.exit = null;
    return this.attachExit(exit);
  }

  /**
   * The candidate whose face is closest to the track's (a face not at hand counts as a stranger's,
   * 0), with its cosine. Null when no candidate's face could be compared: the caller takes first
   * in, first out.
   */
  private pickByFace<T>(
    candidates: T[],
    scoreOf: (candidate: T) => number | undefined,
  ): { candidate: T; cosine: number } | null {
    if (!this.faceOf) return null;
    let [best, top, scored] = [null as T | null, -Infinity, false];
    for (const c of candidates) {
      const score = scoreOf(c);
      scored ||= score !== undefined;
      if ((score ?? 0) > top) [best, top] = [c, score ?? 0];
    }
    return scored && best !== null ? { candidate: best, cosine: top } : null;
  }

  /** Seen at a camera neither at an entrance nor an exit: someone seen only at the door was passing by, and leaves by it. */
  private seenInside(visit: AttachableVisit): boolean {
    return visit.members.some(
      (m) => !this.rules.entranceCameras.includes(m.cameraId) && !this.rules.exitCameras.includes(m.cameraId),
    );
  }

  /** The visits of these identities leave memory: they take no more exit tracks here. */
  forget(identityIds: Set<string>): void {
    for (const [visit, id] of this.open) if (identityIds.has(id)) this.open.delete(visit);
  }

  /** Tracks waiting and visits watched, e.g. for tests of the bound. */
  get held(): { waiting: number; watched: number } {
    return { waiting: this.waiting.length, watched: this.open.size };
  }

  /**
   * Time moved on to `tMs`: entrance tracks that ended more than a window before it can begin no
   * later visit, visits whose last sighting did can end at no later track. Cameras deliver late
   * and batches interleave them, so both are kept a visit gap longer (the lateness sessionising
   * tolerates too) before they leave: memory holds a window and a gap of each.
   */
  private advance(tMs: number): void {
    if (tMs <= this.latestStartMs) return;
    this.latestStartMs = tMs;
    const horizon = tMs - this.rules.attachWindowMs - this.rules.visitGapMs;
    let stale = 0;
    while (stale < this.waiting.length && this.waiting[stale].tEndMs < horizon) stale++;
    if (stale > 0) this.waiting.splice(0, stale);
    if (tMs < this.prunedMs + this.rules.attachWindowMs) return;
    this.prunedMs = tMs;
    for (const visit of this.open.keys()) if (visit.endMs < horizon) this.open.delete(visit);
  }

  private dayOf(tMs: number): string {
    return this.rules.endAtLocalMidnight ? localDate(tMs, this.rules.timeZone) : '';
  }
}

/** The candidate waiting longest: the least `timeOf` (first in, first out). */
function firstOf<T>(candidates: T[], timeOf: (candidate: T) => number): T | null {
  let first: T | null = null;
  for (const c of candidates) if (first === null || timeOf(c) < timeOf(first)) first = c;
  return first;
}

/** The track as a visit keeps it: its pairing embedding dropped once it has chosen, the cosine it chose by kept. */
function joined(track: UnidentifiedTrack, faceCosine: number | undefined): UnidentifiedTrack {
  const { pairing: _, ...kept } = track;
  return faceCosine === undefined ? kept : { ...kept, faceCosine };
}
