/** `revisit report`: one site's digest for a day, week or month, as a PDF file. */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import { digestPeriod, renderDigestPdf, type DigestPeriod, type DigestPeriodKind } from '../../reports/digest/index.ts';
import { checkDeployment } from '../../runtime/check-deployment.ts';
import { findOwner, ownerBytes } from '../../runtime/owner/owner-client.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';

interface ReportOptions {
  site: string;
  period: DigestPeriodKind;
  date?: string;
  out?: string;
}

/** Yesterday in the site's time zone: the usual subject of a morning digest. */
function yesterdayIn(timeZone: string, nowMs = Date.now()): string {
  return new Date(nowMs - 86_400_000).toLocaleDateString('en-CA', { timeZone });
}

async function renderHere(config: RevisitConfig, site: SiteConfig, period: DigestPeriod): Promise<Buffer> {
  const clickhouse = await createClickHouseClient(config);
  try {
    await applyMigrations(clickhouse);
    return await renderDigestPdf(clickhouse, site, period, config.privacy.minCount);
  } finally {
    await clickhouse.close();
  }
}

export function reportCommand(): Command {
  return new Command('report')
    .description('Write the PDF digest of a site for a day, an ISO week or a month')
    .requiredOption('--site <id>', 'site id')
    .addOption(new Option('--period <period>', 'length of the period').choices(['day', 'week', 'month']).default('day'))
    .option('--date <YYYY-MM-DD>', 'a local date inside the period (default: yesterday in the site’s time zone)')
    .option('--out <file.pdf>', 'output file (default: digest-<site>-<period>-<date>.pdf)')
    .action(async (opts: ReportOptions) => {
      const config = loadConfig();
      const site = config.sites.find((s) => s.id === opts.site);
      if (!site)
        throw new Error(`unknown site "${opts.site}"; configured: ${config.sites.map((s) => s.id).join(', ')}`);
      const period = digestPeriod(opts.period, opts.date ?? yesterdayIn(site.timezone));
      const out = opts.out ?? `digest-${site.id}-${period.kind}-${period.from}.pdf`;
      checkDeployment(config, 'revisit report', { clickhouse: true });
      // A running embedded serve owns the data directory: it renders the digest.
      const owner = await findOwner(config);
      const pdf = owner
        ? await ownerBytes(owner, '/v1/report', { site: site.id, period: period.kind, date: period.from })
        : await renderHere(config, site, period);
      writeFileSync(out, pdf);
      console.log(`wrote ${out} (${site.name}, ${period.label})`);
    });
}
