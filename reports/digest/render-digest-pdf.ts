/** One site's digest of one period as PDF bytes: the data collected from ClickHouse, drawn. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import { buildDigestPdf } from './build-digest-pdf.ts';
import { collectDigestData } from './collect-digest-data.ts';
import type { DigestPeriod } from './digest-period.ts';
import type { SiteErrorRates } from '../intervals/site-error-rates.ts';

export async function renderDigestPdf(
  clickhouse: ClickHouseClient,
  site: SiteConfig,
  period: DigestPeriod,
  minCount: number,
  /** The site's rates behind the error bars (createSiteErrorRates); unset: the simulated ones. */
  errorRates?: () => Promise<SiteErrorRates>,
): Promise<Buffer> {
  return buildDigestPdf(await collectDigestData(clickhouse, site, period, minCount, Date.now(), errorRates));
}
