/** `revisit serve`: the dashboard, the API (reads, uploads, erasure), BI access; embedded mode also runs the worker, the configured cameras and digests, and answers the other commands. */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../../common/config.ts';
import { openRuntime, runtimeReadiness } from '../../runtime/open-runtime.ts';
import { openApiKeyStore, serveApi } from '../../analytics-api/index.ts';
import { openIntegration } from '../../runtime/open-integration.ts';
import { checkDeployment, logServiceStart } from '../../runtime/check-deployment.ts';
import { serveOwnerSocket } from '../../runtime/owner/serve-owner-socket.ts';
import { startCameras } from '../../runtime/start-cameras.ts';
import { FacePipeline } from '../../ingest/index.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { startDigestScheduler } from '../../reports/schedule/start-digest-scheduler.ts';
import { untilSignal } from '../until-signal.ts';

const NEEDS = { clickhouse: true, redis: true, identityKeys: true };

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Serve the dashboard, the analytics API (/api/v1, uploads and erasure included), BI access (/bi and the BI listener, bi.port), health and metrics. ' +
        'Embedded mode (no Kafka): also the re-id worker, the cameras under "cameras" and the digests under "digests", and report, forget, enroll and ingest go through this process',
    )
    .option('--port <port>', 'port to listen on', (v) => Number(v))
    .action(async (opts: { port?: number }) => {
      const config = loadConfig(opts.port === undefined ? {} : { api: { port: opts.port } });
      const mode = checkDeployment(config, 'revisit serve', NEEDS);
      if (mode === 'distributed' && config.cameras.length > 0) {
        throw new ConfigError(
          'revisit serve: "cameras" run inside serve in embedded mode only; with Kafka, run one `revisit ingest` per camera',
        );
      }
      const embedded = mode === 'embedded';
      const runtime = await openRuntime(config, 'revisit-api');
      // Embedded mode has no separate worker: observations of uploads and cameras are re-identified here.
      const worker = embedded ? await startReidWorker(runtime) : null;
      const pipeline = await FacePipeline.load();
      const integration = await openIntegration(runtime, pipeline);
      const keyStore = openApiKeyStore(config);
      const api = await serveApi({
        config,
        clickhouse: runtime.clickhouse,
        keyStore,
        integration: integration.deps,
        readiness: runtimeReadiness(runtime),
      });
      const owner = embedded ? await serveOwnerSocket({ runtime, pipeline }) : null;
      const cameras = embedded ? await startCameras(runtime) : null;
      const scheduler =
        embedded && config.digests.schedules.length > 0 ? startDigestScheduler(config, runtime.clickhouse) : null;
      logServiceStart('revisit serve', config, NEEDS, {
        api: api.url,
        bi: api.biUrl,
        metrics: api.metricsUrl,
        callbackGroup: config.kafka?.callbackGroupId,
        cameras: config.cameras.map((c) => `${c.site}/${c.camera}`),
        digests: scheduler ? config.digests.schedules.length : 0,
        ownerSocket: owner?.path,
      });
      console.log(
        `dashboard and API on ${api.url} (API docs: ${api.url}/api/docs)${api.biUrl ? `; BI (ClickHouse HTTP, JDBC) on ${api.biUrl}` : ''}`,
      );
      if (api.metricsUrl) console.log(`metrics on ${api.metricsUrl}/metrics`);
      await untilSignal();
      await owner?.close();
      await cameras?.stop();
      scheduler?.stop();
      await api.close();
      await integration.stop();
      await worker?.stop();
      await pipeline.close();
      await keyStore.close();
      await runtime.close();
    });
}
