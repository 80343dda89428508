/** How long a site keeps identities and sightings: its own setting, else the privacy defaults. */
import type { RevisitConfig } from './config.schema.ts';

const DAY_MS = 24 * 3600_000;

export interface SiteRetention {
  /** An identity unseen this long is forgotten (index, registry). */
  identityMs: number;
  /** ClickHouse drops a sighting this many days after it happened. */
  sightingDays: number;
}

/** Retention of every configured site; unknown sites get the privacy defaults. */
export function siteRetentionOf(config: Pick<RevisitConfig, 'sites' | 'privacy'>): (siteId: string) => SiteRetention {
  const bySite = new Map(
    config.sites.map((s) => [
      s.id,
      {
        identityMs: (s.retentionDays ?? config.privacy.retentionDays) * DAY_MS,
        sightingDays: s.sightingRetentionDays ?? config.privacy.sightingRetentionDays,
      },
    ]),
  );
  const fallback = {
    identityMs: config.privacy.retentionDays * DAY_MS,
    sightingDays: config.privacy.sightingRetentionDays,
  };
  return (siteId) => bySite.get(siteId) ?? fallback;
}
