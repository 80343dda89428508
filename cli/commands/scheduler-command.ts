/** `revisit scheduler`: delivers the configured digests on their cron schedules until interrupted. */
import { Command } from 'commander';
import { createClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { loadConfig } from '../../common/config.ts';
import { startDigestScheduler } from '../../reports/schedule/start-digest-scheduler.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { untilSignal } from '../until-signal.ts';

export function schedulerCommand(): Command {
  return new Command('scheduler')
    .description('Send the PDF digests configured under "digests" (cron in each site’s time zone; restarts never send twice)')
    .action(async () => {
      const config = loadConfig();
      if (config.digests.schedules.length === 0) throw new Error('no digests configured: add "digests": { "schedules": [...] } to the config file');
      const clickhouse = await createClickHouseClient(config);
      await applyMigrations(clickhouse);
      const scheduler = startDigestScheduler(config, clickhouse);
      console.log(`digest scheduler running: ${config.digests.schedules.length} schedule(s)`);
      await untilSignal();
      scheduler.stop();
      await clickhouse.close();
    });
}
