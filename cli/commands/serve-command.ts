/** `revisit serve`: runs the analytics API. */
import { Command } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { createClickHouseClient } from '../../common/clickhouse/create-clickhouse-client.ts';
import { openApiKeyStore, serveApi } from '../../analytics-api/index.ts';
import { applyMigrations } from '../../schemas/index.ts';
import { untilSignal } from '../until-signal.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve the dashboard, the analytics API (/api/v1), BI access (/bi), health and metrics')
    .option('--port <port>', 'port to listen on', (v) => Number(v))
    .action(async (opts: { port?: number }) => {
      const config = loadConfig(opts.port === undefined ? {} : { api: { port: opts.port } });
      const clickhouse = await createClickHouseClient(config);
      await applyMigrations(clickhouse);
      const keyStore = openApiKeyStore(config);
      const api = await serveApi({ config, clickhouse, keyStore });
      console.log(`dashboard and API on ${api.url} (OpenAPI: ${api.url}/api/v1/openapi.json)`);
      await untilSignal();
      await api.close();
      await keyStore.close();
      await clickhouse.close();
    });
}
