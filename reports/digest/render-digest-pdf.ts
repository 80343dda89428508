/** One site's digest of one period as PDF bytes: the data collected from ClickHouse, drawn; with what qualifies its figures. */
import type { ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import { buildDigestPdf } from './build-digest-pdf.ts';
import { collectDigestData, type DigestData, type DigestOptions } from './collect-digest-data.ts';
import type { DigestPeriod } from './digest-period.ts';

/** The PDF, and its period's coverage, comparison and silent cameras (what `revisit report --json` prints). */
export interface RenderedDigest extends Pick<DigestData, 'coverage' | 'comparison' | 'silentCameras'> {
  pdf: Buffer;
}

export async function renderDigestPdf(
  clickhouse: ClickHouseClient,
  site: SiteConfig,
  period: DigestPeriod,
  minCount: number,
  options: DigestOptions = {},
): Promise<RenderedDigest> {
  const data = await collectDigestData(clickhouse, site, period, minCount, options);
  return {
    pdf: await buildDigestPdf(data),
    coverage: data.coverage,
    comparison: data.comparison,
    silentCameras: data.silentCameras,
  };
}
