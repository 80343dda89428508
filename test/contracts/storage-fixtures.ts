/** What the storage contract's checks share: the database under test, and rows to write to it. */
import type { Sighting } from '../../schemas/index.ts';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { VisitRow } from '../../storage/visit-model/visit-row.ts';

/** The database a check writes to, and a site id of its own (checks share the database). */
export interface ContractContext {
  readonly client: ClickHouseClient;
  site(): string;
}

export const MIN = 60_000;
export const T0 = Date.parse('2026-11-02T09:00:00Z');

/** A sighting as the worker writes it: a confident match at the entrance lasting 2 s, unless `over` says otherwise. */
export function makeSighting(
  over: Pick<Sighting, 'observationId' | 'identityId' | 'tStartMs'> & Partial<Sighting>,
): Sighting {
  return {
    siteId: 's1',
    cameraId: 'entrance',
    tEndMs: over.tStartMs + 2000,
    similarity: 0.9,
    isNewIdentity: false,
    quality: 0.8,
    modelId: 'm',
    label: '',
    ...over,
  };
}

/** A sighting at the entrance lasting 2 s. */
export function sighting(siteId: string, observationId: string, identityId: string, tMs: number, label = ''): Sighting {
  return makeSighting({ siteId, observationId, identityId, tStartMs: tMs, label });
}

/** An open, counted visit of 10 minutes through three cameras (two of them the same). */
export function visit(
  siteId: string,
  visitId: string,
  identityId: string,
  startMs: number,
  patch: Partial<VisitRow> = {},
): VisitRow {
  return {
    siteId,
    tenant: 't1',
    visitId,
    identityId,
    startMs,
    endMs: startMs + 10 * MIN,
    localDate: new Date(startMs).toISOString().slice(0, 10),
    localHour: new Date(startMs).getUTCHours(),
    cameras: ['entrance', 'zone', 'zone'],
    sightings: 3,
    returning: false,
    counted: true,
    status: 'open',
    rulesVersion: 'v1-contract',
    entryTrack: '',
    exitTrack: '',
    ...patch,
  };
}
