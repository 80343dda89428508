/** `revisit serve`: the dashboard, the API (reads, uploads, erasure), BI access; embedded mode runs the worker too. */
import { Command } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { openApiKeyStore, serveApi } from '../../analytics-api/index.ts';
import { openIntegration } from '../../runtime/open-integration.ts';
import { FacePipeline } from '../../ingest/index.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { untilSignal } from '../until-signal.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve the dashboard, the analytics API (/api/v1, uploads and erasure included), BI access (/bi and the BI listener, bi.port), health and metrics')
    .option('--port <port>', 'port to listen on', (v) => Number(v))
    .action(async (opts: { port?: number }) => {
      const config = loadConfig(opts.port === undefined ? {} : { api: { port: opts.port } });
      const runtime = await openRuntime(config);
      // Embedded mode has no separate worker: uploads are re-identified in this process.
      const worker = config.kafka ? null : await startReidWorker(runtime);
      const pipeline = await FacePipeline.load();
      const integration = await openIntegration(runtime, pipeline);
      const keyStore = openApiKeyStore(config);
      const api = await serveApi({ config, clickhouse: runtime.clickhouse, keyStore, integration: integration.deps });
      console.log(`dashboard and API on ${api.url} (API docs: ${api.url}/api/docs)${api.biUrl ? `; BI (ClickHouse HTTP, JDBC) on ${api.biUrl}` : ''}`);
      if (api.metricsUrl) console.log(`metrics on ${api.metricsUrl}/metrics`);
      await untilSignal();
      await api.close();
      await integration.stop();
      await worker?.stop();
      await pipeline.close();
      await keyStore.close();
      await runtime.close();
    });
}
