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
  json?: boolean;
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
    .option('--json', 'print what was written as one JSON object (file, period, coverage, comparison)')
    .action(async (opts: ReportOptions) => {
      const config = loadConfig();
      const site = config.sites.find((s) => s.id === opts.site);
      if (!site)
        throw new Error(`unknown site "${opts.site}"; configured: ${config.sites.map((s) => s.id).join(', ')}`);
      const period = digestPeriod(opts.period, opts.date ?? yesterdayIn(site.timezone));
      const today = new Date().toLocaleDateString('en-CA', { timeZone: site.timezone });
      if (period.from > today)
        throw new Error(
          `the ${period.kind} of ${opts.date} (${period.label}) has not begun: today is ${today} in ${site.timezone}`,
        );
      const out = opts.out ?? `digest-${site.id}-${period.kind}-${period.from}.pdf`;
      const clickhouse = await createClickHouseClient(config);
      try {
        await applyMigrations(clickhouse);
        const data = await collectDigestData(clickhouse, site, period, config.privacy.minCount, {
          cameraSilentAfterMs: config.coverage.cameraSilentAfterMs,
        });
        writeFileSync(out, await buildDigestPdf(data));
        const state = data.coverage.noData
          ? 'no data for the period'
          : data.coverage.partial
            ? 'partial: the period is not over'
            : 'complete';
        if (opts.json)
          console.log(
            JSON.stringify({
              file: out,
              site: site.id,
              period: { kind: period.kind, from: period.from, to: period.to, label: period.label },
              coverage: data.coverage,
              comparison: data.comparison,
              silentCameras: data.silentCameras,
            }),
          );
        else console.log(`wrote ${out} (${site.name}, ${period.label}; ${state})`);
        if (data.coverage.noData)
          process.stderr.write(
            `revisit: warning: no data for ${period.label}: the PDF says so instead of showing zeros\n`,
          );
      } finally {
        await clickhouse.close();
      }
    });
}
