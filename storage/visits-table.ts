/**
 * The `visits` table: the only place its SQL is written. One row per state of a visit, the
 * latest version wins (read with FINAL); the worker writes and restores visits here, and the
 * reports read them through COUNTED_VISITS, STARTED_VISITS and OPEN_VISITS.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './clickhouse/query-rows.ts';
import { readVisitMembers } from './sightings-table.ts';
import { readUnidentifiedTracks } from './unidentified-tracks-table.ts';
import type { StoredVisit } from './visit-model/site-visit-tracker.ts';
import type { VisitRow, VisitStatus } from './visit-model/visit-row.ts';

/**
 * The counted visits of a site that started in a range, deduplicated (FINAL): bounces and staff
 * never appear. Every report over visits reads them from here. Parameters: `{site:String}` and
 * the range's UTC instants `{from_ms:Int64}` (inclusive) and `{to_ms:Int64}` (exclusive).
 */
export const COUNTED_VISITS = `
  SELECT *, path, dwell_s FROM visits FINAL
  WHERE site_id = {site:String} AND counted = 1
    AND start >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')`;

/**
 * Every visit of a site that started in a range, counted or not (FINAL): passers-by too, for the
 * estimates that need their share. Parameters as COUNTED_VISITS'.
 */
export const STARTED_VISITS = `
  SELECT *, path, dwell_s FROM visits FINAL
  WHERE site_id = {site:String}
    AND start >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')`;

/** The open visits of a site (FINAL), counted or not yet: who may be inside. Parameter: `{site:String}`. */
export const OPEN_VISITS = `SELECT *, path, dwell_s FROM visits FINAL WHERE site_id = {site:String} AND status = 'open'`;

/** Non-materialized columns, for copying rows. */
const COLUMNS =
  'site_id, tenant, visit_id, identity_id, start, end, local_date, local_hour, cameras, sightings, returning, counted, status, rules_version, entry_track, exit_track, version';

interface LatestRow {
  identity_id: string;
  visit_id: string;
  start_ms: string | number;
  end_ms: string | number;
  returning: number;
  status: VisitStatus;
  entry_track: string;
  exit_track: string;
}

/** A stored visit reduced to what a rebuild needs: when it started and ended, whether it counted, its local day, the unidentified tracks it took. */
export interface VisitSummary {
  startMs: number;
  endMs: number;
  counted: boolean;
  localDate: string;
  /** Its entry and exit tracks' observation ids (those it has). */
  tracks: string[];
}

const LATEST_COLUMNS =
  'identity_id, visit_id, toUnixTimestamp64Milli(start) AS start_ms, toUnixTimestamp64Milli(end) AS end_ms, returning, status, entry_track, exit_track';
const SYNC = { mutations_sync: '2' } as const;

/** Reads and writes visits; holds the version counter, so one process writes through one instance. */
export class VisitsTable {
  private lastVersion = 0;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Inserts rows with a fresh version each (the clock, kept increasing): the latest write of a visit wins. */
  async write(rows: VisitRow[]): Promise<void> {
    if (rows.length === 0) return;
    const version = (this.lastVersion = Math.max(this.now(), this.lastVersion + 1));
    await this.client.insert({
      table: 'visits',
      format: 'JSONEachRow',
      values: rows.map((r) => ({
        site_id: r.siteId,
        tenant: r.tenant,
        visit_id: r.visitId,
        identity_id: r.identityId,
        start: r.startMs,
        end: r.endMs,
        local_date: r.localDate,
        local_hour: r.localHour,
        cameras: r.cameras,
        sightings: r.sightings,
        returning: r.returning ? 1 : 0,
        counted: r.counted ? 1 : 0,
        status: r.status,
        rules_version: r.rulesVersion,
        entry_track: r.entryTrack,
        exit_track: r.exitTrack,
        version,
      })),
    });
  }

  /** The latest visit of each identity (absent: it never visited), with its sightings. */
  async latestVisits(siteId: string, identityIds: string[], visitGapMs: number): Promise<Map<string, StoredVisit>> {
    if (identityIds.length === 0) return new Map();
    const latest = await queryRows<LatestRow>(
      this.client,
      `SELECT ${LATEST_COLUMNS} FROM visits FINAL WHERE site_id = {site:String} AND identity_id IN {ids:Array(String)}
       ORDER BY start DESC LIMIT 1 BY identity_id`,
      { site: siteId, ids: identityIds },
    );
    return this.withMembers(siteId, latest, visitGapMs);
  }

