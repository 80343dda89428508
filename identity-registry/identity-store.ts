/** The registry contract: where identities and exclusion templates live between worker restarts and rebalances. */
import type {
  ExclusionTemplate,
  Identity,
  IdentityMerge,
  IdentitySnapshot,
  IdentitySplit,
  ProcessedObservation,
  RegistryRepairs,
} from './identity.ts';
import type { DiskPurge } from './rewrite-redis-persistence.ts';

export interface IdentityStore {
  /** Every identity of a site, one object each (small sites, erasure scans, tests). */
  loadSite(siteId: string): Promise<Identity[]>;
  /** Every identity of a site in columns with packed centroid codes: how a worker rebuilds a site after a restart or partition move. */
  loadSnapshot(siteId: string): Promise<IdentitySnapshot>;
  /**
   * Saves changed identities and the observations they absorbed, atomically with the batch's
   * repairs (new cannot-links; splits, whose moved observations then answer with the new
   * identity and which stay pending until `completeSplits`); refreshes their retention TTL.
   */
  save(
    siteId: string,
    identities: Identity[],
    processed: ProcessedObservation[],
    repairs?: RegistryRepairs,
  ): Promise<void>;
  /** Every cannot-link of the site's live identities, to rebuild its state. */
  loadCannotLinks(siteId: string): Promise<Array<[string, string]>>;
  /** Splits recorded by `save` and not yet completed (a crash in between), oldest first. */
  pendingSplits(siteId: string): Promise<IdentitySplit[]>;
  completeSplits(siteId: string, splits: IdentitySplit[]): Promise<void>;
  /** For each observation id, how it was assigned when first handled (through any later merges), or null. */
  findProcessed(siteId: string, observationIds: string[]): Promise<Array<ProcessedObservation | null>>;
  countIdentities(siteId: string): Promise<number>;
  /**
   * Deletes identities and the given observation markers, and bumps the site's generation so
   * workers holding the site in memory reload it. Returns how many of the identities existed.
   */
  removeIdentities(siteId: string, identityIds: string[], observationIds?: string[]): Promise<number>;
  /**
   * Erasure: deletes every observation marker (and merge alias) of the site that names one of the
   * identities or an identity merged into one, whatever ClickHouse still holds. Returns how many.
   */
  removeMarkersOf(siteId: string, identityIds: string[]): Promise<number>;
  /**
   * Erasure's last step: rewrites the registry's files on disk so that nothing removed before
   * this call is left in them (deleted keys otherwise stay in Redis's append-only file until its
   * next rewrite). Waits for the rewrite and reports what was done, never more.
   */
  purgeRemovedFromDisk(): Promise<DiskPurge>;
  /** Removes the identities last seen before `unseenBeforeMs` (retention); returns their ids. */
  expireIdentities(siteId: string, unseenBeforeMs: number): Promise<string[]>;
  /** A counter bumped by every change made outside the worker's own saves (erasure, retention, enrolment). */
  siteGeneration(siteId: string): Promise<number>;
  /**
   * Re-clustering, atomically: saves the survivors, deletes each merged-away identity, makes its
   * observation markers answer with the survivor (so a redelivery cannot resurrect it), hands its
   * cannot-links to the survivor, and records the merges as pending until `completeMerges` (the
   * ClickHouse side is done).
   */
  applyMerges(siteId: string, survivors: Identity[], merges: IdentityMerge[]): Promise<void>;
  /** Merges recorded by `applyMerges` and not yet completed (a crash in between), oldest first. */
  pendingMerges(siteId: string): Promise<IdentityMerge[]>;
  completeMerges(siteId: string, fromIds: string[]): Promise<void>;
  saveTemplate(template: ExclusionTemplate): Promise<void>;
  loadTemplates(siteId: string): Promise<ExclusionTemplate[]>;
  /** Returns false when there was no such template. */
  removeTemplate(siteId: string, templateId: string): Promise<boolean>;
  /** Resolves when the registry answers (readiness probes). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
