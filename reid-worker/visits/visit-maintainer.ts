/** The visit maintainer: every site's visits in memory, cut from sightings, swept closed on a timer, written through storage. */
import type { RevisitConfig } from '../../common/config.ts';
import { isRetriable } from '../../common/is-retriable.ts';
import { createLogger } from '../../common/logger.ts';
import type { FaceObservation, Sighting } from '../../schemas/index.ts';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { toUnidentifiedTrack } from '../../storage/unidentified-tracks-table.ts';
import type { FaceOf, UnidentifiedTrack } from '../../storage/visit-model/attach-unidentified-tracks.ts';
import { SiteVisitTracker } from '../../storage/visit-model/site-visit-tracker.ts';
import type { VisitRow } from '../../storage/visit-model/visit-row.ts';
import { visitRulesFor } from '../../storage/visit-model/visit-rules.ts';
import { VisitsTable } from '../../storage/visits-table.ts';
import type { RegistryLock } from '../erasure/registry-lock.ts';
import { rebuildMergedVisits } from './rebuild-merged-visits.ts';

export interface VisitMaintainerOptions {
  /** The clock of the sweep (default: wall clock). Visit boundaries never depend on it. */
  now?: () => number;
  /**
   * A site's faces, for a too-small face's track to choose its visit (the worker's centroids);
   * without it such tracks join by time alone.
   */
  facesOf?: (siteId: string) => FaceOf;
}

/**
 * Long-lived, one per worker. When it takes sites over (the worker's partitions are assigned, at
 * start and after a rebalance) it recovers the visits left open and closes those already stale
 * (Frigate closes events left open the same way); identities it has not seen since are restored
 * from their latest stored visit before their sightings apply. `update` runs after the sightings
 * are saved (it re-reads them to continue a visit). Visits closed by a sweep stay pending until a
 * write of them succeeds: a failed write never leaves a closed visit open in storage until the
 * next restart. The entrance tracks waiting for the visit they begin live in memory only: a
 * takeover (partitions moved) loses those of the last attach window, which then stay unidentified.
 */
export class VisitMaintainer {
  private readonly visits: VisitsTable;
  private readonly trackers = new Map<string, SiteVisitTracker>();
  /** Visits a sweep closed whose closed state is not written yet, by visit id. */
  private readonly pending = new Map<string, VisitRow>();
  private readonly now: () => number;
  private readonly facesOf?: (siteId: string) => FaceOf;
  private recovered: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly logger = createLogger('visit-maintainer');

  constructor(
    private readonly client: ClickHouseClient,
    private readonly config: Pick<RevisitConfig, 'sites' | 'visits'>,
    options: VisitMaintainerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.facesOf = options.facesOf;
    this.visits = new VisitsTable(client, this.now);
  }

  /**
   * Closes idle visits every `sweepEveryMs` (0: only after batches) under `lock`, which batches
   * and erasures hold too: a sweep never writes a visit back while a merge rewrites it.
   */
  start(lock: RegistryLock, sweepEveryMs = 60_000): void {
    if (this.timer || sweepEveryMs <= 0) return;
    this.timer = setInterval(() => {
      lock
        .run(() => this.sweep())
        .catch((err) =>
          this.logger.warn({ err }, 'visit sweep failed; its closed visits are written at the next sweep'),
        );
    }, sweepEveryMs);
    this.timer.unref();
  }

  /**
   * Folds a batch's sightings and unidentified tracks (entrance and exit tracks join visits) into
   * visits and writes every visit they touched (a retried batch writes them all again), then
   * closes and writes the visits that came due. A failure of that last write does not fail the
   * batch: those visits stay pending for the next sweep.
   */
  async update(sightings: Sighting[], unidentified: FaceObservation[] = []): Promise<void> {
    await this.recover();
    const bySite = new Map<string, { sightings: Sighting[]; tracks: UnidentifiedTrack[] }>();
    const of = (siteId: string) => {
      let site = bySite.get(siteId);
      if (!site) bySite.set(siteId, (site = { sightings: [], tracks: [] }));
      return site;
    };
    for (const s of sightings) if (s.label === '') of(s.siteId).sightings.push(s);
    for (const o of unidentified) of(o.siteId).tracks.push(toUnidentifiedTrack(o));
    const rows: VisitRow[] = [];
    for (const [siteId, batch] of bySite) {
      const tracker = this.tracker(siteId);
      const unknown = [...new Set(batch.sightings.map((s) => s.identityId))].filter((id) => !tracker.knows(id));
      const stored = await this.visits.latestVisits(siteId, unknown, visitRulesFor(this.config, siteId).visitGapMs);
      for (const id of unknown) tracker.restore(id, stored.get(id) ?? null);
      rows.push(...tracker.apply(batch.sightings, batch.tracks));
    }
    // A visit the batch touched is written in its current state: a closed state waiting for it is out of date.
    for (const r of rows) this.pending.delete(r.visitId);
    await this.visits.write(rows);
    await this.writeClosed().catch((err) =>
      this.logger.warn({ err }, 'writing closed visits failed; retried at the next sweep'),
    );
  }

