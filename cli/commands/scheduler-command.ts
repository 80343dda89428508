/** `revisit scheduler`: delivers the configured digests on their cron schedules until interrupted. */
import { Command } from 'commander';
import { createClickHouseClient, pingClickHouse } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { ConfigError, loadConfig } from '../../common/config.ts';
import { serveProbes } from '../../analytics-api/probes/serve-probes.ts';
import { checkDeployment, logServiceStart } from '../../runtime/check-deployment.ts';
import { findOwner } from '../../runtime/owner/owner-client.ts';
import { startDigestScheduler } from '../../reports/schedule/start-digest-scheduler.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { untilSignal } from '../until-signal.ts';

const NEEDS = { clickhouse: true };

export function schedulerCommand(): Command {
  return new Command('scheduler')
    .description(
      'Send the PDF digests configured under "digests" (cron in each site’s time zone; restarts never send twice); /metrics, /healthz and /readyz on REVISIT_METRICS_PORT. An embedded revisit serve sends them itself',
    )
    .action(async () => {
      const config = loadConfig();
      if (config.digests.schedules.length === 0)
        throw new Error('no digests configured: add "digests": { "schedules": [...] } to the config file');
      checkDeployment(config, 'revisit scheduler', NEEDS);
      if (await findOwner(config))
        throw new ConfigError(
          `revisit scheduler: a running revisit serve owns ${config.dataDir} and sends the configured digests itself`,
        );
      const clickhouse = await createClickHouseClient(config);
      await applyMigrations(clickhouse);
      const scheduler = startDigestScheduler(config, clickhouse);
      const probes = await serveProbes(config.metrics, { clickhouse: () => pingClickHouse(clickhouse) });
      logServiceStart('revisit scheduler', config, NEEDS, {
        schedules: config.digests.schedules.length,
        probes: probes?.url,
      });
      console.log(`digest scheduler running: ${config.digests.schedules.length} schedule(s)`);
      await untilSignal();
      await probes?.close();
      scheduler.stop();
      await clickhouse.close();
    });
}
