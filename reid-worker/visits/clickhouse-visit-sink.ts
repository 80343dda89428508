/** The sessionisation sink: sightings in, visit rows out to ClickHouse, idle visits closed by a sweep. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { RevisitConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import type { Sighting } from '../../schemas/index.ts';
import type { SightingSink } from '../sinks/clickhouse-sighting-sink.ts';
import { ClickHouseVisitStore } from './clickhouse-visit-store.ts';
import { rebuildMergedVisits } from './rebuild-merged-visits.ts';
import { runExclusive } from '../erasure/registry-lock.ts';
import { SiteVisitTracker } from './site-visit-tracker.ts';
import { visitRulesFor } from './visit-rules.ts';
import type { VisitRow } from './visit-row.ts';

export interface VisitSinkOptions {
  /** The clock of the sweep (default: wall clock). Visit boundaries never depend on it. */
  now?: () => number;
  /** How often idle visits are closed between batches (default 60 s; 0: only on batches). */
  sweepIntervalMs?: number;
}

/**
 * Runs after the sightings sink (it re-reads sightings to continue a visit after a restart).
 * On first use it recovers the visits left open and closes those already stale; identities it
 * has not seen since are restored from their latest stored visit before their sightings apply.
 */
export class ClickHouseVisitSink implements SightingSink {
  private readonly store: ClickHouseVisitStore;
  private readonly trackers = new Map<string, SiteVisitTracker>();
  private readonly now: () => number;
  private recovered: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly logger = createLogger('visit-sink');

  constructor(
    private readonly client: ClickHouseClient,
    private readonly config: Pick<RevisitConfig, 'sites' | 'visits'>,
    private readonly options: VisitSinkOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.store = new ClickHouseVisitStore(client, this.now);
  }

  async write(sightings: Sighting[]): Promise<void> {
    await this.recover();
    const bySite = new Map<string, Sighting[]>();
    for (const s of sightings) {
      if (s.label !== '') continue;
      const list = bySite.get(s.siteId);
      if (list) list.push(s);
      else bySite.set(s.siteId, [s]);
    }
    const rows: VisitRow[] = [];
    for (const [siteId, list] of bySite) {
      const tracker = this.tracker(siteId);
      const unknown = [...new Set(list.map((s) => s.identityId))].filter((id) => !tracker.knows(id));
      const stored = await this.store.latestVisits(siteId, unknown, visitRulesFor(this.config, siteId).visitGapMs);
      for (const id of unknown) tracker.restore(id, stored.get(id) ?? null);
      rows.push(...tracker.apply(list));
    }
    rows.push(...this.sweepTrackers());
    await this.store.write(rows);
    this.startTimer();
  }

  /** Closes idle visits now and writes them; returns how many were closed. */
  async sweep(): Promise<number> {
    await this.recover();
    const closed = this.sweepTrackers();
    await this.store.write(closed);
    return closed.length;
  }

  /**
   * Identities merged (survivor → merged ids; their sightings already carry the survivor): both
   * sides leave memory, and the survivor's visits are cut again from its sightings.
   */
  async reassign(siteId: string, merges: Map<string, string[]>): Promise<void> {
    await this.recover();
    const tracker = this.tracker(siteId);
    for (const [to, froms] of merges) tracker.forget([to, ...froms]);
    const site = this.config.sites.find((s) => s.id === siteId)!;
    await rebuildMergedVisits(this.client, this.store, { siteId, tenant: site.tenant, rules: visitRulesFor(this.config, siteId) }, merges, this.now());
  }

  /**
   * Partitions moved (another worker may have extended these sites' visits): drop every site's
   * visits from memory; the next batch recovers open visits from ClickHouse again.
   */
  forgetSites(): void {
    this.trackers.clear();
    this.recovered = null;
  }

  /** Stops the periodic sweep (visits stay open in storage and are recovered on the next start). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Each site's tracker hands over only its visits that came due: the cost follows what ends, not what is held. */
  private sweepTrackers(): VisitRow[] {
    const now = this.now();
    return [...this.trackers.values()].flatMap((t) => t.sweep(now));
  }

  private tracker(siteId: string): SiteVisitTracker {
    let tracker = this.trackers.get(siteId);
    if (!tracker) {
      const site = this.config.sites.find((s) => s.id === siteId);
      if (!site) throw new Error(`unknown site "${siteId}"`);
      tracker = new SiteVisitTracker({ siteId, tenant: site.tenant }, visitRulesFor(this.config, siteId));
      this.trackers.set(siteId, tracker);
    }
    return tracker;
  }

  /** Once per process: reload open visits, then close the stale ones (Frigate closes events left open the same way). */
  private recover(): Promise<void> {
    this.recovered ??= (async () => {
      const siteIds = this.config.sites.map((s) => s.id);
      const open = await this.store.openVisits(siteIds, (siteId) => visitRulesFor(this.config, siteId).visitGapMs);
      for (const [siteId, visits] of open) {
        const tracker = this.tracker(siteId);
        for (const [identityId, visit] of visits) tracker.restore(identityId, visit);
      }
      const closed = this.sweepTrackers();
      await this.store.write(closed);
      if (closed.length > 0) this.logger.info({ closed: closed.length }, 'closed visits left open by the previous run');
    })().catch((err) => {
      this.recovered = null; // retried with the next batch
      throw err;
    });
    return this.recovered;
  }

  private startTimer(): void {
    const every = this.options.sweepIntervalMs ?? 60_000;
    if (this.timer || every <= 0) return;
    this.timer = setInterval(() => {
      // Under the worker's lock: a sweep must not write a visit back while a merge rewrites it.
      runExclusive(() => this.sweep()).catch((err) => this.logger.warn({ err }, 'visit sweep failed; retried at the next tick'));
    }, every);
    this.timer.unref();
  }
}
