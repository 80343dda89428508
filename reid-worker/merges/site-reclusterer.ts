/** Runs the periodic re-clustering pass of a site after its batches and makes each merge hold everywhere: registry, sightings, visits. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { Counter } from 'prom-client';
import type { Logger } from '../../common/logger.ts';
import { metricsRegistry } from '../../common/metrics.ts';
import type { IdentityMerge, IdentitySplit, IdentityStore } from '../../identity-registry/index.ts';
import type { MatchPolicy } from '../match/match-policy.ts';
import type { SiteStateCache } from '../site-state-cache.ts';
import { groupMergesBySurvivor } from './group-merges-by-survivor.ts';
import { ReclusterSchedule } from './recluster-schedule.ts';
import { recordMerges } from '../../storage/identity-merges-table.ts';
import { recordSplits } from '../../storage/identity-splits-table.ts';
import { rekeyMergedSightings, rekeySightingsById } from '../../storage/sightings-table.ts';

const identityMergesTotal = new Counter({
  name: 'revisit_identity_merges_total',
  help: 'Identities merged into another by the re-clustering pass',
  registers: [metricsRegistry],
});

const identitySplitsTotal = new Counter({
  name: 'revisit_identity_splits_total',
  help: 'Identities split because two faces of one frame showed they held two people',
  registers: [metricsRegistry],
});

/** Whoever keeps per-identity visit state: it rebuilds the survivors' visits (VisitMaintainer). */
export interface MergedVisitsTarget {
  /** `sinceMs`: cut an identity's visits again from this time even if its first sighting is later (a split took its earlier ones). */
  reassign(siteId: string, survivors: Map<string, string[]>, sinceMs?: Map<string, number>): Promise<void>;
}

export interface SiteReclustererOptions {
  store: IdentityStore;
  sites: SiteStateCache;
  clickhouse: ClickHouseClient;
  policy: MatchPolicy;
  /** Minimum time between two passes of one site (0: never). */
  everyMs: number;
  visits?: MergedVisitsTarget;
  /** Tells the outside world (the identity-merges topic); called again for merges a crash left half-done. */
  announce?: (siteId: string, merges: IdentityMerge[]) => Promise<void>;
  logger: Logger;
  now?: () => number;
}

/**
 * Called after a batch's sinks have written (so the batch's sightings are in ClickHouse before
 * they are re-keyed). A merge is applied in two steps: the registry change and a pending record
 * in one Redis transaction, then the ClickHouse side, then the record is cleared. A crash in
 * between leaves the pending record, finished before anything else on the site's next batch;
 * every ClickHouse step is idempotent, so finishing twice is harmless.
 */
export class SiteReclusterer {
  private readonly schedule: ReclusterSchedule;
  private readonly now: () => number;

  constructor(private readonly options: SiteReclustererOptions) {
    this.schedule = new ReclusterSchedule(options.everyMs);
    this.now = options.now ?? Date.now;
  }

  /** Makes the batch's splits (and any a crash left half-done) hold in ClickHouse, finishes pending merges, then runs the pass if due; returns the merges it made. */
  async afterBatch(siteId: string): Promise<IdentityMerge[]> {
    const { store, sites, policy, logger } = this.options;
    await this.finishSplits(siteId, await store.pendingSplits(siteId));
    await this.finish(siteId, await store.pendingMerges(siteId));
    const nowMs = this.now();
    if (!this.schedule.due(siteId, nowMs)) return [];
    this.schedule.ran(siteId, nowMs);
    const state = await sites.get(siteId);
    const applied = state.recluster(policy);
    if (applied.length === 0) return [];
    const merges = applied.map(({ from, to, similarity }) => ({ from, to, similarity, mergedAtMs: nowMs }));
    try {
      await store.applyMerges(
        siteId,
        applied.map((m) => m.identity),
        merges,
      );
    } catch (err) {
      // Memory already holds the merges; the registry does not: reload the site from the registry.
      sites.invalidate(siteId);
      throw err;
    }
    identityMergesTotal.inc(merges.length);
    logger.info({ siteId, merges: merges.length }, 'merged identities whose centroids converged');
    await this.finish(siteId, merges);
    return merges;
  }

  /** Sightings by observation id, then both sides' visits cut again from the earliest moved sighting on, then the audit row. */
  private async finishSplits(siteId: string, splits: IdentitySplit[]): Promise<void> {
    if (splits.length === 0) return;
    const target = new Map<string, string>();
    for (const split of splits) for (const id of split.observationIds) target.set(id, split.to);
    await rekeySightingsById(this.options.clickhouse, siteId, target);
    const sinceMs = new Map<string, number>();
    for (const s of splits)
      for (const id of [s.from, s.to]) sinceMs.set(id, Math.min(sinceMs.get(id) ?? Infinity, s.firstMovedMs));
    await this.options.visits?.reassign(siteId, new Map([...sinceMs.keys()].map((id) => [id, []])), sinceMs);
    await recordSplits(this.options.clickhouse, siteId, splits);
    await this.options.store.completeSplits(siteId, splits);
    identitySplitsTotal.inc(splits.length);
    this.options.logger.info(
      { siteId, splits: splits.length },
      'split identities that two faces of one frame showed to be two people',
    );
  }

  private async finish(siteId: string, merges: IdentityMerge[]): Promise<void> {
    if (merges.length === 0) return;
    const survivors = groupMergesBySurvivor(merges);
    await rekeyMergedSightings(this.options.clickhouse, siteId, survivors);
    await this.options.visits?.reassign(siteId, survivors);
    await recordMerges(this.options.clickhouse, siteId, merges);
    await this.options.announce?.(siteId, merges);
    await this.options.store.completeMerges(
      siteId,
      merges.map((m) => m.from),
    );
  }
}