  /** Every visit left open (by a crash or a stop), per site. */
  async openVisits(
    siteIds: string[],
    visitGapMs: (siteId: string) => number,
  ): Promise<Map<string, Map<string, StoredVisit>>> {
    const out = new Map<string, Map<string, StoredVisit>>();
    for (const siteId of siteIds) {
      const open = await queryRows<LatestRow>(
        this.client,
        `SELECT ${LATEST_COLUMNS} FROM visits FINAL WHERE site_id = {site:String} AND status = 'open'`,
        { site: siteId },
      );
      if (open.length > 0) out.set(siteId, await this.withMembers(siteId, open, visitGapMs(siteId)));
    }
    return out;
  }

  /** Every stored visit of an identity (FINAL). */
  async summaries(siteId: string, identityId: string): Promise<VisitSummary[]> {
    const rows = await queryRows<{
      start_ms: string | number;
      end_ms: string | number;
      counted: number;
      local_date: string;
      entry_track: string;
      exit_track: string;
    }>(
      this.client,
      `SELECT toUnixTimestamp64Milli(start) AS start_ms, toUnixTimestamp64Milli(end) AS end_ms, counted,
              toString(local_date) AS local_date, entry_track, exit_track
       FROM visits FINAL WHERE site_id = {site:String} AND identity_id = {id:String}`,
      { site: siteId, id: identityId },
    );
    return rows.map((r) => ({
      startMs: Number(r.start_ms),
      endMs: Number(r.end_ms),
      counted: Number(r.counted) === 1,
      localDate: r.local_date,
      tracks: [r.entry_track, r.exit_track].filter((id) => id !== ''),
    }));
  }

  /** Gives the visits of merged identities to their survivor (synchronous mutation). */
  async rekey(siteId: string, to: string, froms: string[]): Promise<void> {
    await this.client.command({
      query:
        'ALTER TABLE visits UPDATE identity_id = {to:String} WHERE site_id = {site:String} AND identity_id IN {froms:Array(String)}',
      query_params: { site: siteId, to, froms },
      clickhouse_settings: SYNC,
    });
  }

  /** Deletes an identity's visits that started at or after `fromMs` (synchronous mutation): they are about to be cut again. */
  async deleteFrom(siteId: string, identityId: string, fromMs: number): Promise<void> {
    await this.client.command({
      query:
        "ALTER TABLE visits DELETE WHERE site_id = {site:String} AND identity_id = {id:String} AND start >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')",
      query_params: { site: siteId, id: identityId, from: fromMs },
      clickhouse_settings: SYNC,
    });
  }

  /** Attaches each visit's sightings (from the gap before its start to its stored end) and the unidentified tracks it took. */
  private async withMembers(
    siteId: string,
    latest: LatestRow[],
    visitGapMs: number,
  ): Promise<Map<string, StoredVisit>> {
    const out = new Map<string, StoredVisit>();
    if (latest.length === 0) return out;
    const fromMs = Math.min(...latest.map((r) => Number(r.start_ms))) - visitGapMs;
    const toMs = Math.max(...latest.map((r) => Number(r.end_ms)));
    const members = await readVisitMembers(
      this.client,
      siteId,
      latest.map((r) => r.identity_id),
      fromMs,
      toMs,
    );
    const tracks = await readUnidentifiedTracks(
      this.client,
      siteId,
      latest.flatMap((r) => [r.entry_track, r.exit_track]).filter((id) => id !== ''),
    );
    for (const r of latest) {
      const startMs = Number(r.start_ms);
      const endMs = Number(r.end_ms);
      const mine = (members.get(r.identity_id) ?? []).filter(
        (m) => m.tStartMs >= startMs - visitGapMs && m.tStartMs <= endMs,
      );
      out.set(r.identity_id, {
        visitId: r.visit_id,
        startMs,
        endMs,
        returning: r.returning === 1,
        status: r.status,
        members: mine,
        entry: tracks.get(r.entry_track) ?? null,
        exit: tracks.get(r.exit_track) ?? null,
      });
    }
    return out;
  }
}

/**
 * Inserts the stored rows of some local days of a site again, unchanged (same version: the
 * ReplacingMergeTree keeps one), so the materialized views on `visits` see them anew.
 */
export async function reinsertVisits(client: ClickHouseClient, siteId: string, localDates: string[]): Promise<void> {
  await client.command({
    query: `INSERT INTO visits (${COLUMNS}) SELECT ${COLUMNS} FROM visits FINAL WHERE site_id = {site:String} AND local_date IN {dates:Array(Date)}`,
    query_params: { site: siteId, dates: localDates },
  });
}
