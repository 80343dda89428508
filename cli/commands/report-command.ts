/** `revisit report`: one site's digest for a day, week or month, as a PDF file. */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import {
  digestPeriod,
  renderDigestPdf,
  type DigestPeriod,
  type DigestPeriodKind,
  type RenderedDigest,
} from '../../reports/digest/index.ts';
import { checkDeployment } from '../../runtime/check-deployment.ts';
import { findOwner, ownerJson } from '../../runtime/owner/owner-client.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { createSiteErrorRates } from '../../reports/index.ts';

interface ReportOptions {
  site: string;
  period: DigestPeriodKind;
  date?: string;
  out?: string;
  json?: boolean;
}

/** The owner's answer to /v1/report: the digest with its PDF in base64. */
type OwnerDigest = Omit<RenderedDigest, 'pdf'> & { pdf: string };

function fromOwner(d: OwnerDigest): RenderedDigest {
  return { ...d, pdf: Buffer.from(d.pdf, 'base64') };
}

/** Yesterday in the site's time zone: the usual subject of a morning digest. */
function yesterdayIn(timeZone: string, nowMs = Date.now()): string {
  return new Date(nowMs - 86_400_000).toLocaleDateString('en-CA', { timeZone });
}

async function renderHere(config: RevisitConfig, site: SiteConfig, period: DigestPeriod): Promise<RenderedDigest> {
  const clickhouse = await createClickHouseClient(config);
  try {
    await applyMigrations(clickhouse);
    return await renderDigestPdf(clickhouse, site, period, config.privacy.minCount, {
      cameraSilentAfterMs: config.coverage.cameraSilentAfterMs,
      errorRates: () => createSiteErrorRates(clickhouse, config)(site.id),
    });
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
      checkDeployment(config, 'revisit report', { clickhouse: true });
      // A running embedded serve owns the data directory: it renders the digest.
      const owner = await findOwner(config);
      const digest = owner
        ? fromOwner(
            await ownerJson<OwnerDigest>(owner, '/v1/report', {
              site: site.id,
              period: period.kind,
              date: period.from,
            }),
          )
        : await renderHere(config, site, period);
      writeFileSync(out, digest.pdf);
      const state = digest.coverage.noData
        ? 'no data for the period'
        : digest.coverage.partial
          ? 'partial: the period is not over'
          : 'complete';
      if (opts.json)
        console.log(
          JSON.stringify({
            file: out,
            site: site.id,
            period: { kind: period.kind, from: period.from, to: period.to, label: period.label },
            coverage: digest.coverage,
            comparison: digest.comparison,
            silentCameras: digest.silentCameras,
          }),
        );
      else console.log(`wrote ${out} (${site.name}, ${period.label}; ${state})`);
      if (digest.coverage.noData)
        process.stderr.write(
          `revisit: warning: no data for ${period.label}: the PDF says so instead of showing zeros\n`,
        );
    });
}
