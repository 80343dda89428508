/** A visit while the tracker holds it, and what it becomes: whether it counts, and its row. */
import { OWN_FACE_MIN_COSINE, type UnidentifiedTrack } from './attach-unidentified-tracks.ts';
import { localHour } from './local-day.ts';
import type { VisitRow, VisitStatus } from './visit-row.ts';

/** One sighting inside a visit. */
export interface VisitMember {
  observationId: string;
  cameraId: string;
  tStartMs: number;
  tEndMs: number;
}

export interface TrackedVisit {
  visitId: string;
  startMs: number;
  endMs: number;
  localDate: string;
  returning: boolean;
  status: VisitStatus;
  members: VisitMember[];
  ids: Set<string>;
  entry: UnidentifiedTrack | null;
  exit: UnidentifiedTrack | null;
  /** Its first sighting minted the identity (a face the engine had never seen). */
  minted: boolean;
  /** Counted once: the aggregates never take a visit back out, so it stays counted. */
  counted: boolean;
}

/**
 * Long enough to count: its identified sightings span the minimum visit, or with its door
 * tracks it does and it is more than one face the engine had never seen, or a door track's small
 * face is clearly its own. A lone sighting that minted an identity is most often a split of
 * someone already inside (one noisy face); on door tracks alone such visits added 94 visits and
 * 86 visitors to `eval store` seed 7 (docs/calibration.md). A door track whose face is the
 * identity's says it is a person who came in or left, not a fragment of someone inside.
 */
export function countsAsVisit(visit: TrackedVisit, minVisitMs: number): boolean {
  const identified = visit.members.length > 0 ? visit.endMs - visit.members[0].tStartMs >= minVisitMs : false;
  const ownDoor = [visit.entry, visit.exit].some((t) => (t?.faceCosine ?? -1) >= OWN_FACE_MIN_COSINE);
  const withTracks =
    lastMs(visit) - visit.startMs >= minVisitMs && (visit.members.length > 1 || !visit.minted || ownDoor);
  visit.counted ||= identified || withTracks;
  return visit.counted;
}

/** What a visit row needs besides the visit: whose it is, where, and the rules it was cut by. */
export interface VisitRowContext {
  siteId: string;
  tenant: string;
  identityId: string;
  timeZone: string;
  minVisitMs: number;
  rulesVersion: string;
}

/** The visit as the visits table stores it; its path runs from the entry track through its sightings to the exit track. */
export function visitRowOf(visit: TrackedVisit, context: VisitRowContext): VisitRow {
  return {
    siteId: context.siteId,
    tenant: context.tenant,
    visitId: visit.visitId,
    identityId: context.identityId,
    startMs: visit.startMs,
    endMs: lastMs(visit),
    localDate: visit.localDate,
    localHour: localHour(visit.startMs, context.timeZone),
    cameras: [visit.entry, ...visit.members, visit.exit].flatMap((m) => (m ? [m.cameraId] : [])),
    sightings: visit.members.length,
    returning: visit.returning,
    counted: countsAsVisit(visit, context.minVisitMs),
    status: visit.status,
    rulesVersion: context.rulesVersion,
    entryTrack: visit.entry?.observationId ?? '',
    exitTrack: visit.exit?.observationId ?? '',
  };
}

/** Where the visit ends: its exit track's end, else its last sighting's. */
export function lastMs(visit: TrackedVisit): number {
  return Math.max(visit.endMs, visit.exit?.tEndMs ?? 0);
}

/** Adds a sighting in time order (a late one lands where it belongs). */
export function insertSorted(visit: TrackedVisit, member: VisitMember): void {
  let i = visit.members.length;
  while (i > 0 && visit.members[i - 1].tStartMs > member.tStartMs) i--;
  visit.members.splice(i, 0, member);
  visit.ids.add(member.observationId);
}
