/** `revisit serve`: runs the analytics API. */
import { Command } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { createClickHouseClient } from '../../common/clickhouse/create-clickhouse-client.ts';
import { serveApi } from '../../analytics-api/index.ts';
import { applyMigrations } from '../../schemas/index.ts';
import { untilSignal } from '../until-signal.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve the analytics API (health, metrics, /api/v1)')
    .option('--port <port>', 'port to listen on', (v) => Number(v))
    .action(async (opts: { port?: number }) => {
      const config = loadConfig(opts.port === undefined ? {} : { api: { port: opts.port } });
      const clickhouse = await createClickHouseClient(config);
      await applyMigrations(clickhouse);
      const api = await serveApi({ config, clickhouse });
      console.log(`analytics API on ${api.url}`);
      await untilSignal();
      await api.close();
      await clickhouse.close();
    });
}
