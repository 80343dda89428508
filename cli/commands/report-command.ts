/** `revisit report`: one site's digest for a day, week or month, as a PDF file. */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig } from '../../common/config.ts';
import { buildDigestPdf, collectDigestData, digestPeriod, type DigestPeriodKind } from '../../reports/digest/index.ts';
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
      if (!site) throw new Error(`unknown site "${opts.site}"; configured: ${config.sites.map((s) => s.id).join(', ')}`);
      const period = digestPeriod(opts.period, opts.date ?? yesterdayIn(site.timezone));
      const out = opts.out ?? `digest-${site.id}-${period.kind}-${period.from}.pdf`;
      const clickhouse = await createClickHouseClient(config);
      try {
        await applyMigrations(clickhouse);
        writeFileSync(out, await buildDigestPdf(await collectDigestData(clickhouse, site, period, config.privacy.minCount)));
        console.log(`wrote ${out} (${site.name}, ${period.label})`);
      } finally {
        await clickhouse.close();
      }
    });
}
