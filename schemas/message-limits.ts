/** The limits every face observation is checked against, from config: one definition for the producers and the worker. */
import type { MessageLimits } from './check-fields.ts';
import type { RevisitConfig } from './config.schema.ts';
import { siteRetentionOf } from './site-retention.ts';

const DAY_MS = 24 * 3600_000;

/**
 * The limits of the configured sites. `now` is the clock times are checked by: the checker's own,
 * so a simulation on a fake clock accepts what it replays.
 */
export function messageLimits(config: RevisitConfig, now: () => number = Date.now): MessageLimits {
  const sites = new Set(config.sites.map((s) => s.id));
  const retentionOf = siteRetentionOf(config);
  const { maxFutureSkewMs, maxPastDays } = config.limits;
  return {
    embeddingDim: config.matching.embeddingDim,
    maxMessageBytes: config.limits.maxMessageBytes,
    isKnownSite: (siteId) => sites.has(siteId),
    times: {
      now,
      maxFutureSkewMs,
      maxPastMsOf: (siteId) => (maxPastDays ?? retentionOf(siteId).sightingDays) * DAY_MS,
    },
  };
}
