/** Each site's error-bar rates from its live calibration, read at most every few minutes (the calibration reads a week of pairs and counts the gallery). */
import type { RevisitConfig } from '../../common/config.ts';
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { siteErrorRates, type SiteErrorRates } from '../intervals/site-error-rates.ts';
import { queryLiveCalibration } from './live-calibration.ts';

/** The estimate moves with days of stream, not with requests. */
const REFRESH_MS = 10 * 60_000;
/** UTC days of pairs the estimate reads (as `revisit calibrate --live` by default). */
const CALIBRATION_DAYS = 7;

/** `(siteId) => rates`, cached per site; a failed read is not cached. */
export function createSiteErrorRates(
  clickhouse: ClickHouseClient,
  config: Pick<RevisitConfig, 'matching' | 'sites' | 'privacy'>,
  now: () => number = Date.now,
): (siteId: string) => Promise<SiteErrorRates> {
  const cache = new Map<string, { atMs: number; rates: Promise<SiteErrorRates> }>();
  return (siteId) => {
    const hit = cache.get(siteId);
    if (hit && now() - hit.atMs < REFRESH_MS) return hit.rates;
    const rates = queryLiveCalibration(clickhouse, config, siteId, CALIBRATION_DAYS, now()).then((c) =>
      siteErrorRates(c.site, c.site.split, c.site.merge),
    );
    cache.set(siteId, { atMs: now(), rates });
    rates.catch(() => cache.delete(siteId));
    return rates;
  };
}
