/** `revisit worker`: runs the re-id worker until interrupted, with its operator listener (metrics.port). */
import { Command } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { serveProbes } from '../../analytics-api/probes/serve-probes.ts';
import { checkDeployment, logServiceStart } from '../../runtime/check-deployment.ts';
import { openRuntime, runtimeReadiness } from '../../runtime/open-runtime.ts';
import { startReidWorker } from '../../reid-worker/index.ts';
import { DEFAULT_WORKER_GROUP } from '../../schemas/index.ts';
import { untilSignal } from '../until-signal.ts';

const NEEDS = { clickhouse: true, redis: true, identityKeys: true };

export function workerCommand(): Command {
  return new Command('worker')
    .description(
      'Consume face observations, assign anonymous identities, write sightings (needs Kafka, a ClickHouse server, Redis and the shared keys: ' +
        'REVISIT_KAFKA_BROKERS, REVISIT_CLICKHOUSE_URL, REVISIT_REDIS_URL, REVISIT_ENCRYPTION_KEYS); /metrics, /healthz and /readyz on REVISIT_METRICS_PORT',
    )
    .action(async () => {
      const config = loadConfig();
      if (!config.kafka)
        throw new Error(
          'the worker needs Kafka as a separate service: set REVISIT_KAFKA_BROKERS (embedded mode runs it inside `revisit serve`)',
        );
      checkDeployment(config, 'revisit worker', NEEDS);
      const runtime = await openRuntime(config, 'revisit-worker');
      const subscription = await startReidWorker(runtime);
      const probes = await serveProbes(config.metrics, runtimeReadiness(runtime));
      logServiceStart('revisit worker', config, NEEDS, {
        group: config.kafka.groupId ?? DEFAULT_WORKER_GROUP,
        topic: config.topics.observations,
        partitions: config.kafka.partitions,
        probes: probes?.url,
      });
      await untilSignal();
      await probes?.close();
      await subscription.stop();
      await runtime.close();
    });
}
