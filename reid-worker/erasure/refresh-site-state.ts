/** Keeps a worker's in-memory view of a site honest: retention sweeps, and reloads after outside changes. */
import type { IdentityStore } from '../../identity-registry/index.ts';

export interface SiteRefresherOptions {
  store: IdentityStore;
  /** The site's identity retention in ms. */
  retentionMsOf: (siteId: string) => number;
  /** Minimum time between two sweeps of one site. */
  sweepEveryMs: number;
  /** Drops the site's in-memory state (identities, index, templates); it reloads on next use. */
  onStale: (siteId: string) => void;
  /**
   * Removes the identities this process's own sweep expired from the in-memory state. With it,
   * a sweep costs O(expired) instead of a reload of the site (a minute at a million identities);
   * without it, the sweep's generation bump reloads the site like any outside change.
   */
  onExpired?: (siteId: string, identityIds: string[]) => Promise<void> | void;
  /** Injectable for tests: retention is checked against this clock. */
  now?: () => number;
}

/**
 * Called before each batch of a site. Every `sweepEveryMs` it removes the site's identities
 * unseen for the retention period from the registry; then, if the registry's generation moved
 * (this sweep, an erasure, an enrolment, by any process), it declares the in-memory state stale.
 */
export class SiteRefresher {
  private readonly lastSweepMs = new Map<string, number>();
  private readonly generations = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: SiteRefresherOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Returns the identity ids this call expired (usually none). */
  async refresh(siteId: string): Promise<string[]> {
    const { store, retentionMsOf, sweepEveryMs, onStale, onExpired } = this.options;
    const now = this.now();
    let expired: string[] = [];
    if (now - (this.lastSweepMs.get(siteId) ?? -Infinity) >= sweepEveryMs) {
      expired = await store.expireIdentities(siteId, now - retentionMsOf(siteId));
      this.lastSweepMs.set(siteId, now);
    }
    const generation = await store.siteGeneration(siteId);
    let known = this.generations.get(siteId);
    this.generations.set(siteId, generation);
    if (onExpired && expired.length > 0) {
      await onExpired(siteId, expired);
      // Our own sweep bumped the generation once; anything beyond that came from outside.
      if (known !== undefined) known++;
    }
    // The first look at a site needs no reload: its state is loaded from the registry as it is now.
    if (known !== undefined && known !== generation) onStale(siteId);
    return expired;
  }

  /** Forget what was seen (after a partition move the caches are dropped anyway). */
  reset(): void {
    this.generations.clear();
  }
}
