/** With the simulator's truth: the person a visit row stands for, and how many door tracks joined their owner's visit (pure). */
import type { VisitRow } from '../storage/visit-model/visit-row.ts';

/** Door tracks joined to visits, and how many of them to their own person's. */
export interface DoorTrackCounts {
  entries: number;
  entriesOwn: number;
  exits: number;
  exitsOwn: number;
}

/**
 * The person of a visit row: the person of its identity's first sighting at or after the row's
 * start (an entry track may begin the row before any sighting). Undefined: no such sighting.
 */
export function personOfRows(
  sightings: Array<{ identityId: string; tStartMs: number; person: number }>,
): (row: VisitRow) => number | undefined {
  const byIdentity = new Map<string, Array<{ tStartMs: number; person: number }>>();
  for (const s of sightings) {
    let list = byIdentity.get(s.identityId);
    if (!list) byIdentity.set(s.identityId, (list = []));
    list.push(s);
  }
  for (const list of byIdentity.values()) list.sort((a, b) => a.tStartMs - b.tStartMs);
  return (row) => byIdentity.get(row.identityId)?.find((s) => s.tStartMs >= row.startMs)?.person;
}

/** Counts each row's entry and exit track, and those whose owner (`ownerOf`, by track) is the row's person. */
export function measureDoorTracks(
  rows: VisitRow[],
  personOf: (row: VisitRow) => number | undefined,
  ownerOf: Map<string, number>,
): DoorTrackCounts {
  const out: DoorTrackCounts = { entries: 0, entriesOwn: 0, exits: 0, exitsOwn: 0 };
  for (const row of rows) {
    const person = personOf(row);
    if (row.entryTrack !== '') {
      out.entries++;
      if (ownerOf.get(row.entryTrack) === person) out.entriesOwn++;
    }
    if (row.exitTrack !== '') {
      out.exits++;
      if (ownerOf.get(row.exitTrack) === person) out.exitsOwn++;
    }
  }
  return out;
}
