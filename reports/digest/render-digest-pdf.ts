/** One site's digest of one period as PDF bytes: the data collected from ClickHouse, drawn. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import { buildDigestPdf } from './build-digest-pdf.ts';
import { collectDigestData } from './collect-digest-data.ts';
import type { DigestPeriod } from './digest-period.ts';

export async function renderDigestPdf(
  clickhouse: ClickHouseClient,
  site: SiteConfig,
  period: DigestPeriod,
  minCount: number,
): Promise<Buffer> {
  return buildDigestPdf(await collectDigestData(clickhouse, site, period, minCount));
}
