/** Visit rows in ClickHouse: write them, and read back what a restarted worker needs to continue. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { StoredVisit, VisitMember } from './site-visit-tracker.ts';
import type { VisitRow, VisitStatus } from './visit-row.ts';

interface LatestRow {
  identity_id: string;
  visit_id: string;
  start_ms: string | number;
  end_ms: string | number;
  returning: number;
  status: VisitStatus;
}

interface MemberRow {
  identity_id: string;
  observation_id: string;
  camera_id: string;
  t_start_ms: string | number;
  t_end_ms: string | number;
}

/** Reads and writes the `visits` table for the visit sink. */
export class ClickHouseVisitStore {
  private lastVersion = 0;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Inserts rows with a fresh version each: the latest write of a visit wins. */
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
        version,
      })),
    });
  }

  /** The latest visit of each identity (absent: it never visited), with its sightings. */
  async latestVisits(siteId: string, identityIds: string[], visitGapMs: number): Promise<Map<string, StoredVisit>> {
    if (identityIds.length === 0) return new Map();
    return this.withMembers(
      siteId,
      await this.rows<LatestRow>(
        `SELECT identity_id, visit_id, toUnixTimestamp64Milli(start) AS start_ms, toUnixTimestamp64Milli(end) AS end_ms, returning, status
         FROM visits FINAL WHERE site_id = {site:String} AND identity_id IN {ids:Array(String)}
         ORDER BY start DESC LIMIT 1 BY identity_id`,
        { site: siteId, ids: identityIds },
      ),
      visitGapMs,
    );
  }

  /** Every visit left open (by a crash or a stop), per site. */
  async openVisits(siteIds: string[], visitGapMs: (siteId: string) => number): Promise<Map<string, Map<string, StoredVisit>>> {
    const out = new Map<string, Map<string, StoredVisit>>();
    for (const siteId of siteIds) {
      const open = await this.rows<LatestRow>(
        `SELECT identity_id, visit_id, toUnixTimestamp64Milli(start) AS start_ms, toUnixTimestamp64Milli(end) AS end_ms, returning, status
         FROM visits FINAL WHERE site_id = {site:String} AND status = 'open'`,
        { site: siteId },
      );
      if (open.length > 0) out.set(siteId, await this.withMembers(siteId, open, visitGapMs(siteId)));
    }
    return out;
  }

  /** Attaches each visit's sightings (from the gap before its start to its stored end). */
  private async withMembers(siteId: string, latest: LatestRow[], visitGapMs: number): Promise<Map<string, StoredVisit>> {
    const out = new Map<string, StoredVisit>();
    if (latest.length === 0) return out;
    const fromMs = Math.min(...latest.map((r) => Number(r.start_ms))) - visitGapMs;
    const toMs = Math.max(...latest.map((r) => Number(r.end_ms)));
    const members = await this.rows<MemberRow>(
      `SELECT identity_id, observation_id, camera_id, toUnixTimestamp64Milli(t_start) AS t_start_ms, toUnixTimestamp64Milli(t_end) AS t_end_ms
       FROM sightings FINAL
       WHERE site_id = {site:String} AND identity_id IN {ids:Array(String)} AND label = ''
         AND t_start >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND t_start <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')`,
      { site: siteId, ids: latest.map((r) => r.identity_id), from: fromMs, to: toMs },
    );
    const byIdentity = new Map<string, VisitMember[]>();
    for (const m of members) {
      const list = byIdentity.get(m.identity_id) ?? [];
      list.push({ observationId: m.observation_id, cameraId: m.camera_id, tStartMs: Number(m.t_start_ms), tEndMs: Number(m.t_end_ms) });
      byIdentity.set(m.identity_id, list);
    }
    for (const r of latest) {
      const startMs = Number(r.start_ms);
      const endMs = Number(r.end_ms);
      const mine = (byIdentity.get(r.identity_id) ?? []).filter((m) => m.tStartMs >= startMs - visitGapMs && m.tStartMs <= endMs);
      out.set(r.identity_id, { visitId: r.visit_id, startMs, endMs, returning: r.returning === 1, status: r.status, members: mine });
    }
    return out;
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
  }
}