  /**
   * Closes idle visits now and writes them with those still pending; returns how many were
   * written. On a failure the visits stay pending, unless ClickHouse refused the rows themselves
   * (not retriable): those would fail the same way forever, so they are dropped and logged, and
   * stay open in storage until a restart's recovery closes them.
   */
  async sweep(): Promise<number> {
    await this.recover();
    return this.writeClosed();
  }

  /** Closes what came due into `pending` and writes every pending visit (see `sweep`). */
  private async writeClosed(): Promise<number> {
    const nowMs = this.now();
    for (const tracker of this.trackers.values())
      for (const row of tracker.sweep(nowMs)) this.pending.set(row.visitId, row);
    const rows = [...this.pending.values()];
    try {
      await this.visits.write(rows);
    } catch (err) {
      if (!isRetriable(err)) {
        this.pending.clear();
        this.logger.error(
          { err, visits: rows.length },
          'ClickHouse refused closed visits; they are closed again by the next start',
        );
      }
      throw err;
    }
    for (const r of rows) if (this.pending.get(r.visitId) === r) this.pending.delete(r.visitId);
    return rows.length;
  }

  /**
   * Identities merged (survivor → merged ids; their sightings already carry the survivor) or
   * split (each side with no merged ids, `sinceMs` its earliest moved sighting): both sides leave
   * memory, the survivor's visits are cut again from its sightings, and the survivors (each side of
   * a split) come back from storage with their latest visit.
   */
  async reassign(siteId: string, merges: Map<string, string[]>, sinceMs?: Map<string, number>): Promise<void> {
    await this.recover();
    const tracker = this.tracker(siteId);
    const merged = new Set([...merges].flatMap(([to, froms]) => [to, ...froms]));
    tracker.forget(merged);
    // The rebuild writes these identities' visits anew: an older closed state must not follow it.
    for (const [id, row] of this.pending)
      if (row.siteId === siteId && merged.has(row.identityId)) this.pending.delete(id);
    const site = this.config.sites.find((s) => s.id === siteId)!;
    const rules = visitRulesFor(this.config, siteId);
    await rebuildMergedVisits(
      this.client,
      this.visits,
      { siteId, tenant: site.tenant, rules },
      merges,
      this.now(),
      sinceMs,
    );
    // Back in memory at once, not at their next sighting: a merge often lands between a person's
    // last sighting and their checkout track, which must still find the visit it ends.
    const survivors = [...merges.keys()];
    const stored = await this.visits.latestVisits(siteId, survivors, rules.visitGapMs);
    for (const id of survivors) tracker.restore(id, stored.get(id) ?? null);
  }

  /**
   * Partitions were assigned (another worker may have extended these sites' visits): drops every
   * site's visits from memory, pending ones included, and recovers the open ones from storage.
   * A recovery that fails is tried again before the next use.
   */
  takeOverSites(): Promise<void> {
    this.trackers.clear();
    this.pending.clear();
    this.recovered = null;
    return this.recover();
  }

  /** Stops the periodic sweep (visits stay open in storage and are recovered on the next start). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tracker(siteId: string): SiteVisitTracker {
    let tracker = this.trackers.get(siteId);
    if (!tracker) {
      const site = this.config.sites.find((s) => s.id === siteId);
      if (!site) throw new Error(`unknown site "${siteId}"`);
      tracker = new SiteVisitTracker(
        { siteId, tenant: site.tenant },
        visitRulesFor(this.config, siteId),
        this.facesOf?.(siteId),
      );
      this.trackers.set(siteId, tracker);
    }
    return tracker;
  }

  /** Once per process (and after partitions moved): reload open visits, then close and write the stale ones. */
  private recover(): Promise<void> {
    this.recovered ??= (async () => {
      const siteIds = this.config.sites.map((s) => s.id);
      const open = await this.visits.openVisits(siteIds, (siteId) => visitRulesFor(this.config, siteId).visitGapMs);
      for (const [siteId, visits] of open) {
        const tracker = this.tracker(siteId);
        for (const [identityId, visit] of visits) tracker.restore(identityId, visit);
      }
      const closed = await this.writeClosed();
      if (closed > 0) this.logger.info({ closed }, 'closed visits left open by the previous run');
    })().catch((err) => {
      this.recovered = null; // retried with the next use
      throw err;
    });
    return this.recovered;
  }
}
