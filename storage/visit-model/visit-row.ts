/** A visit as stored in ClickHouse (one row per state of the visit; the latest version wins). */
import { createHash } from 'node:crypto';

export type VisitStatus = 'open' | 'closed';

export interface VisitRow {
  siteId: string;
  tenant: string;
  /** Deterministic from site, identity and start, so a redelivered batch rewrites the same visit. */
  visitId: string;
  identityId: string;
  startMs: number;
  endMs: number;
  /** The site's local date and hour of the start: a store's day is its local day. */
  localDate: string;
  localHour: number;
  /** Camera of every sighting in time order (ClickHouse collapses repeats into the path). */
  cameras: string[];
  sightings: number;
  /** The identity had an earlier visit that counted. */
  returning: boolean;
  /** Long enough to count (dwell ≥ the rules' minimum visit); bounces are kept but never count. */
  counted: boolean;
  status: VisitStatus;
  rulesVersion: string;
  /** Observation id of the unidentified entrance track the visit begins with ('' none): the person entered unrecognised. */
  entryTrack: string;
  /** Observation id of the unidentified exit track the visit ends with ('' none). */
  exitTrack: string;
}

/** The id of the visit of `identityId` at `site` that started at `startMs`. */
export function visitIdOf(siteId: string, identityId: string, startMs: number): string {
  return createHash('sha256').update(`${siteId}\u0000${identityId}\u0000${startMs}`).digest('hex').slice(0, 32);
}
